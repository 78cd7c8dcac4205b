#pragma once
// A derivation as the command-line tool and the documentation see it: what it is, its
// lowered steps, and what its author says about each step (words, and for a document's
// recorded mistake, why it is wrong). Made at run time from a compile-time derivation.

#include "elbocheck/sym/claim.hpp"

#include <vector>

namespace elbocheck::sym {

struct derivation_record {
    derivation_info about;
    derivation_data data;
    std::vector<step_note> notes;

    // A step is expected to be flagged exactly when its author recorded it as a mistake.
    bool expected_to_fail(std::size_t step) const { return !notes[step].mistake.empty(); }
};

template <class D>
derivation_record record(const D& d) {
    return {d.about, std::remove_cvref_t<D>::lower(), {d.notes.begin(), d.notes.end()}};
}

} // namespace elbocheck::sym
