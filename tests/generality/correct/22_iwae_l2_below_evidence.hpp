#pragma once
// L_2 is below the evidence, written from L_2 upwards with <=: Jensen twice (inner draw
// first), then the average weight has expectation p(x).

#include "elbocheck/sym.hpp"

namespace elbocheck::generality::iwae_l2_below_evidence {

using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;
using namespace elbocheck::sym::rules;

inline constexpr auto w_1 = p(x, z_1) / q(z_1 | x);
inline constexpr auto w_2 = p(x, z_2) / q(z_2 | x);
inline constexpr auto E_1 = E(z_1, q(z_1 | x));
inline constexpr auto E_2 = E(z_2, q(z_2 | x));

inline constexpr auto derivation_under_test =
    derivation(
        {"gen_iwae_l2_below_evidence", "L_2 is below the evidence", "IWAE reading group notes"},
        E_1[E_2[log(num<1, 2> * (w_1 + w_2))]])
        .le(E_1[log(E_2[num<1, 2> * (w_1 + w_2)])], by(jensen), "Jensen on the inner draw.")
        .le(log(E_1[E_2[num<1, 2> * (w_1 + w_2)]]), by(jensen), "Jensen on the outer draw.")
        .eq(log(p(x)),
            by(linearity, expectation_of_constant, expectation_as_integral, marginalization),
            "Each weight has mean p(x) under its guide, and so does their average.");

} // namespace elbocheck::generality::iwae_l2_below_evidence
