#pragma once
// "For any z, log p(x) = log p(x, z) - log p(z | x)": Bayes' rule in logs, with the
// likelihood and prior then split out.

#include "elbocheck/sym.hpp"

namespace elbocheck::generality::log_evidence_difference {

using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;
using namespace elbocheck::sym::rules;

inline constexpr auto derivation_under_test =
    derivation({"gen_log_evidence_difference", "log p(x) as a difference of logs",
                "Bayesian statistics course"},
               log(p(x)))
        .eq(log(p(x, z)) - log(p(z | x)), by(bayes_rule, log_of_quotient),
            "Bayes' rule, then the log of the ratio.")
        .eq(log(p(x | z)) + log(p(z)) - log(p(z | x)), by(chain_rule, log_of_product),
            "Factor the joint into likelihood and prior.");

} // namespace elbocheck::generality::log_evidence_difference
