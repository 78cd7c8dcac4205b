#pragma once
// The ELBO as the evidence minus the KL to the posterior, written with the KL first and
// negated: ELBO = -KL(q || p(z | x)) + log p(x).

#include "elbocheck/sym.hpp"

namespace elbocheck::generality::negative_kl_plus_evidence {

using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;
using namespace elbocheck::sym::rules;

inline constexpr auto qzx = q(z | x);
inline constexpr auto Eq = E(z, qzx);

inline constexpr auto derivation_under_test =
    derivation({"gen_negative_kl_plus_evidence", "ELBO = -KL(q || posterior) + log p(x)",
                "deep generative models lecture"},
               Eq[log(p(x, z) / qzx)])
        .eq(Eq[log(p(z | x) * p(x) / qzx)], by(chain_rule),
            "Factor the joint as posterior times evidence.")
        .eq(Eq[log(p(z | x) / qzx)] + Eq[log(p(x))], by(log_of_product, linearity),
            "Split off the evidence.")
        .eq(-Eq[log(qzx / p(z | x))] + log(p(x)),
            by(log_of_quotient, linearity, expectation_of_constant),
            "Flip the ratio, which flips the sign; the evidence is a constant.")
        .eq(-KL(qzx, p(z | x)) + log(p(x)), by(kl_definition), "KL to the posterior.");

} // namespace elbocheck::generality::negative_kl_plus_evidence
