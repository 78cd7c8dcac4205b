#pragma once
// The VAE objective in integral notation, as in the appendix of the VAE paper: the
// reconstruction integral minus the KL integral is one integral of the log weight.

#include "elbocheck/sym.hpp"

namespace elbocheck::generality::integral_notation_elbo {

using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;
using namespace elbocheck::sym::rules;

inline constexpr auto qzx = q(z | x);

inline constexpr auto derivation_under_test =
    derivation({"gen_integral_notation_elbo", "Reconstruction minus KL, as integrals",
                "VAE paper appendix"},
               integral(z, qzx* log(p(x | z))) - integral(z, qzx* log(qzx / p(z))))
        .eq(integral(z, qzx* log(p(x | z) * p(z) / qzx)),
            by(linearity, log_of_product, log_of_quotient), "Combine the integrals and the logs.")
        .eq(integral(z, qzx* log(p(x, z) / qzx)), by(chain_rule),
            "Likelihood times prior is the joint.");

} // namespace elbocheck::generality::integral_notation_elbo
