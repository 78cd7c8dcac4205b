#pragma once
// log(a b / c) = log a + log(b / c), the way the VAE objective is usually read off the
// ELBO: the likelihood is split off and the prior stays over the guide.

#include "elbocheck/sym.hpp"

namespace elbocheck::generality::log_product_with_quotient {

using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;
using namespace elbocheck::sym::rules;

inline constexpr auto qzx = q(z | x);
inline constexpr auto Eq = E(z, qzx);

inline constexpr auto derivation_under_test =
    derivation({"gen_log_product_with_quotient", "Splitting log(p(x|z) p(z) / q)", "VAE blog post"},
               Eq[log(p(x | z) * p(z) / qzx)])
        .eq(Eq[log(p(x | z)) + log(p(z) / qzx)], by(log_of_product),
            "The log of a product is the sum of the logs.")
        .eq(Eq[log(p(x | z))] - Eq[log(qzx / p(z))], by(log_of_quotient, linearity),
            "log(b / c) = -log(c / b); split the expectation.")
        .eq(Eq[log(p(x | z))] - KL(qzx, p(z)), by(kl_definition), "KL to the prior.");

} // namespace elbocheck::generality::log_product_with_quotient
