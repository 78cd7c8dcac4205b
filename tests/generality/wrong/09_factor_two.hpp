// expect: step 1 \(= by
#pragma once
// Injected mistake (factor 2): the average of the two importance weights loses its 1/2, so
// the inner expectation is 2 p(x). Correct step 1: log(E_1[E_2[num<1, 2> * (w_1 + w_2)]]).

#include "elbocheck/sym.hpp"

namespace elbocheck::generality::factor_two {

using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;
using namespace elbocheck::sym::rules;

inline constexpr auto w_1 = p(x, z_1) / q(z_1 | x);
inline constexpr auto w_2 = p(x, z_2) / q(z_2 | x);
inline constexpr auto E_1 = E(z_1, q(z_1 | x));
inline constexpr auto E_2 = E(z_2, q(z_2 | x));

inline constexpr auto derivation_under_test =
    derivation({"gen_factor_two", "Two importance weights, summed not averaged",
                "IWAE reading group notes"},
               log(p(x)))
        .eq(log(E_1[E_2[w_1 + w_2]]),
            by(linearity, expectation_of_constant, expectation_as_integral, marginalization),
            "Each weight has mean p(x).");

} // namespace elbocheck::generality::factor_two
