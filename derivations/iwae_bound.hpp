#pragma once
// The importance-weighted bound (Burda, Grosse and Salakhutdinov, 2016) for K = 2 draws:
//
//     log p(x) >= L_2 >= L_1 = ELBO,   L_K = E_{z_1..z_K ~ q}[log (1/K) sum_k w(z_k)],
//     w(z) = p(x, z) / q(z | x).
//
// Written with two explicit draws z_1, z_2: the argument for any K is the same with K
// expectations and an average of K weights. The first inequality is Jensen once per draw;
// the second is Jensen for a finite average, after which the two expectations are the ELBO
// twice, in two names of the integration variable.

#include "doc002_elbo_intuition.hpp"
#include "elbocheck/sym.hpp"

namespace elbocheck::derivations::iwae {

using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;
using namespace elbocheck::sym::rules;

inline constexpr auto w_1 = p(x, z_1) / q(z_1 | x);
inline constexpr auto w_2 = p(x, z_2) / q(z_2 | x);
inline constexpr auto E_1 = E(z_1, q(z_1 | x));
inline constexpr auto E_2 = E(z_2, q(z_2 | x));

inline constexpr auto L_2 = define<6, R"(\mathcal{L}_2)">(E_1[E_2[log(num<1, 2> * (w_1 + w_2))]]);
inline constexpr auto L_1 = define<7, R"(\mathcal{L}_1)">(E(z, q(z | x))[log(p(x, z) / q(z | x))]);

inline constexpr auto evidence_bounds_L2 =
    derivation({"iwae_evidence_bound", "The evidence bounds the importance-weighted L_2", ""},
               log(p(x)))
        .eq(log(E_1[E_2[num<1, 2> * (w_1 + w_2)]]),
            by(linearity, expectation_of_constant, expectation_as_integral, marginalization),
            "Each importance weight has expectation p(x) under q, and so has their average.")
        .ge(E_1[log(E_2[num<1, 2> * (w_1 + w_2)])], by(jensen),
            "Jensen's inequality for the expectation over z_1.")
        .ge(E_1[E_2[log(num<1, 2> * (w_1 + w_2))]], by(jensen),
            "Jensen again, for the expectation over z_2 inside the one over z_1.")
        .eq(L_2, by(definition), "This is the importance-weighted bound with two draws.");

inline constexpr auto L2_bounds_L1 =
    derivation({"iwae_monotone", "L_2 bounds the ELBO L_1", ""}, L_2)
        .eq(E_1[E_2[log(num<1, 2> * (w_1 + w_2))]], by(definition), "Unfold L_2.")
        .ge(E_1[E_2[num<1, 2> * log(w_1) + num<1, 2> * log(w_2)]], by(jensen_finite),
            "The log of an average of two weights is at least the average of their logs.")
        .eq(num<1, 2> * E_1[log(w_1)] + num<1, 2> * E_2[log(w_2)],
            by(linearity, expectation_of_constant),
            "Split the expectation; each term depends on one draw only.")
        .eq(L_1, by(definition),
            "Both expectations are the ELBO, written with different names for z.");

inline constexpr auto L1_is_elbo =
    derivation({"iwae_L1_is_elbo", "L_1 is the ELBO", ""}, L_1)
        .eq(doc002::elbo,
            by(definition, chain_rule, log_of_product, log_of_quotient, linearity, kl_definition),
            "One draw: the average of one weight is the weight, and E_q[log w] is the ELBO.");

} // namespace elbocheck::derivations::iwae
