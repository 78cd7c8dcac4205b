#pragma once
// The beta-VAE objective read the other way round: the ELBO minus (beta - 1) KL to the prior
// is reconstruction minus beta KL.

#include "elbocheck/sym.hpp"

namespace elbocheck::generality::beta_objective_regrouped {

using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;
using namespace elbocheck::sym::rules;

inline constexpr auto qzx = q(z | x);
inline constexpr auto Eq = E(z, qzx);

inline constexpr auto derivation_under_test =
    derivation({"gen_beta_objective_regrouped", "ELBO - (beta - 1) KL = the beta objective",
                "beta-VAE discussion"},
               Eq[log(p(x, z) / qzx)] - (beta - num<1>)*KL(qzx, p(z)))
        .eq(Eq[log(p(x | z))] - KL(qzx, p(z)) - (beta - num<1>)*KL(qzx, p(z)),
            by(chain_rule, log_of_product, log_of_quotient, linearity, kl_definition),
            "The ELBO is reconstruction minus the KL to the prior.")
        .eq(Eq[log(p(x | z))] - beta * KL(qzx, p(z)), by(rearrangement),
            "Collect the KL terms: 1 + (beta - 1) = beta.");

} // namespace elbocheck::generality::beta_objective_regrouped
