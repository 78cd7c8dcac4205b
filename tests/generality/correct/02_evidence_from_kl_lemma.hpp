#pragma once
// The evidence decomposition, solved for log p(x) using the KL identity of
// 01_kl_solved_for_evidence as a lemma, then the bound by non-negativity of the KL.

#include "01_kl_solved_for_evidence.hpp"
#include "elbocheck/sym.hpp"

namespace elbocheck::generality::evidence_from_kl_lemma {

using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;
using namespace elbocheck::sym::rules;

inline constexpr auto qzx = q(z | x);
inline constexpr auto Eq = E(z, qzx);

inline constexpr auto derivation_under_test =
    derivation({"gen_evidence_from_kl_lemma", "log p(x) = ELBO + KL, hence the bound",
                "variational inference lecture notes"},
               log(p(x)))
        .eq(Eq[log(p(x, z) / qzx)] + KL(qzx, p(z | x)),
            by(lemma<kl_solved_for_evidence::derivation_under_test>),
            "Move the ELBO to the other side of the identity just shown.")
        .ge(Eq[log(p(x, z) / qzx)], by(kl_nonnegative), "The KL divergence is never negative.")
        .gap_is(KL(qzx, p(z | x)));

} // namespace elbocheck::generality::evidence_from_kl_lemma
