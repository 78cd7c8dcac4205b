#pragma once
// The beta-weighted objective of the beta-VAE (Higgins et al., 2017), mentioned in document
// 002: reconstruction minus beta times the KL divergence to the prior.
//
//     L_beta = E_q[log p(x | z)] - beta KL(q || p(z)) = ELBO - (beta - 1) KL(q || p(z)),
//
// so for beta >= 1, written beta = 1 + gamma with gamma >= 0, L_beta <= ELBO <= log p(x):
// a stronger weight on the KL term still gives a lower bound on the evidence, a looser one.

#include "doc002_elbo_intuition.hpp"
#include "elbocheck/sym.hpp"

namespace elbocheck::derivations::beta_vae {

using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;
using namespace elbocheck::sym::rules;

inline constexpr auto qz = q(z | x);
inline constexpr auto reconstruction = E(z, qz)[log(p(x | z))];
inline constexpr auto L_beta =
    define<8, R"(\mathcal{L}_{\beta})">(reconstruction - beta * KL(qz, p(z)));

inline constexpr auto against_elbo =
    derivation({"beta_vs_elbo", "The beta objective is the ELBO minus (beta - 1) KL", ""}, L_beta)
        .eq(doc002::elbo - (beta - num<1>)*KL(qz, p(z)), by(definition),
            "Take one KL divergence into the ELBO; beta - 1 of it is left over.");

// beta = 1 + gamma, gamma >= 0
inline constexpr auto L_one_plus_gamma =
    define<9, R"(\mathcal{L}_{1+\gamma})">(reconstruction - (num<1> + excess) * KL(qz, p(z)));

inline constexpr auto bound =
    derivation({"beta_bound", "For beta >= 1 the beta objective bounds the evidence", ""},
               L_one_plus_gamma)
        .eq(doc002::elbo - excess * KL(qz, p(z)), by(definition),
            "With beta = 1 + gamma, the objective is the ELBO minus gamma KL.")
        .le(doc002::elbo, by(kl_nonnegative), "gamma >= 0 and the KL divergence is never negative.")
        .gap_is(excess * KL(qz, p(z)))
        .le(log(p(x)), by(definition, lemma<doc002::main_derivation>),
            "The ELBO is a lower bound on the evidence (document 002).")
        .gap_is(KL(qz, p(z | x)));

} // namespace elbocheck::derivations::beta_vae
