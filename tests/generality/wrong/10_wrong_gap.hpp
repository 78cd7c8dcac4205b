// expect: step 4 \(>= by
#pragma once
// Injected mistake (wrong stated gap): Jensen's gap here is KL(q || p(z | x)), the distance to
// the posterior; the text states KL(q || p(z)), the distance to the prior. Correct:
// .gap_is(KL(qzx, p(z | x))).

#include "elbocheck/sym.hpp"

namespace elbocheck::generality::wrong_gap {

using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;
using namespace elbocheck::sym::rules;

inline constexpr auto qzx = q(z | x);
inline constexpr auto Eq = E(z, qzx);

inline constexpr auto derivation_under_test =
    derivation({"gen_wrong_gap", "Jensen's gap named as the KL to the prior", "lecture slides"},
               log(p(x)))
        .eq(log(integral(z, p(x, z))), by(marginalization), "Integrate out z.")
        .eq(log(integral(z, qzx*(p(x, z) / qzx))), by(multiply_by_one), "Times q / q.")
        .eq(log(Eq[p(x, z) / qzx]), by(integral_as_expectation), "As an expectation.")
        .ge(Eq[log(p(x, z) / qzx)], by(jensen), "Jensen.")
        .gap_is(KL(qzx, p(z)));

} // namespace elbocheck::generality::wrong_gap
