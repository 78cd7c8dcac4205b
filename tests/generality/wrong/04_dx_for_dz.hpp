// expect: step 2 \(= by
#pragma once
// Injected mistake (dx for dz): after multiplying by q / q the integral is written over x.
// Correct step 2: log(integral(z, qzx * (p(x, z) / qzx))).

#include "elbocheck/sym.hpp"

namespace elbocheck::generality::dx_for_dz {

using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;
using namespace elbocheck::sym::rules;

inline constexpr auto qzx = q(z | x);

inline constexpr auto derivation_under_test =
    derivation({"gen_dx_for_dz", "Multiply by one, integrate over the wrong variable",
                "handwritten lecture notes"},
               log(p(x)))
        .eq(log(integral(z, p(x, z))), by(marginalization), "Integrate out z.")
        .eq(log(integral(x, qzx*(p(x, z) / qzx))), by(multiply_by_one), "Times q / q.")
        .eq(log(E(z, qzx)[p(x, z) / qzx]), by(integral_as_expectation), "As an expectation.");

} // namespace elbocheck::generality::dx_for_dz
