#pragma once
// For beta = 1 + gamma with gamma >= 0, the beta objective is below the ELBO, which is below
// the evidence: written upwards with <=, the last step citing 24_vae_bound_from_lemmas.

#include "24_vae_bound_from_lemmas.hpp"
#include "elbocheck/sym.hpp"

namespace elbocheck::generality::beta_bound_upwards {

using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;
using namespace elbocheck::sym::rules;

inline constexpr auto qzx = q(z | x);
inline constexpr auto Eq = E(z, qzx);

inline constexpr auto derivation_under_test =
    derivation({"gen_beta_bound_upwards", "beta >= 1: beta objective <= ELBO <= evidence",
                "beta-VAE discussion"},
               Eq[log(p(x | z))] - (num<1> + excess) * KL(qzx, p(z)))
        .eq(Eq[log(p(x | z))] - KL(qzx, p(z)) - excess * KL(qzx, p(z)), by(rearrangement),
            "Distribute the weight 1 + gamma.")
        .le(Eq[log(p(x | z))] - KL(qzx, p(z)), by(kl_nonnegative),
            "gamma >= 0 and a KL is never negative, so removing gamma KL cannot decrease it.")
        .gap_is(excess * KL(qzx, p(z)))
        .le(log(p(x)), by(lemma<vae_bound_from_lemmas::derivation_under_test>), "The VAE bound.")
        .gap_is(KL(qzx, p(z | x)));

} // namespace elbocheck::generality::beta_bound_upwards
