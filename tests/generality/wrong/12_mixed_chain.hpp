// expect: step 3 \(<= by
#pragma once
// Injected mistake (a chain mixing >= and <=): each step is true on its own, but
// log E_q[w] >= ELBO <= E_q[log p(x | z)] relates nothing: the text concludes that the
// reconstruction term bounds the evidence from below, which does not follow. Correct: stop
// after step 2 (or continue with a >= step).

#include "elbocheck/sym.hpp"

namespace elbocheck::generality::mixed_chain {

using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;
using namespace elbocheck::sym::rules;

inline constexpr auto qzx = q(z | x);
inline constexpr auto Eq = E(z, qzx);

inline constexpr auto derivation_under_test =
    derivation({"gen_mixed_chain", "The evidence above the reconstruction term (non sequitur)",
                "blog post comment"},
               log(Eq[p(x, z) / qzx]))
        .ge(Eq[log(p(x, z) / qzx)], by(jensen), "Jensen.")
        .gap_is(KL(qzx, p(z | x)))
        .eq(Eq[log(p(x | z))] - KL(qzx, p(z)),
            by(chain_rule, log_of_product, log_of_quotient, linearity, kl_definition),
            "Reconstruction minus the KL to the prior.")
        .le(Eq[log(p(x | z))], by(kl_nonnegative), "Drop the KL.")
        .gap_is(KL(qzx, p(z)));

} // namespace elbocheck::generality::mixed_chain
