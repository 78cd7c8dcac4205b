#pragma once
// Energy-plus-entropy form of the ELBO turned into the reconstruction-minus-KL form of the
// VAE paper.

#include "elbocheck/sym.hpp"

namespace elbocheck::generality::energy_entropy_to_kl_prior {

using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;
using namespace elbocheck::sym::rules;

inline constexpr auto qzx = q(z | x);
inline constexpr auto Eq = E(z, qzx);

inline constexpr auto derivation_under_test =
    derivation({"gen_energy_entropy_to_kl_prior", "From energy and entropy to the VAE objective",
                "VAE tutorial"},
               Eq[log(p(x, z))] - Eq[log(qzx)])
        .eq(Eq[log(p(x | z))] + Eq[log(p(z))] - Eq[log(qzx)],
            by(chain_rule, log_of_product, linearity), "Factor the joint and split.")
        .eq(Eq[log(p(x | z))] - (Eq[log(qzx)] - Eq[log(p(z))]), by(rearrangement),
            "Group the last two terms.")
        .eq(Eq[log(p(x | z))] - Eq[log(qzx / p(z))], by(log_of_quotient, linearity),
            "One expectation of a log ratio.")
        .eq(Eq[log(p(x | z))] - KL(qzx, p(z)), by(kl_definition), "KL to the prior.");

} // namespace elbocheck::generality::energy_entropy_to_kl_prior
