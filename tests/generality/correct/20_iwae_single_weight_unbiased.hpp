#pragma once
// One importance weight, drawn as z_1 ~ q, is unbiased for the evidence: the guide cancels in
// the integral and what is left is the marginal.

#include "elbocheck/sym.hpp"

namespace elbocheck::generality::iwae_single_weight_unbiased {

using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;
using namespace elbocheck::sym::rules;

inline constexpr auto derivation_under_test =
    derivation({"gen_iwae_single_weight_unbiased", "One importance weight is unbiased",
                "importance weighted autoencoder paper"},
               E(z_1, q(z_1 | x))[p(x, z_1) / q(z_1 | x)])
        .eq(integral(z_1, q(z_1 | x) * (p(x, z_1) / q(z_1 | x))), by(expectation_as_integral),
            "Write the expectation as an integral.")
        .eq(integral(z_1, p(x, z_1)), by(rearrangement), "The guide cancels.")
        .eq(p(x), by(marginalization), "Integrate z_1 out of the joint.");

} // namespace elbocheck::generality::iwae_single_weight_unbiased
