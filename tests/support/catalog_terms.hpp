#pragma once
// Every term that occurs in the project's derivations (derivations/catalog.hpp): each
// derivation's start, every step's right-hand side, every correction of a recorded mistake and
// every stated gap. The evaluator tests hold each of these against the exact evaluator, so a
// closed form that only a derivation reaches is cross-checked as well as the hand-picked ones.
#include "catalog.hpp"
#include "elbocheck/eval/exact_evaluator.hpp"

#include <string>
#include <vector>

namespace elbocheck::test_support {

struct catalog_term {
    std::string name; // "<derivation> start", "<derivation> step 3", "... correction", "... gap"
    sym::term t;
};

inline std::vector<catalog_term> catalog_terms() {
    std::vector<catalog_term> out;
    for (const sym::derivation_record& r : derivations::catalog()) {
        const std::string name(r.about.name);
        out.push_back({name + " start", r.data.start});
        for (std::size_t i = 0; i < r.data.steps.size(); ++i) {
            const sym::step_data& s = r.data.steps[i];
            const std::string step = name + " step " + std::to_string(i + 1);
            out.push_back({step, s.next});
            for (const sym::term& g : s.gap)
                out.push_back({step + " gap", g});
            for (const sym::step_data& c : s.correction) {
                out.push_back({step + " correction", c.next});
                for (const sym::term& g : c.gap)
                    out.push_back({step + " correction gap", g});
            }
        }
    }
    return out;
}

} // namespace elbocheck::test_support
