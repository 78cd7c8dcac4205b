#pragma once
// Document 004, notes from a lecture: Bayes' formula, the KL divergence to the posterior
// expanded until the evidence appears, the bound, and the ELBO's final forms. Three of its
// steps are wrong as written: a log dropped from log p(x), and twice an integral over x
// where the expectation is over z. They are recorded as written, each with its correction.

#include "elbocheck/sym.hpp"

namespace elbocheck::derivations::doc004 {

using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;
using namespace elbocheck::sym::rules;

inline constexpr std::string_view document = "004_d9c7db41d7f73834.txt";

inline constexpr auto bayes =
    derivation({"doc004_bayes", "Bayes' formula for the posterior", document}, p(z | x))
        .eq(p(x | z) * p(z) / p(x), by(bayes_rule),
            "Posterior = likelihood times prior over evidence.")
        .eq(p(z, x) / p(x), by(chain_rule), "Likelihood times prior is the joint.");

inline constexpr auto evidence_integral =
    derivation({"doc004_evidence", "The evidence as an integral", document}, p(x))
        .eq(integral(z, p(x | z) * p(z)), by(marginalization),
            "The denominator is the likelihood times prior, integrated over z.");

inline constexpr auto qz = q(z | x);
inline constexpr auto Eq = E(z, qz);

inline constexpr auto kl_to_posterior =
    derivation({"doc004_kl", "The KL divergence to the posterior", document}, KL(qz, p(z | x)))
        .eq(Eq[log(qz / p(z | x))], by(kl_definition), "The definition of the KL divergence.")
        .eq(Eq[log(qz)] - Eq[log(p(z | x))], by(log_of_quotient, linearity),
            "Turn the division into a subtraction.")
        .eq(Eq[log(qz)] - Eq[log(p(z, x) / p(x))], by(bayes_rule),
            "Rewrite the posterior with Bayes' rule.")
        .eq(Eq[log(qz)] - Eq[log(p(z, x))] + Eq[p(x)], by(log_of_quotient, linearity),
            "Split the second component further.")
        .mistake("the log of p(x) is dropped: log(a / b) = log a - log b",
                 Eq[log(qz)] - Eq[log(p(z, x))] + Eq[log(p(x))])
        .eq(Eq[log(qz)] - Eq[log(p(z, x))] + integral(x, qz* log(p(x))),
            by(expectation_as_integral), "Write the third term as an integral.")
        .mistake("the expectation is over z, so the integral is over z: dz, not dx",
                 Eq[log(qz)] - Eq[log(p(z, x))] + integral(z, qz* log(p(x))))
        .eq(Eq[log(qz)] - Eq[log(p(z, x))] + log(p(x)) * integral(x, qz), by(linearity),
            "Move what does not depend on z outside the integral.")
        .mistake("the integral is still over x; q(z | x) integrates to one over z",
                 Eq[log(qz)] - Eq[log(p(z, x))] + log(p(x)) * integral(z, qz))
        .eq(Eq[log(qz)] - Eq[log(p(z, x))] + log(p(x)), by(normalization),
            "A density integrates to one.");

inline constexpr auto evidence_bound =
    derivation({"doc004_evidence_bound", "The evidence and its lower bound", document}, log(p(x)))
        .eq(-Eq[log(qz)] + Eq[log(p(z, x))] + KL(qz, p(z | x)), by(lemma<kl_to_posterior>),
            "Solve the expansion of the KL divergence for log p(x).")
        .ge(-Eq[log(qz)] + Eq[log(p(z, x))], by(kl_nonnegative),
            "The KL divergence cannot be negative.")
        .gap_is(KL(qz, p(z | x)));

inline constexpr auto elbo = define<4, R"(\mathrm{ELBO})">(-Eq[log(qz)] + Eq[log(p(z, x))]);

inline constexpr auto elbo_forms =
    derivation({"doc004_elbo_forms", "The ELBO's final forms", document}, elbo)
        .eq(-Eq[log(qz)] + Eq[log(p(z, x))], by(definition), "The right side is the ELBO.")
        .eq(-Eq[log(qz)] + Eq[log(p(x | z))] + Eq[log(p(z))],
            by(chain_rule, log_of_product, linearity),
            "The joint is likelihood times prior; in logs, a sum.")
        .eq(Eq[log(p(x | z))] - Eq[log(qz)] + Eq[log(p(z))], by(rearrangement),
            "Move the terms around.")
        .eq(Eq[log(p(x | z))] - Eq[log(qz / p(z))], by(log_of_quotient, linearity),
            "Reconstruction minus the KL divergence from q to the prior.");

// "We could have picked q so that it does not condition on x; all the derivations still
// work": the same ELBO with a guide q(z).
inline constexpr auto elbo_unconditional =
    define<5, R"(\mathrm{ELBO}_{q(z)})">(-E(z, q(z))[log(q(z))] + E(z, q(z))[log(p(z, x))]);

inline constexpr auto elbo_with_guide_of_z =
    derivation({"doc004_elbo_guide_of_z", "The ELBO with a guide q(z)", document},
               elbo_unconditional)
        .eq(E(z, q(z))[log(p(x | z))] - E(z, q(z))[log(q(z) / p(z))],
            by(definition, chain_rule, log_of_product, log_of_quotient, linearity),
            "The same steps with q(z) in place of q(z | x).");

} // namespace elbocheck::derivations::doc004
