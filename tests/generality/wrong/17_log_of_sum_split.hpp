// expect: step 1 \(= by
#pragma once
// Injected mistake (log of a sum split as a sum of logs): log((w_1 + w_2) / 2) is not
// log(1/2) + log w_1 + log w_2; log_of_product applies to products only. Correct: no
// equality; the average of the logs is below it by jensen_finite (a <= step).

#include "elbocheck/sym.hpp"

namespace elbocheck::generality::log_of_sum_split {

using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;
using namespace elbocheck::sym::rules;

inline constexpr auto w_1 = p(x, z_1) / q(z_1 | x);
inline constexpr auto w_2 = p(x, z_2) / q(z_2 | x);
inline constexpr auto E_1 = E(z_1, q(z_1 | x));
inline constexpr auto E_2 = E(z_2, q(z_2 | x));

inline constexpr auto derivation_under_test =
    derivation(
        {"gen_log_of_sum_split", "The log of an average split like a product", "forum answer"},
        E_1[E_2[log(num<1, 2> * (w_1 + w_2))]])
        .eq(E_1[E_2[log(num<1, 2>) + log(w_1) + log(w_2)]], by(log_of_product),
            "The log of a product is a sum of logs.");

} // namespace elbocheck::generality::log_of_sum_split
