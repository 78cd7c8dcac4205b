// expect: step 3 \(= by
#pragma once
// Injected mistake (dropped log): in step 3 the log around the posterior disappears when the
// log of the ratio is split. Correct step 3: Eq[log(p(x, z))] - Eq[log(p(z | x))].

#include "elbocheck/sym.hpp"

namespace elbocheck::generality::dropped_log {

using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;
using namespace elbocheck::sym::rules;

inline constexpr auto qzx = q(z | x);
inline constexpr auto Eq = E(z, qzx);

inline constexpr auto derivation_under_test =
    derivation(
        {"gen_dropped_log", "Splitting Bayes' rule in logs, one log lost", "student homework"},
        log(p(x)))
        .eq(Eq[log(p(x))], by(expectation_of_constant), "Constant in z.")
        .eq(Eq[log(p(x, z) / p(z | x))], by(bayes_rule), "Bayes' rule.")
        .eq(Eq[log(p(x, z))] - Eq[p(z | x)], by(log_of_quotient, linearity),
            "Split the log and the expectation.");

} // namespace elbocheck::generality::dropped_log
