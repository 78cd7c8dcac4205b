#pragma once
// The product rule in the order "posterior times evidence", as used when the ELBO is
// derived from Bayes' theorem.

#include "elbocheck/sym.hpp"

namespace elbocheck::generality::product_rule_other_order {

using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;
using namespace elbocheck::sym::rules;

inline constexpr auto derivation_under_test =
    derivation({"gen_product_rule_other_order", "Posterior times evidence is the joint",
                "probability textbook"},
               p(z | x) * p(x))
        .eq(p(x, z), by(chain_rule), "Product rule, conditioning on x.");

} // namespace elbocheck::generality::product_rule_other_order
