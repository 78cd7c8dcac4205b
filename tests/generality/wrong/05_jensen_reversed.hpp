// expect: step 3 \(<= by
#pragma once
// Injected mistake (Jensen reversed): the log of a mean is claimed to be at most the mean of
// the log, as if log were convex. Correct step 3: .ge(...) by jensen, gap KL(q || p(z | x)).

#include "elbocheck/sym.hpp"

namespace elbocheck::generality::jensen_reversed {

using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;
using namespace elbocheck::sym::rules;

inline constexpr auto qzx = q(z | x);
inline constexpr auto Eq = E(z, qzx);

inline constexpr auto derivation_under_test =
    derivation({"gen_jensen_reversed", "Jensen the wrong way round", "forum answer"}, log(p(x)))
        .eq(log(integral(z, qzx*(p(x, z) / qzx))), by(marginalization, multiply_by_one),
            "Marginalize, times q / q.")
        .eq(log(Eq[p(x, z) / qzx]), by(integral_as_expectation), "As an expectation.")
        .le(Eq[log(p(x, z) / qzx)], by(jensen), "Jensen's inequality.");

} // namespace elbocheck::generality::jensen_reversed
