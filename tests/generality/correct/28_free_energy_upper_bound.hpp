#pragma once
// Physics notation: the variational free energy -ELBO is an upper bound on the surprisal
// -log p(x). Jensen applied under a minus sign gives <=.

#include "elbocheck/sym.hpp"

namespace elbocheck::generality::free_energy_upper_bound {

using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;
using namespace elbocheck::sym::rules;

inline constexpr auto qzx = q(z | x);
inline constexpr auto Eq = E(z, qzx);

inline constexpr auto derivation_under_test =
    derivation({"gen_free_energy_upper_bound", "The free energy bounds the surprisal",
                "statistical physics of inference notes"},
               -log(p(x)))
        .eq(-log(integral(z, qzx*(p(x, z) / qzx))), by(marginalization, multiply_by_one),
            "Marginalize and multiply by q / q.")
        .eq(-log(Eq[p(x, z) / qzx]), by(integral_as_expectation), "As an expectation.")
        .le(-Eq[log(p(x, z) / qzx)], by(jensen), "Jensen, under a minus sign.")
        .gap_is(KL(qzx, p(z | x)))
        .eq(Eq[log(qzx / p(x, z))], by(log_of_quotient, linearity),
            "The free energy: expected log of guide over joint.");

} // namespace elbocheck::generality::free_energy_upper_bound
