#pragma once
// Document 000, a short note on the ELBO: the evidence by marginalization and by the chain
// rule, the bound stated up front, and the derivation of the bound with its KL gap.
// Its one mathematical slip: an integral written without its differential.

#include "elbocheck/sym.hpp"

namespace elbocheck::derivations::doc000 {

using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;
using namespace elbocheck::sym::rules;

inline constexpr std::string_view document = "000_c4e610161a6ffb42.txt";

inline constexpr auto evidence_by_marginalization =
    derivation({"doc000_marginal", "The evidence by marginalization", document}, p(x))
        .eq(integral(z, p(x, z)), by(marginalization),
            "The evidence is the joint with the latent variable integrated out.");

inline constexpr auto evidence_by_bayes =
    derivation({"doc000_bayes", "The evidence from the joint and the posterior", document}, p(x))
        .eq(p(x, z) / p(z | x), by(bayes_rule),
            "Dividing the joint by the posterior leaves the evidence, whatever z is.");

inline constexpr auto qz = q(z | x);

inline constexpr auto elbo_and_gap =
    derivation({"doc000_elbo", "The ELBO and its gap", document}, log(p(x)))
        .eq(log(p(x)) * integral(z, qz), by(normalization),
            "The approximate posterior integrates to one, so the evidence can be multiplied by "
            "its integral.")
        .eq(integral_without_differential(qz * log(p(x))), by(linearity),
            "The constant log p(x) moves inside the integral.")
        .mistake("the integral is written without dz, so it does not say what it integrates "
                 "over",
                 integral(z, qz* log(p(x))))
        .eq(E(z, qz)[log(p(x))], by(integral_as_expectation),
            "An integral against q is an expectation under q.")
        .eq(E(z, qz)[log(p(x, z) / p(z | x))], by(bayes_rule),
            "The evidence is the joint divided by the posterior.")
        .eq(E(z, qz)[log(p(x, z) / qz)] + E(z, qz)[log(qz / p(z | x))],
            by(log_of_quotient, linearity, add_zero),
            "Subtract and add log q inside the expectation and split it in two.")
        .eq(E(z, qz)[log(p(x, z) / qz)] + KL(qz, p(z | x)), by(kl_definition),
            "The second expectation is the KL divergence from q to the posterior.")
        .ge(E(z, qz)[log(p(x, z) / qz)], by(kl_nonnegative),
            "A KL divergence is never negative, so dropping it gives a lower bound.")
        .gap_is(KL(qz, p(z | x)));

inline constexpr auto bound_stated_first =
    derivation({"doc000_bound", "The evidence bounds the ELBO (stated)", document}, log(p(x)))
        .ge(E(z, qz)[log(p(x, z) / qz)], by(lemma<elbo_and_gap>),
            "Stated before it is derived; the derivation that follows proves it.");

} // namespace elbocheck::derivations::doc000
