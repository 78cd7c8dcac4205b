#pragma once
// The KL to the prior as the difference of two integrals against q, as numerical-methods
// notes write it before computing each piece.

#include "elbocheck/sym.hpp"

namespace elbocheck::generality::kl_as_two_integrals {

using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;
using namespace elbocheck::sym::rules;

inline constexpr auto qzx = q(z | x);

inline constexpr auto derivation_under_test =
    derivation({"gen_kl_as_two_integrals", "KL as two integrals", "numerical methods notes"},
               KL(qzx, p(z)))
        .eq(integral(z, qzx* log(qzx / p(z))), by(kl_definition, expectation_as_integral),
            "Definition, as an integral.")
        .eq(integral(z, qzx* log(qzx)) - integral(z, qzx* log(p(z))),
            by(log_of_quotient, linearity), "Split the log and the integral.");

} // namespace elbocheck::generality::kl_as_two_integrals
