#pragma once
// The VAE form of the bound assembled from two results proved earlier in the corpus: the
// Jensen bound (04_jensen_on_integral) and the energy/entropy identity
// (14_energy_entropy_to_kl_prior).

#include "04_jensen_on_integral.hpp"
#include "14_energy_entropy_to_kl_prior.hpp"
#include "elbocheck/sym.hpp"

namespace elbocheck::generality::vae_bound_from_lemmas {

using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;
using namespace elbocheck::sym::rules;

inline constexpr auto qzx = q(z | x);
inline constexpr auto Eq = E(z, qzx);

inline constexpr auto derivation_under_test =
    derivation({"gen_vae_bound_from_lemmas", "log p(x) >= reconstruction - KL, by lemmas",
                "VAE lecture slides"},
               log(p(x)))
        .ge(Eq[log(p(x, z) / qzx)], by(lemma<jensen_on_integral::derivation_under_test>),
            "The Jensen bound shown before.")
        .gap_is(KL(qzx, p(z | x)))
        .eq(Eq[log(p(x | z))] - KL(qzx, p(z)),
            by(log_of_quotient, linearity,
               lemma<energy_entropy_to_kl_prior::derivation_under_test>),
            "Split the log ratio and use the identity shown before.");

} // namespace elbocheck::generality::vae_bound_from_lemmas
