#pragma once
// A density's KL divergence from itself is zero: the ratio inside the log is one, and the
// expectation of zero is zero. Written for the posterior, the case where the ELBO is tight.

#include "elbocheck/sym.hpp"

namespace elbocheck::generality::kl_self_is_zero {

using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;
using namespace elbocheck::sym::rules;

inline constexpr auto post = p(z | x);

inline constexpr auto derivation_under_test =
    derivation({"gen_kl_self_is_zero", "KL(p || p) = 0", "information theory notes"},
               KL(post, post))
        .eq(E(z, post)[log(post / post)], by(kl_definition), "Definition.")
        .eq(E(z, post)[log(post) - log(post)], by(log_of_quotient), "Log of a ratio.")
        .eq(E(z, post)[num<0>], by(rearrangement), "a - a = 0.")
        .eq(num<0>, by(expectation_of_constant), "The mean of zero is zero.");

} // namespace elbocheck::generality::kl_self_is_zero
