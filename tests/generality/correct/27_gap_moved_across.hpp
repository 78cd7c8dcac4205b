#pragma once
// The gap identity with the ELBO moved to the evidence's side: log p(x) - ELBO is the KL to
// the posterior, shown by bringing everything under one expectation.

#include "elbocheck/sym.hpp"

namespace elbocheck::generality::gap_moved_across {

using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;
using namespace elbocheck::sym::rules;

inline constexpr auto qzx = q(z | x);
inline constexpr auto Eq = E(z, qzx);

inline constexpr auto derivation_under_test =
    derivation({"gen_gap_moved_across", "Evidence minus ELBO is the KL to the posterior",
                "variational inference review"},
               log(p(x)) - Eq[log(p(x, z) / qzx)])
        .eq(Eq[log(p(x))] - Eq[log(p(x, z) / qzx)], by(expectation_of_constant),
            "Put the evidence under the expectation.")
        .eq(Eq[log(p(x)) - log(p(x, z) / qzx)], by(linearity), "One expectation.")
        .eq(Eq[log(p(x) * qzx / p(x, z))], by(log_of_quotient, log_of_product), "Combine the logs.")
        .eq(Eq[log(qzx / p(z | x))], by(bayes_rule), "p(x) / p(x, z) = 1 / p(z | x).")
        .eq(KL(qzx, p(z | x)), by(kl_definition), "KL to the posterior.");

} // namespace elbocheck::generality::gap_moved_across
