// expect: step 2 \(= by
#pragma once
// Injected mistake (dropped term): the prior's expectation is lost when the expectation is
// split. Correct step 2: Eq[log(p(x | z))] + Eq[log(p(z))] - Eq[log(qzx)].

#include "elbocheck/sym.hpp"

namespace elbocheck::generality::dropped_term {

using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;
using namespace elbocheck::sym::rules;

inline constexpr auto qzx = q(z | x);
inline constexpr auto Eq = E(z, qzx);

inline constexpr auto derivation_under_test =
    derivation({"gen_dropped_term", "Splitting the ELBO, the prior lost", "course exercise"},
               Eq[log(p(x, z) / qzx)])
        .eq(Eq[log(p(x | z)) + log(p(z)) - log(qzx)],
            by(chain_rule, log_of_product, log_of_quotient), "Expand.")
        .eq(Eq[log(p(x | z))] - Eq[log(qzx)], by(linearity), "Split the expectation.");

} // namespace elbocheck::generality::dropped_term
