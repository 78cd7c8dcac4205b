// expect: step 2 \(>= by
#pragma once
// Injected mistake (inequality direction when dropping a KL): removing -gamma KL can only
// increase the objective, so the beta objective is <= the ELBO; the text claims >=.
// Correct step 2: .le(...) by(kl_nonnegative) with gap gamma KL(q || p(z)).

#include "elbocheck/sym.hpp"

namespace elbocheck::generality::kl_dropped_wrong_way {

using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;
using namespace elbocheck::sym::rules;

inline constexpr auto qzx = q(z | x);
inline constexpr auto Eq = E(z, qzx);

inline constexpr auto derivation_under_test =
    derivation({"gen_kl_dropped_wrong_way", "The beta objective claimed above the ELBO",
                "beta-VAE discussion"},
               Eq[log(p(x | z))] - (num<1> + excess) * KL(qzx, p(z)))
        .eq(Eq[log(p(x | z))] - KL(qzx, p(z)) - excess * KL(qzx, p(z)), by(rearrangement),
            "Distribute.")
        .ge(Eq[log(p(x | z))] - KL(qzx, p(z)), by(kl_nonnegative), "Drop gamma KL.");

} // namespace elbocheck::generality::kl_dropped_wrong_way
