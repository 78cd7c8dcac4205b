// expect: step 2 \(= by
#pragma once
// Injected mistake (an expectation dropped): the reconstruction term loses its E_q, leaving a
// function of z in an identity about numbers; z is no longer bound anywhere in that term.
// Correct step 2: Eq[log(p(x | z))] - KL(qzx, p(z)).

#include "elbocheck/sym.hpp"

namespace elbocheck::generality::expectation_dropped {

using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;
using namespace elbocheck::sym::rules;

inline constexpr auto qzx = q(z | x);
inline constexpr auto Eq = E(z, qzx);

inline constexpr auto derivation_under_test =
    derivation({"gen_expectation_dropped", "The reconstruction term without its expectation",
                "VAE blog post"},
               Eq[log(p(x, z) / qzx)])
        .eq(Eq[log(p(x | z))] - Eq[log(qzx / p(z))],
            by(chain_rule, log_of_product, log_of_quotient, linearity), "Expand and regroup.")
        .eq(log(p(x | z)) - KL(qzx, p(z)), by(kl_definition), "KL to the prior.");

} // namespace elbocheck::generality::expectation_dropped
