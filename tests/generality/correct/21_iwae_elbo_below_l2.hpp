#pragma once
// The ELBO, written as the average of two copies with draws z_1 and z_2, is below the
// two-sample importance-weighted bound: stated with <= from the small side up.

#include "elbocheck/sym.hpp"

namespace elbocheck::generality::iwae_elbo_below_l2 {

using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;
using namespace elbocheck::sym::rules;

inline constexpr auto w_1 = p(x, z_1) / q(z_1 | x);
inline constexpr auto w_2 = p(x, z_2) / q(z_2 | x);
inline constexpr auto E_1 = E(z_1, q(z_1 | x));
inline constexpr auto E_2 = E(z_2, q(z_2 | x));

inline constexpr auto derivation_under_test =
    derivation({"gen_iwae_elbo_below_l2", "The ELBO is below L_2", "IWAE reading group notes"},
               num<1, 2>* E_1[log(w_1)] + num<1, 2> * E_2[log(w_2)])
        .eq(E_1[E_2[num<1, 2> * log(w_1) + num<1, 2> * log(w_2)]],
            by(linearity, expectation_of_constant),
            "Both terms under both expectations; each ignores the other draw.")
        .le(E_1[E_2[log(num<1, 2> * (w_1 + w_2))]], by(jensen_finite),
            "The average of logs is at most the log of the average.");

} // namespace elbocheck::generality::iwae_elbo_below_l2
