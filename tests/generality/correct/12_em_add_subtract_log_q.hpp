#pragma once
// EM again with q(z), this time without Jensen: write log p(x) as an expectation, add and
// subtract log q(z), recognise KL(q || posterior) and drop it. The entropy is left written as
// minus E_q[log q].

#include "elbocheck/sym.hpp"

namespace elbocheck::generality::em_add_subtract_log_q {

using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;
using namespace elbocheck::sym::rules;

inline constexpr auto Eq = E(z, q(z));

inline constexpr auto derivation_under_test =
    derivation({"gen_em_add_subtract_log_q", "EM's bound by adding and subtracting log q",
                "pattern recognition textbook, EM chapter"},
               log(p(x)))
        .eq(Eq[log(p(x))], by(expectation_of_constant), "log p(x) is constant in z.")
        .eq(Eq[log(p(x, z)) - log(p(z | x))], by(bayes_rule, log_of_quotient),
            "Bayes' rule in logs.")
        .eq(Eq[log(p(x, z))] - Eq[log(q(z))] + Eq[log(q(z)) - log(p(z | x))],
            by(add_zero, linearity), "Add and subtract log q(z), and split the expectation.")
        .eq(Eq[log(p(x, z))] - Eq[log(q(z))] + KL(q(z), p(z | x)),
            by(log_of_quotient, kl_definition), "The last term is a KL divergence.")
        .ge(Eq[log(p(x, z))] - Eq[log(q(z))], by(kl_nonnegative), "Gibbs' inequality.")
        .gap_is(KL(q(z), p(z | x)));

} // namespace elbocheck::generality::em_add_subtract_log_q
