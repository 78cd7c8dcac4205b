#pragma once
// The KL to the posterior written through the KL to the prior: KL(q || p(z | x)) =
// KL(q || p(z)) - E_q[log p(x | z)] + log p(x), step by step.

#include "elbocheck/sym.hpp"

namespace elbocheck::generality::posterior_kl_two_kls {

using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;
using namespace elbocheck::sym::rules;

inline constexpr auto qzx = q(z | x);
inline constexpr auto Eq = E(z, qzx);

inline constexpr auto derivation_under_test =
    derivation({"gen_posterior_kl_two_kls", "KL to the posterior through KL to the prior",
                "probabilistic machine learning textbook"},
               KL(qzx, p(z | x)))
        .eq(Eq[log(qzx) - log(p(z | x))], by(kl_definition, log_of_quotient),
            "Definition, log of the ratio.")
        .eq(Eq[log(qzx) - log(p(x | z)) - log(p(z)) + log(p(x))],
            by(bayes_rule, log_of_product, log_of_quotient),
            "Bayes' rule with likelihood and prior.")
        .eq(Eq[log(qzx / p(z))] - Eq[log(p(x | z))] + log(p(x)),
            by(log_of_quotient, linearity, expectation_of_constant),
            "Regroup under separate expectations.")
        .eq(KL(qzx, p(z)) - Eq[log(p(x | z))] + log(p(x)), by(kl_definition), "KL to the prior.");

} // namespace elbocheck::generality::posterior_kl_two_kls
