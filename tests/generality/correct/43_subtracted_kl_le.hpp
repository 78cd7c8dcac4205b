#pragma once
// Read from the identity ELBO = log p(x) - KL(q || p(z | x)): removing a subtracted KL makes
// the expression larger, so the ELBO is at most the evidence.

#include "elbocheck/sym.hpp"

namespace elbocheck::generality::subtracted_kl_le {

using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;
using namespace elbocheck::sym::rules;

inline constexpr auto qzx = q(z | x);

inline constexpr auto derivation_under_test =
    derivation(
        {"gen_subtracted_kl_le", "log p(x) - KL <= log p(x)", "variational inference review"},
        log(p(x)) - KL(qzx, p(z | x)))
        .le(log(p(x)), by(kl_nonnegative), "A KL divergence is never negative.")
        .gap_is(KL(qzx, p(z | x)));

} // namespace elbocheck::generality::subtracted_kl_le
