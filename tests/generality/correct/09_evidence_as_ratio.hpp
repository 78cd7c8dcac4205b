#pragma once
// The evidence as joint over posterior, for any z, justified by the product rule solved
// for p(x); then the same in logs.

#include "elbocheck/sym.hpp"

namespace elbocheck::generality::evidence_as_ratio {

using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;
using namespace elbocheck::sym::rules;

inline constexpr auto derivation_under_test =
    derivation({"gen_evidence_as_ratio", "The evidence is joint over posterior",
                "Bayesian statistics course"},
               p(x))
        .eq(p(x, z) / p(z | x), by(chain_rule), "p(x, z) = p(z | x) p(x), solved for p(x).");

} // namespace elbocheck::generality::evidence_as_ratio
