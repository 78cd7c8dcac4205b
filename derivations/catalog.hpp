#pragma once
// Every derivation the project checks, in the order the tool lists them.

#include "doc002_elbo_intuition.hpp"
#include "elbocheck/sym/derivation_record.hpp"

#include <vector>

namespace elbocheck::derivations {

inline std::vector<sym::derivation_record> catalog() {
    return {
        sym::record(doc002::main_derivation),
        sym::record(doc002::gap),
    };
}

} // namespace elbocheck::derivations
