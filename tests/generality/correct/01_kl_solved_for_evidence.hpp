#pragma once
// Lecture-note route to the ELBO: start from the KL divergence between the guide and the
// true posterior, expand it, and find that it equals the evidence minus the ELBO. Solving for
// log p(x) is done in 02_evidence_from_kl_lemma.

#include "elbocheck/sym.hpp"

namespace elbocheck::generality::kl_solved_for_evidence {

using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;
using namespace elbocheck::sym::rules;

inline constexpr auto qzx = q(z | x);
inline constexpr auto Eq = E(z, qzx);

inline constexpr auto derivation_under_test =
    derivation({"gen_kl_solved_for_evidence", "The KL to the posterior is evidence minus ELBO",
                "variational inference lecture notes"},
               KL(qzx, p(z | x)))
        .eq(Eq[log(qzx / p(z | x))], by(kl_definition), "Write out the KL divergence.")
        .eq(Eq[log(qzx) - log(p(z | x))], by(log_of_quotient), "Log of a ratio.")
        .eq(Eq[log(qzx) - log(p(x, z)) + log(p(x))], by(bayes_rule, log_of_quotient),
            "The posterior is the joint over the evidence.")
        .eq(Eq[log(qzx) - log(p(x, z))] + log(p(x)), by(linearity, expectation_of_constant),
            "log p(x) does not depend on z and leaves the expectation.")
        .eq(log(p(x)) - Eq[log(p(x, z) / qzx)], by(log_of_quotient, linearity),
            "Gather the rest into minus the ELBO.");

} // namespace elbocheck::generality::kl_solved_for_evidence
