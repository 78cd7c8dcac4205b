// expect: step 1 \(= by
#pragma once
// Injected mistake (off by one KL): the beta objective is the ELBO minus (beta - 1) KL, not
// the ELBO minus beta KL: the ELBO already holds one KL. Correct step 1:
// Eq[log(p(x, z) / qzx)] - (beta - num<1>) * KL(qzx, p(z)).

#include "elbocheck/sym.hpp"

namespace elbocheck::generality::beta_off_by_one {

using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;
using namespace elbocheck::sym::rules;

inline constexpr auto qzx = q(z | x);
inline constexpr auto Eq = E(z, qzx);

inline constexpr auto derivation_under_test =
    derivation(
        {"gen_beta_off_by_one", "The beta objective as ELBO - beta KL", "beta-VAE discussion"},
        Eq[log(p(x | z))] - beta * KL(qzx, p(z)))
        .eq(Eq[log(p(x, z) / qzx)] - beta * KL(qzx, p(z)),
            by(kl_definition, chain_rule, log_of_product, log_of_quotient, linearity),
            "The first term becomes the ELBO.");

} // namespace elbocheck::generality::beta_off_by_one
