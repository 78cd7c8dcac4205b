#pragma once
// The beta objective as the ELBO plus (1 - beta) KL to the prior, the grouping used when beta
// < 1 is discussed (no sign is assumed for beta).

#include "elbocheck/sym.hpp"

namespace elbocheck::generality::beta_other_sign {

using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;
using namespace elbocheck::sym::rules;

inline constexpr auto qzx = q(z | x);
inline constexpr auto Eq = E(z, qzx);

inline constexpr auto derivation_under_test =
    derivation(
        {"gen_beta_other_sign", "beta objective = ELBO + (1 - beta) KL", "beta-VAE discussion"},
        Eq[log(p(x | z))] - beta * KL(qzx, p(z)))
        .eq(Eq[log(p(x, z) / qzx)] + (num<1> - beta) * KL(qzx, p(z)),
            by(kl_definition, chain_rule, log_of_product, log_of_quotient, linearity),
            "Write one KL into the ELBO; 1 - beta of it remains.");

} // namespace elbocheck::generality::beta_other_sign
