#pragma once
// The first lines of a common derivation, done right: multiply log p(x) by the integral of q
// (which is one), move the constant inside, and read the integral as an expectation; then
// Bayes' rule in logs inside it.

#include "elbocheck/sym.hpp"

namespace elbocheck::generality::normalization_route {

using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;
using namespace elbocheck::sym::rules;

inline constexpr auto qzx = q(z | x);

inline constexpr auto derivation_under_test =
    derivation({"gen_normalization_route", "log p(x) as an integral against q",
                "YouTube lecture transcript"},
               log(p(x)))
        .eq(log(p(x)) * integral(z, qzx), by(normalization), "q integrates to one.")
        .eq(integral(z, qzx* log(p(x))), by(linearity), "Move the constant inside.")
        .eq(E(z, qzx)[log(p(x))], by(integral_as_expectation), "As an expectation.")
        .eq(E(z, qzx)[log(p(x | z)) + log(p(z)) - log(p(z | x))],
            by(bayes_rule, log_of_product, log_of_quotient), "Bayes' rule, in logs.");

} // namespace elbocheck::generality::normalization_route
