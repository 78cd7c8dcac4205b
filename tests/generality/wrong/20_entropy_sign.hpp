// expect: step 2 \(= by
#pragma once
// Injected mistake (entropy's sign): H(q) is minus E_q[log q], so minus E_q[log q] is plus H;
// the text writes minus H. Correct step 2: Eq[log(p(x, z))] + entropy.

#include "elbocheck/sym.hpp"

namespace elbocheck::generality::entropy_sign {

using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;
using namespace elbocheck::sym::rules;

inline constexpr auto Eq = E(z, q(z));
inline constexpr auto entropy = define<110, R"(\mathrm{H}(q))">(-Eq[log(q(z))]);

inline constexpr auto derivation_under_test =
    derivation({"gen_entropy_sign", "EM's bound with the entropy subtracted", "EM lecture notes"},
               Eq[log(p(x, z) / q(z))])
        .eq(Eq[log(p(x, z))] - Eq[log(q(z))], by(log_of_quotient, linearity), "Split.")
        .eq(Eq[log(p(x, z))] - entropy, by(definition), "Entropy of q.");

} // namespace elbocheck::generality::entropy_sign
