#pragma once
// The three-term form of the ELBO: expected log likelihood, expected log prior, and the
// entropy of the guide (a defined name).

#include "elbocheck/sym.hpp"

namespace elbocheck::generality::three_term_elbo {

using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;
using namespace elbocheck::sym::rules;

inline constexpr auto qzx = q(z | x);
inline constexpr auto Eq = E(z, qzx);
inline constexpr auto entropy = define<104, R"(\mathrm{H}[q_\phi])">(-Eq[log(qzx)]);

inline constexpr auto derivation_under_test =
    derivation({"gen_three_term_elbo", "ELBO = likelihood + prior + entropy",
                "black-box variational inference paper"},
               Eq[log(p(x, z) / qzx)])
        .eq(Eq[log(p(x | z)) + log(p(z)) - log(qzx)],
            by(chain_rule, log_of_product, log_of_quotient), "Expand the log.")
        .eq(Eq[log(p(x | z))] + Eq[log(p(z))] + entropy, by(linearity, definition),
            "Split; the last term is the entropy.");

} // namespace elbocheck::generality::three_term_elbo
