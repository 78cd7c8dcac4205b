// expect: step 1 \(= by
#pragma once
// Injected mistake (likelihood written for the posterior): Bayes' rule divides the joint by
// the posterior p(z | x); dividing by the likelihood p(x | z) leaves the prior, not the
// evidence. Correct step 1: log(p(x, z)) - log(p(z | x)).

#include "elbocheck/sym.hpp"

namespace elbocheck::generality::conditioning_swapped {

using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;
using namespace elbocheck::sym::rules;

inline constexpr auto derivation_under_test =
    derivation({"gen_conditioning_swapped", "Bayes' rule with the conditioning swapped",
                "student homework"},
               log(p(x)))
        .eq(log(p(x, z)) - log(p(x | z)), by(bayes_rule, log_of_quotient),
            "Joint over posterior, in logs.");

} // namespace elbocheck::generality::conditioning_swapped
