// expect: step 3 \(>= by
#pragma once
// Injected mistake (wrong rule cited): the log of an expectation is bounded by the
// expectation of the log, which is Jensen's inequality; no KL divergence appears in the step,
// yet kl_nonnegative is cited. Correct step 3: the same .ge(...) by(jensen).

#include "elbocheck/sym.hpp"

namespace elbocheck::generality::wrong_rule_cited {

using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;
using namespace elbocheck::sym::rules;

inline constexpr auto qzx = q(z | x);
inline constexpr auto Eq = E(z, qzx);

inline constexpr auto derivation_under_test =
    derivation(
        {"gen_wrong_rule_cited", "Jensen's step credited to Gibbs' inequality", "lecture slides"},
        log(p(x)))
        .eq(log(integral(z, qzx*(p(x, z) / qzx))), by(marginalization, multiply_by_one),
            "Marginalize, times q / q.")
        .eq(log(Eq[p(x, z) / qzx]), by(integral_as_expectation), "As an expectation.")
        .ge(Eq[log(p(x, z) / qzx)], by(kl_nonnegative), "A KL divergence is non-negative.")
        .gap_is(KL(qzx, p(z | x)));

} // namespace elbocheck::generality::wrong_rule_cited
