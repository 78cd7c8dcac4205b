#pragma once
// Bayes' theorem cross-multiplied: evidence times posterior equals likelihood times prior.

#include "elbocheck/sym.hpp"

namespace elbocheck::generality::bayes_cross_multiplied {

using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;
using namespace elbocheck::sym::rules;

inline constexpr auto derivation_under_test =
    derivation(
        {"gen_bayes_cross_multiplied", "p(x) p(z | x) = p(x | z) p(z)", "probability textbook"},
        p(x) * p(z | x))
        .eq(p(x | z) * p(z), by(bayes_rule), "Bayes' theorem, multiplied out.");

} // namespace elbocheck::generality::bayes_cross_multiplied
