#pragma once
// Blog-post route: log p(x) is its own expectation under q; replace p(x) by joint over
// posterior inside, slip q/q into the log, split, and recognise a KL that can be dropped.

#include "elbocheck/sym.hpp"

namespace elbocheck::generality::constant_then_bayes {

using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;
using namespace elbocheck::sym::rules;

inline constexpr auto qzx = q(z | x);
inline constexpr auto Eq = E(z, qzx);

inline constexpr auto derivation_under_test =
    derivation({"gen_constant_then_bayes", "The ELBO from E_q[log p(x)]", "machine learning blog"},
               log(p(x)))
        .eq(Eq[log(p(x))], by(expectation_of_constant),
            "The evidence does not depend on z, so it equals its mean under q.")
        .eq(Eq[log(p(x, z) / p(z | x))], by(bayes_rule),
            "Inside: evidence = joint / posterior, for every z.")
        .eq(Eq[log((p(x, z) / qzx) * (qzx / p(z | x)))], by(multiply_by_one),
            "Multiply and divide by q inside the log.")
        .eq(Eq[log(p(x, z) / qzx)] + Eq[log(qzx / p(z | x))], by(log_of_product, linearity),
            "Split the log of the product, then the expectation.")
        .eq(Eq[log(p(x, z) / qzx)] + KL(qzx, p(z | x)), by(kl_definition),
            "The second term is the KL to the posterior.")
        .ge(Eq[log(p(x, z) / qzx)], by(kl_nonnegative), "Drop the non-negative KL.")
        .gap_is(KL(qzx, p(z | x)));

} // namespace elbocheck::generality::constant_then_bayes
