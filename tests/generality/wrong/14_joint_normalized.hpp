// expect: step 2 \(= by
#pragma once
// Injected mistake (the joint treated as normalized): p(x, z) integrates over z to p(x), not
// to one. Correct step 2: p(x) * log(p(x)) by marginalization.

#include "elbocheck/sym.hpp"

namespace elbocheck::generality::joint_normalized {

using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;
using namespace elbocheck::sym::rules;

inline constexpr auto derivation_under_test =
    derivation({"gen_joint_normalized", "Integrating the joint to one", "student homework"},
               integral(z, p(x, z) * log(p(x))))
        .eq(log(p(x)) * integral(z, p(x, z)), by(linearity), "The constant comes out.")
        .eq(log(p(x)), by(normalization), "A density integrates to one.");

} // namespace elbocheck::generality::joint_normalized
