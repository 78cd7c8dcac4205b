#pragma once
// With a guide q(z) that ignores x, the evidence minus the KL to the posterior is the VAE
// objective with q(z) in place of q(z | x), expanded in one line as lecture slides do.

#include "elbocheck/sym.hpp"

namespace elbocheck::generality::guide_of_z_gap_expanded {

using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;
using namespace elbocheck::sym::rules;

inline constexpr auto derivation_under_test =
    derivation(
        {"gen_guide_of_z_gap_expanded", "Evidence minus KL, with a guide q(z)", "lecture slides"},
        log(p(x)) - KL(q(z), p(z | x)))
        .eq(E(z, q(z))[log(p(x | z))] - KL(q(z), p(z)),
            by(kl_definition, bayes_rule, log_of_quotient, log_of_product, linearity,
               expectation_of_constant),
            "Expand both KLs with Bayes' rule; the evidence cancels.");

} // namespace elbocheck::generality::guide_of_z_gap_expanded
