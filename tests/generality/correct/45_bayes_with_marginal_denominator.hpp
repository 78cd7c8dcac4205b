#pragma once
// Bayes' rule with the evidence written as the integral that makes the posterior
// intractable; the integration variable is named z_1 so it does not clash with the free z.

#include "elbocheck/sym.hpp"

namespace elbocheck::generality::bayes_with_marginal_denominator {

using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;
using namespace elbocheck::sym::rules;

inline constexpr auto derivation_under_test =
    derivation({"gen_bayes_with_marginal_denominator",
                "The posterior and its intractable "
                "normalizer",
                "VAE lecture slides"},
               p(z | x))
        .eq(p(x | z) * p(z) / integral(z_1, p(x | z_1) * p(z_1)), by(bayes_rule, marginalization),
            "Likelihood times prior over the evidence, the evidence as an integral.");

} // namespace elbocheck::generality::bayes_with_marginal_denominator
