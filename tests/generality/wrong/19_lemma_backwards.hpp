// expect: step 1 \(<= by
#pragma once
// Injected mistake (a lemma used backwards): 22_iwae_l2_below_evidence shows L_2 <= log p(x);
// it is cited to claim log p(x) <= L_2. Correct step 1: .ge(...) by the same lemma.

#include "../correct/22_iwae_l2_below_evidence.hpp"
#include "elbocheck/sym.hpp"

namespace elbocheck::generality::lemma_backwards {

using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;
using namespace elbocheck::sym::rules;

inline constexpr auto w_1 = p(x, z_1) / q(z_1 | x);
inline constexpr auto w_2 = p(x, z_2) / q(z_2 | x);
inline constexpr auto E_1 = E(z_1, q(z_1 | x));
inline constexpr auto E_2 = E(z_2, q(z_2 | x));

inline constexpr auto derivation_under_test =
    derivation({"gen_lemma_backwards", "The evidence below L_2 (lemma misread)",
                "IWAE reading group notes"},
               log(p(x)))
        .le(E_1[E_2[log(num<1, 2> * (w_1 + w_2))]],
            by(lemma<iwae_l2_below_evidence::derivation_under_test>), "By the lemma.");

} // namespace elbocheck::generality::lemma_backwards
