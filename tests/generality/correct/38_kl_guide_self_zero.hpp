#pragma once
// KL(q || q) = 0 in one line, citing the definition, the log of a ratio and the expectation
// of a constant.

#include "elbocheck/sym.hpp"

namespace elbocheck::generality::kl_guide_self_zero {

using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;
using namespace elbocheck::sym::rules;

inline constexpr auto qzx = q(z | x);

inline constexpr auto derivation_under_test =
    derivation({"gen_kl_guide_self_zero", "KL(q || q) = 0", "exercise solution"}, KL(qzx, qzx))
        .eq(num<0>, by(kl_definition, log_of_quotient, expectation_of_constant),
            "log q - log q = 0 everywhere.");

} // namespace elbocheck::generality::kl_guide_self_zero
