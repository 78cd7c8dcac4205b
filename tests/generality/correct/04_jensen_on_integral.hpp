#pragma once
// Jensen's inequality applied directly to the integral form (the log of an integral against q
// is at least the integral of the log against q), before any E notation appears.

#include "elbocheck/sym.hpp"

namespace elbocheck::generality::jensen_on_integral {

using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;
using namespace elbocheck::sym::rules;

inline constexpr auto qzx = q(z | x);

inline constexpr auto derivation_under_test =
    derivation({"gen_jensen_on_integral", "Jensen on the integral", "graduate course notes"},
               log(p(x)))
        .eq(log(integral(z, p(x, z))), by(marginalization), "Integrate out z.")
        .eq(log(integral(z, qzx*(p(x, z) / qzx))), by(multiply_by_one),
            "Multiply and divide by the guide.")
        .ge(integral(z, qzx* log(p(x, z) / qzx)), by(jensen),
            "log is concave and q integrates to one.")
        .gap_is(KL(qzx, p(z | x)))
        .eq(E(z, qzx)[log(p(x, z) / qzx)], by(integral_as_expectation), "As an expectation.");

} // namespace elbocheck::generality::jensen_on_integral
