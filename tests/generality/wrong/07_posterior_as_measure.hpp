// expect: step 1 \(= by
#pragma once
// Injected mistake (q replaced by p(z | x)): KL(q || p(z | x)) is an expectation under q, but
// it is written under the posterior. Correct step 1: E(z, qzx)[log(qzx / p(z | x))].

#include "elbocheck/sym.hpp"

namespace elbocheck::generality::posterior_as_measure {

using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;
using namespace elbocheck::sym::rules;

inline constexpr auto qzx = q(z | x);

inline constexpr auto derivation_under_test =
    derivation(
        {"gen_posterior_as_measure", "KL to the posterior under the wrong measure", "blog post"},
        KL(qzx, p(z | x)))
        .eq(E(z, p(z | x))[log(qzx / p(z | x))], by(kl_definition), "Definition of the KL.")
        .eq(E(z, p(z | x))[log(qzx)] - E(z, p(z | x))[log(p(z | x))],
            by(log_of_quotient, linearity), "Split.");

} // namespace elbocheck::generality::posterior_as_measure
