#pragma once
// Bayes' rule read from right to left: the joint divided by the evidence is the posterior.

#include "elbocheck/sym.hpp"

namespace elbocheck::generality::joint_over_evidence {

using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;
using namespace elbocheck::sym::rules;

inline constexpr auto derivation_under_test =
    derivation(
        {"gen_joint_over_evidence", "Joint over evidence is the posterior", "probability textbook"},
        p(x, z) / p(x))
        .eq(p(z | x), by(bayes_rule), "Bayes' rule.");

} // namespace elbocheck::generality::joint_over_evidence
