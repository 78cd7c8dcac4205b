#pragma once
// EM-style bound with a free distribution q(z) that does not look at x: Jensen gives
// log p(x) >= E_q[log p(x, z)] + H(q), with the entropy H(q) a defined name.

#include "elbocheck/sym.hpp"

namespace elbocheck::generality::em_free_guide_entropy {

using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;
using namespace elbocheck::sym::rules;

inline constexpr auto Eq = E(z, q(z));
inline constexpr auto entropy = define<100, R"(\mathrm{H}(q))">(-Eq[log(q(z))]);

inline constexpr auto derivation_under_test =
    derivation({"gen_em_free_guide_entropy", "EM's lower bound with an entropy term",
                "EM algorithm lecture notes"},
               log(p(x)))
        .eq(log(integral(z, p(x, z))), by(marginalization), "Marginal likelihood.")
        .eq(log(integral(z, q(z) * (p(x, z) / q(z)))), by(multiply_by_one),
            "Introduce an arbitrary distribution q(z).")
        .eq(log(Eq[p(x, z) / q(z)]), by(integral_as_expectation), "Expectation under q.")
        .ge(Eq[log(p(x, z) / q(z))], by(jensen), "Jensen: log is concave.")
        .gap_is(KL(q(z), p(z | x)))
        .eq(Eq[log(p(x, z))] - Eq[log(q(z))], by(log_of_quotient, linearity),
            "Expected complete-data log likelihood minus E_q[log q].")
        .eq(Eq[log(p(x, z))] + entropy, by(definition), "The second term is the entropy of q.");

} // namespace elbocheck::generality::em_free_guide_entropy
