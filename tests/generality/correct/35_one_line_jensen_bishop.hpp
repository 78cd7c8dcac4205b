#pragma once
// The textbook one-liner for EM: for any q(z), log p(x) = log of the integral of likelihood
// times prior, which is at least the integral of q times the log of (likelihood times prior
// over q), "multiplying and dividing by q and applying Jensen".

#include "elbocheck/sym.hpp"

namespace elbocheck::generality::one_line_jensen_bishop {

using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;
using namespace elbocheck::sym::rules;

inline constexpr auto derivation_under_test =
    derivation({"gen_one_line_jensen_bishop", "Jensen in one line, for any q(z)",
                "pattern recognition textbook, EM chapter"},
               log(p(x)))
        .eq(log(integral(z, p(x | z) * p(z))), by(marginalization), "Sum rule.")
        .ge(integral(z, q(z) * log(p(x | z) * p(z) / q(z))), by(multiply_by_one, jensen),
            "Multiply and divide by q(z), then Jensen.")
        .gap_is(KL(q(z), p(z | x)));

} // namespace elbocheck::generality::one_line_jensen_bishop
