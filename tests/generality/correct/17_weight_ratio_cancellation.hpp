#pragma once
// The importance weight divided by the posterior-to-guide ratio is the evidence: the guide
// cancels in (p q) / (r q), and joint over posterior is p(x).

#include "elbocheck/sym.hpp"

namespace elbocheck::generality::weight_ratio_cancellation {

using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;
using namespace elbocheck::sym::rules;

inline constexpr auto qzx = q(z | x);

inline constexpr auto derivation_under_test =
    derivation({"gen_weight_ratio_cancellation", "Weight over posterior ratio is the evidence",
                "importance sampling tutorial"},
               (p(x, z) / qzx) / (p(z | x) / qzx))
        .eq((p(x, z) * qzx) / (p(z | x) * qzx), by(rearrangement),
            "Dividing by a fraction multiplies by its reciprocal.")
        .eq(p(x, z) / p(z | x), by(rearrangement), "q(z | x) cancels.")
        .eq(p(x), by(bayes_rule), "Joint over posterior is the evidence.");

} // namespace elbocheck::generality::weight_ratio_cancellation
