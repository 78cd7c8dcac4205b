// expect: step 2 \(= by
#pragma once
// Injected mistake (sign flip): the KL to the prior is added instead of subtracted.
// Correct step 2: Eq[log(p(x | z))] - Eq[log(qzx / p(z))].

#include "elbocheck/sym.hpp"

namespace elbocheck::generality::sign_flip {

using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;
using namespace elbocheck::sym::rules;

inline constexpr auto qzx = q(z | x);
inline constexpr auto Eq = E(z, qzx);

inline constexpr auto derivation_under_test =
    derivation({"gen_sign_flip", "The VAE objective with the KL's sign flipped", "VAE blog post"},
               Eq[log(p(x, z) / qzx)])
        .eq(Eq[log(p(x | z)) + log(p(z)) - log(qzx)],
            by(chain_rule, log_of_product, log_of_quotient), "Expand the log.")
        .eq(Eq[log(p(x | z))] + Eq[log(qzx / p(z))], by(log_of_quotient, linearity),
            "Group the prior with the guide.")
        .eq(Eq[log(p(x | z))] + KL(qzx, p(z)), by(kl_definition), "KL to the prior.");

} // namespace elbocheck::generality::sign_flip
