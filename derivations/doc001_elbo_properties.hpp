#pragma once
// Document 001, "Evidence lower bound (ELBO)": the ELBO with a guide q(z) that does not
// depend on x, the ELBO inequality by Jensen, the gap as KL(q(z) || p(z | x)), and the
// evidence of a model with parameters theta integrated out. Every step is correct.

#include "elbocheck/sym.hpp"

namespace elbocheck::derivations::doc001 {

using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;
using namespace elbocheck::sym::rules;

inline constexpr std::string_view document = "001_1e4d49d5a0c7b43e.txt";

inline constexpr auto elbo = define<2, R"(\mathrm{ELBO})">(E(z, q(z))[log(p(x, z) / q(z))]);
inline constexpr auto evidence = define<3, R"(\mathrm{evidence})">(log(p(x)));

inline constexpr auto elbo_inequality =
    derivation({"doc001_inequality", "The ELBO inequality", document}, log(p(x)))
        .eq(log(integral(z, p(x | z) * p(z))), by(marginalization),
            "The evidence integrates the latent variable out of likelihood times prior.")
        .eq(log(integral(z, p(x, z))), by(chain_rule), "Likelihood times prior is the joint.")
        .eq(log(integral(z, p(x, z) * (q(z) / q(z)))), by(multiply_by_one),
            "Multiply the integrand by q(z) / q(z).")
        .eq(log(integral(z, q(z) * (p(x, z) / q(z)))), by(rearrangement), "Reorder the factors.")
        .eq(log(E(z, q(z))[p(x, z) / q(z)]), by(integral_as_expectation),
            "An integral against q is an expectation under q.")
        .ge(E(z, q(z))[log(p(x, z) / q(z))], by(jensen), "The log is concave.")
        .gap_is(KL(q(z), p(z | x)));

inline constexpr auto evidence_bounds_elbo =
    derivation({"doc001_conclusion", "Therefore evidence >= ELBO", document}, evidence)
        .ge(elbo, by(definition, lemma<elbo_inequality>),
            "The evidence is log p(x), and the ELBO is the bound just derived.");

inline constexpr auto gap =
    derivation({"doc001_gap", "The KL divergence equals evidence minus ELBO", document},
               KL(q(z), p(z | x)))
        .eq(integral(z, q(z) * log(q(z) / p(z | x))), by(kl_definition, expectation_as_integral),
            "The KL divergence as an integral.")
        .eq(E(z, q(z))[log(q(z) / p(z | x))], by(integral_as_expectation),
            "The integral against q as an expectation.")
        .eq(E(z, q(z))[log(q(z))] - E(z, q(z))[log(p(z | x))], by(log_of_quotient, linearity),
            "Split the log of the ratio and the expectation.")
        .eq(E(z, q(z))[log(q(z))] - E(z, q(z))[log(p(z | x) * (p(x) / p(x)))], by(multiply_by_one),
            "Multiply the posterior by p(x) / p(x).")
        .eq(E(z, q(z))[log(q(z))] - E(z, q(z))[log(p(z, x) / p(x))], by(bayes_rule),
            "Posterior times evidence is the joint.")
        .eq(E(z, q(z))[log(q(z))] - E(z, q(z))[log(p(z, x))] + E(z, q(z))[log(p(x))],
            by(log_of_quotient, linearity), "Split the log of the ratio and the expectation.")
        .eq(log(p(x)) - E(z, q(z))[log(p(x, z) / q(z))],
            by(expectation_of_constant, log_of_quotient, linearity),
            "log p(x) does not depend on z; gather the rest into one expectation.")
        .eq(evidence - elbo, by(definition), "Name the two terms.");

inline constexpr auto evidence_over_parameters =
    derivation({"doc001_parameters", "The evidence with the parameters integrated out", document},
               log(p(x)))
        .eq(log(integral(theta, p(x | theta) * p(theta))), by(marginalization),
            "Integrate the model's parameters out of likelihood times prior.");

} // namespace elbocheck::derivations::doc001
