#pragma once
// The gap identity obtained by rearranging 29_posterior_kl_two_kls: the KL to the posterior
// is the evidence minus the VAE objective.

#include "29_posterior_kl_two_kls.hpp"
#include "elbocheck/sym.hpp"

namespace elbocheck::generality::gap_from_two_kls_lemma {

using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;
using namespace elbocheck::sym::rules;

inline constexpr auto qzx = q(z | x);

inline constexpr auto derivation_under_test =
    derivation({"gen_gap_from_two_kls_lemma", "The gap is evidence minus the VAE objective",
                "probabilistic machine learning textbook"},
               KL(qzx, p(z | x)))
        .eq(log(p(x)) - (E(z, qzx)[log(p(x | z))] - KL(qzx, p(z))),
            by(lemma<posterior_kl_two_kls::derivation_under_test>), "Rearrange the identity.");

} // namespace elbocheck::generality::gap_from_two_kls_lemma
