#pragma once
// Information-theory reading of the KL to the prior: cross-entropy of q relative to the
// prior minus the entropy of q, both as defined names.

#include "elbocheck/sym.hpp"

namespace elbocheck::generality::kl_cross_entropy_minus_entropy {

using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;
using namespace elbocheck::sym::rules;

inline constexpr auto qzx = q(z | x);
inline constexpr auto Eq = E(z, qzx);
inline constexpr auto entropy = define<102, R"(\mathrm{H}[q])">(-Eq[log(qzx)]);
inline constexpr auto cross_entropy = define<103, R"(\mathrm{H}[q, p_z])">(-Eq[log(p(z))]);

inline constexpr auto derivation_under_test =
    derivation({"gen_kl_cross_entropy_minus_entropy", "KL = cross-entropy - entropy",
                "information theory notes"},
               KL(qzx, p(z)))
        .eq(Eq[log(qzx)] - Eq[log(p(z))], by(kl_definition, log_of_quotient, linearity),
            "Definition, split.")
        .eq(cross_entropy - entropy, by(definition), "Name the two terms.");

} // namespace elbocheck::generality::kl_cross_entropy_minus_entropy
