#pragma once
// Document 002, "The ELBO: Derivation and Intuition": the step-by-step derivation of its
// section 2 (steps 1-7) and the gap identity of its section 3.

#include "elbocheck/sym.hpp"

namespace elbocheck::derivations::doc002 {

using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;
using namespace elbocheck::sym::rules;

inline constexpr auto elbo =
    define<1, R"(\mathrm{ELBO})">(E(z, q(z | x))[log(p(x | z))] - KL(q(z | x), p(z)));

inline constexpr auto main_derivation =
    derivation({"doc002_elbo", "Deriving the ELBO step by step", "002_06f46af21b9f7e91.txt"},
               log(p(x)))
        .eq(log(integral(z, p(x, z))), by(marginalization),
            "The evidence is the joint with the latent variable integrated out.")
        .eq(log(integral(z, q(z | x) * (p(x, z) / q(z | x)))), by(multiply_by_one),
            "Multiply and divide the integrand by the approximate posterior.")
        .eq(log(E(z, q(z | x))[p(x, z) / q(z | x)]), by(integral_as_expectation),
            "An integral against a density is an expectation under it.")
        .ge(E(z, q(z | x))[log(p(x, z) / q(z | x))], by(jensen),
            "The log of an expectation is at least the expectation of the log.")
        .gap_is(KL(q(z | x), p(z | x)))
        .eq(E(z, q(z | x))[log(p(x, z)) - log(q(z | x))], by(log_of_quotient),
            "Split the log of the ratio into a difference of logs.")
        .eq(E(z, q(z | x))[log(p(x | z)) + log(p(z)) - log(q(z | x))],
            by(chain_rule, log_of_product),
            "Factor the joint into likelihood times prior, and split its log.")
        .eq(E(z, q(z | x))[log(p(x | z))] - E(z, q(z | x))[log(q(z | x) / p(z))],
            by(linearity, log_of_quotient), "Group the prior with the approximate posterior.")
        .eq(E(z, q(z | x))[log(p(x | z))] - KL(q(z | x), p(z)), by(kl_definition),
            "The second expectation is the KL divergence from the approximate posterior to "
            "the prior.");

inline constexpr auto gap =
    derivation(
        {"doc002_gap", "The gap between the evidence and the ELBO", "002_06f46af21b9f7e91.txt"},
        log(p(x)) - elbo)
        .eq(KL(q(z | x), p(z | x)),
            by(definition, kl_definition, bayes_rule, log_of_quotient, log_of_product, linearity,
               expectation_of_constant),
            "The evidence minus the ELBO is the KL divergence from the approximate posterior to "
            "the true posterior.");

inline constexpr auto bound_stated_first =
    derivation({"doc002_bound", "The ELBO equation (section 1)", "002_06f46af21b9f7e91.txt"},
               log(p(x)))
        .ge(E(z, q(z | x))[log(p(x | z))] - KL(q(z | x), p(z)), by(lemma<main_derivation>),
            "Stated in section 1; section 2 derives it.");

} // namespace elbocheck::derivations::doc002
