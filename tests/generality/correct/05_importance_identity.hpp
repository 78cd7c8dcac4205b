#pragma once
// The importance-sampling identity behind every bound: the evidence is the expected
// importance weight under q. The q's of multiply-by-one become the expectation's measure.

#include "elbocheck/sym.hpp"

namespace elbocheck::generality::importance_identity {

using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;
using namespace elbocheck::sym::rules;

inline constexpr auto qzx = q(z | x);

inline constexpr auto derivation_under_test =
    derivation({"gen_importance_identity", "The evidence is an expected importance weight",
                "importance sampling tutorial"},
               p(x))
        .eq(integral(z, p(x, z)), by(marginalization), "Sum rule.")
        .eq(E(z, qzx)[p(x, z) / qzx], by(multiply_by_one, integral_as_expectation),
            "Multiply and divide by q; an integral against q is an expectation under q.");

} // namespace elbocheck::generality::importance_identity
