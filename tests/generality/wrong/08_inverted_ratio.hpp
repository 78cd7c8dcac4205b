// expect: step 2 \(= by
#pragma once
// Injected mistake (inverted ratio): Bayes' rule gives p(x) = p(x, z) / p(z | x); the ratio
// is written upside down. Correct step 2: Eq[log(p(x, z) / p(z | x))].

#include "elbocheck/sym.hpp"

namespace elbocheck::generality::inverted_ratio {

using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;
using namespace elbocheck::sym::rules;

inline constexpr auto qzx = q(z | x);
inline constexpr auto Eq = E(z, qzx);

inline constexpr auto derivation_under_test =
    derivation({"gen_inverted_ratio", "Bayes' rule upside down", "student homework"}, log(p(x)))
        .eq(Eq[log(p(x))], by(expectation_of_constant), "Constant in z.")
        .eq(Eq[log(p(z | x) / p(x, z))], by(bayes_rule), "Bayes' rule.");

} // namespace elbocheck::generality::inverted_ratio
