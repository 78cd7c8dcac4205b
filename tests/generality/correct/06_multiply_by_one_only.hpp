#pragma once
// The same identity as a blog would justify it: "multiply and divide by q", with the result
// written straight away in expectation notation.

#include "elbocheck/sym.hpp"

namespace elbocheck::generality::multiply_by_one_only {

using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;
using namespace elbocheck::sym::rules;

inline constexpr auto qzx = q(z | x);

inline constexpr auto derivation_under_test =
    derivation({"gen_multiply_by_one_only", "Multiply and divide by q", "VAE blog post"},
               log(integral(z, p(x, z))))
        .eq(log(E(z, qzx)[p(x, z) / qzx]), by(multiply_by_one),
            "Multiply and divide the integrand by q(z | x).");

} // namespace elbocheck::generality::multiply_by_one_only
