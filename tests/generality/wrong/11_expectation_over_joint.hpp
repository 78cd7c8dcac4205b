// expect: step 1 \(= by
#pragma once
// Injected mistake (expectation over a joint): the expected complete-data log likelihood is
// written as an expectation under p(x, z), which is not a distribution over z (it integrates
// to p(x)); the expectation is under q. Correct step 1: Eq[log(p(x, z))] - Eq[log(qzx)].

#include "elbocheck/sym.hpp"

namespace elbocheck::generality::expectation_over_joint {

using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;
using namespace elbocheck::sym::rules;

inline constexpr auto qzx = q(z | x);
inline constexpr auto Eq = E(z, qzx);

inline constexpr auto derivation_under_test =
    derivation({"gen_expectation_over_joint", "The energy term under the joint", "forum answer"},
               Eq[log(p(x, z) / qzx)])
        .eq(E(z, p(x, z))[log(p(x, z))] - Eq[log(qzx)], by(log_of_quotient, linearity),
            "Energy minus entropy.");

} // namespace elbocheck::generality::expectation_over_joint
