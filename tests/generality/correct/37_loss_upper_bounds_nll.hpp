#pragma once
// The training loss view: the negative ELBO is at least the negative log-likelihood, by the
// Jensen bound of 04_jensen_on_integral used under a minus sign.

#include "04_jensen_on_integral.hpp"
#include "elbocheck/sym.hpp"

namespace elbocheck::generality::loss_upper_bounds_nll {

using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;
using namespace elbocheck::sym::rules;

inline constexpr auto qzx = q(z | x);

inline constexpr auto derivation_under_test =
    derivation(
        {"gen_loss_upper_bounds_nll", "The negative ELBO bounds the NLL", "deep learning course"},
        -E(z, qzx)[log(p(x, z) / qzx)])
        .ge(-log(p(x)), by(lemma<jensen_on_integral::derivation_under_test>),
            "Negate both sides of the ELBO bound.")
        .gap_is(KL(qzx, p(z | x)));

} // namespace elbocheck::generality::loss_upper_bounds_nll
