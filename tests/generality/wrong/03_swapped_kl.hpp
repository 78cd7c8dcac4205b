// expect: step 3 \(= by
#pragma once
// Injected mistake (swapped KL arguments): E_q[log(q / p(z | x))] is KL(q || p(z | x)), not
// KL(p(z | x) || q). Correct step 3: Eq[log(p(x, z) / qzx)] + KL(qzx, p(z | x)).

#include "elbocheck/sym.hpp"

namespace elbocheck::generality::swapped_kl {

using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;
using namespace elbocheck::sym::rules;

inline constexpr auto qzx = q(z | x);
inline constexpr auto Eq = E(z, qzx);

inline constexpr auto derivation_under_test =
    derivation(
        {"gen_swapped_kl", "The evidence decomposition with the KL reversed", "lecture slides"},
        log(p(x)))
        .eq(Eq[log(p(x))], by(expectation_of_constant), "Constant in z.")
        .eq(Eq[log(p(x, z) / qzx)] + Eq[log(qzx / p(z | x))],
            by(bayes_rule, log_of_quotient, linearity), "Bayes, and add and subtract log q.")
        .eq(Eq[log(p(x, z) / qzx)] + KL(p(z | x), qzx), by(kl_definition),
            "The second term as a KL divergence.");

} // namespace elbocheck::generality::swapped_kl
