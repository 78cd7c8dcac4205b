#pragma once
// Gibbs' inequality read off an integral: the integral of q log(q / p(z | x)) is a KL
// divergence and hence non-negative, with the KL itself as the gap to zero.

#include "elbocheck/sym.hpp"

namespace elbocheck::generality::gibbs_on_integral {

using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;
using namespace elbocheck::sym::rules;

inline constexpr auto qzx = q(z | x);

inline constexpr auto derivation_under_test =
    derivation(
        {"gen_gibbs_on_integral", "The gap integral is non-negative", "information theory notes"},
        integral(z, qzx* log(qzx / p(z | x))))
        .eq(KL(qzx, p(z | x)), by(integral_as_expectation, kl_definition), "It is a KL.")
        .ge(num<0>, by(kl_nonnegative), "Gibbs' inequality.")
        .gap_is(KL(qzx, p(z | x)));

} // namespace elbocheck::generality::gibbs_on_integral
