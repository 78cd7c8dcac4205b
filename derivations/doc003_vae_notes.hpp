#pragma once
// Document 003, notes on how VAEs work: Bayes' theorem, its log, and the ELBO reached by
// taking expectations under q(z | x), adding and subtracting log q, and recognizing two KL
// divergences. Every step is correct.

#include "elbocheck/sym.hpp"

namespace elbocheck::derivations::doc003 {

using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;
using namespace elbocheck::sym::rules;

inline constexpr std::string_view document = "003_9452315bd5c3b36d.txt";

inline constexpr auto bayes =
    derivation({"doc003_bayes", "Bayes' theorem for the evidence", document}, p(x))
        .eq(p(x | z) * p(z) / p(z | x), by(bayes_rule),
            "Likelihood times prior over posterior is the evidence, for every z.");

inline constexpr auto log_bayes =
    derivation({"doc003_log_bayes", "Bayes' theorem, in logs", document}, log(p(x)))
        .eq(log(p(x | z)) + log(p(z)) - log(p(z | x)),
            by(bayes_rule, log_of_product, log_of_quotient),
            "Take the log of both sides; the log of a product is a sum of logs.");

inline constexpr auto qz = q(z | x);
inline constexpr auto Eq = E(z, qz);

inline constexpr auto elbo =
    derivation({"doc003_elbo", "The ELBO through two KL divergences", document}, log(p(x)))
        .eq(Eq[log(p(x))], by(expectation_of_constant),
            "log p(x) does not depend on z, so it equals its expectation under q.")
        .eq(Eq[log(p(x | z)) + log(p(z)) - log(p(z | x))],
            by(bayes_rule, log_of_product, log_of_quotient),
            "Bayes' theorem in logs, inside the expectation.")
        .eq(Eq[log(p(x | z)) - log(qz) + log(p(z)) + log(qz) - log(p(z | x))], by(add_zero),
            "Add and subtract log q(z | x).")
        .eq(Eq[log(p(x | z))] - Eq[log(qz) - log(p(z))] + Eq[log(qz) - log(p(z | x))],
            by(linearity), "Split the expectation.")
        .eq(Eq[log(p(x | z))] - Eq[log(qz / p(z))] + Eq[log(qz / p(z | x))], by(log_of_quotient),
            "Write the differences of logs as logs of ratios.")
        .eq(Eq[log(p(x | z))] - KL(qz, p(z)) + KL(qz, p(z | x)), by(kl_definition),
            "Recognize two KL divergences.")
        .ge(Eq[log(p(x | z))] - KL(qz, p(z)), by(kl_nonnegative),
            "The KL divergence to the true posterior is never negative.")
        .gap_is(KL(qz, p(z | x)));

} // namespace elbocheck::derivations::doc003
