// expect: step 2 \(= by
#pragma once
// Injected mistake (a function of z treated as a constant): log p(x | z) depends on z, so its
// expectation under q is not log p(x) (nor log p(x | z)). Correct: no such step; the ELBO's
// reconstruction term stays an expectation.

#include "elbocheck/sym.hpp"

namespace elbocheck::generality::non_constant_as_constant {

using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;
using namespace elbocheck::sym::rules;

inline constexpr auto qzx = q(z | x);
inline constexpr auto Eq = E(z, qzx);

inline constexpr auto derivation_under_test =
    derivation(
        {"gen_non_constant_as_constant", "The reconstruction term as the evidence", "forum answer"},
        Eq[log(p(x | z))] - KL(qzx, p(z)))
        .eq(Eq[log(p(x | z))] - Eq[log(qzx / p(z))], by(kl_definition), "Unfold the KL.")
        .eq(log(p(x)) - Eq[log(qzx / p(z))], by(expectation_of_constant),
            "The likelihood of x does not depend on z.");

} // namespace elbocheck::generality::non_constant_as_constant
