#pragma once
// ELBO <= L_2 <= log p(x), chained from 21_iwae_elbo_below_l2 and 22_iwae_l2_below_evidence.

#include "21_iwae_elbo_below_l2.hpp"
#include "22_iwae_l2_below_evidence.hpp"
#include "elbocheck/sym.hpp"

namespace elbocheck::generality::iwae_chain_by_lemmas {

using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;
using namespace elbocheck::sym::rules;

inline constexpr auto w_1 = p(x, z_1) / q(z_1 | x);
inline constexpr auto w_2 = p(x, z_2) / q(z_2 | x);
inline constexpr auto E_1 = E(z_1, q(z_1 | x));
inline constexpr auto E_2 = E(z_2, q(z_2 | x));

inline constexpr auto derivation_under_test =
    derivation({"gen_iwae_chain_by_lemmas", "ELBO <= L_2 <= log p(x)", "IWAE reading group notes"},
               num<1, 2>* E_1[log(w_1)] + num<1, 2> * E_2[log(w_2)])
        .le(E_1[E_2[log(num<1, 2> * (w_1 + w_2))]],
            by(lemma<iwae_elbo_below_l2::derivation_under_test>), "The ELBO is below L_2.")
        .le(log(p(x)), by(lemma<iwae_l2_below_evidence::derivation_under_test>),
            "L_2 is below the evidence.");

} // namespace elbocheck::generality::iwae_chain_by_lemmas
