#pragma once
// With q set to the exact posterior, the gap between the evidence and the ELBO is zero: the
// log weight is log p(x) for every z.

#include "elbocheck/sym.hpp"

namespace elbocheck::generality::tight_at_posterior {

using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;
using namespace elbocheck::sym::rules;

inline constexpr auto post = p(z | x);

inline constexpr auto derivation_under_test =
    derivation({"gen_tight_at_posterior", "The bound is tight when q is the posterior",
                "variational inference review"},
               log(p(x)) - E(z, post)[log(p(x, z) / post)])
        .eq(log(p(x)) - E(z, post)[log(p(x))], by(bayes_rule),
            "Joint over posterior is the evidence, for every z.")
        .eq(log(p(x)) - log(p(x)), by(expectation_of_constant), "A constant's expectation.")
        .eq(num<0>, by(rearrangement), "Nothing is left.");

} // namespace elbocheck::generality::tight_at_posterior
