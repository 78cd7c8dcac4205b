#pragma once
// Neal and Hinton's view of EM: the free energy F(q) = E_q[log p(x, z)] + H(q) equals
// log p(x) - KL(q || p(z | x)), so maximizing F over q tightens the bound.

#include "elbocheck/sym.hpp"

namespace elbocheck::generality::free_energy_identity {

using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;
using namespace elbocheck::sym::rules;

inline constexpr auto Eq = E(z, q(z));
inline constexpr auto free_energy =
    define<101, R"(\mathcal{F}(q))">(Eq[log(p(x, z))] - Eq[log(q(z))]);

inline constexpr auto derivation_under_test =
    derivation({"gen_free_energy_identity", "The free energy is evidence minus a KL",
                "EM lecture notes (Neal and Hinton view)"},
               free_energy)
        .eq(Eq[log(p(x, z))] - Eq[log(q(z))], by(definition), "Unfold F.")
        .eq(Eq[log(p(z | x) * p(x))] - Eq[log(q(z))], by(bayes_rule),
            "Joint = posterior times evidence.")
        .eq(log(p(x)) + Eq[log(p(z | x))] - Eq[log(q(z))],
            by(log_of_product, linearity, expectation_of_constant),
            "Split the log; the evidence comes out of the expectation.")
        .eq(log(p(x)) - KL(q(z), p(z | x)), by(log_of_quotient, linearity, kl_definition),
            "The remaining two terms are minus the KL to the posterior.");

} // namespace elbocheck::generality::free_energy_identity
