#pragma once
// The difference between the KL to the prior and the KL to the posterior is the expected
// log likelihood minus the evidence.

#include "elbocheck/sym.hpp"

namespace elbocheck::generality::difference_of_kls {

using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;
using namespace elbocheck::sym::rules;

inline constexpr auto qzx = q(z | x);
inline constexpr auto Eq = E(z, qzx);

inline constexpr auto derivation_under_test =
    derivation({"gen_difference_of_kls", "KL to the prior minus KL to the posterior",
                "probabilistic machine learning textbook"},
               KL(qzx, p(z)) - KL(qzx, p(z | x)))
        .eq(Eq[log(p(z | x) / p(z))], by(kl_definition, log_of_quotient, linearity),
            "Both KLs under one expectation; log q cancels.")
        .eq(Eq[log(p(x | z) / p(x))], by(bayes_rule),
            "Posterior over prior is likelihood over evidence.")
        .eq(Eq[log(p(x | z))] - log(p(x)), by(log_of_quotient, linearity, expectation_of_constant),
            "Split; the evidence is a constant.");

} // namespace elbocheck::generality::difference_of_kls
