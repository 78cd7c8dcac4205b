// expect: step 2 \(<= by jensen\): not justified: rule jensen gives >= here

// Jensen's inequality the wrong way round, as if log were convex.
#include "elbocheck/sym.hpp"

using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;
using namespace elbocheck::sym::rules;

constexpr auto convex_log =
    derivation({"convex_log", "", ""}, log(integral(z, q(z | x) * (p(x, z) / q(z | x)))))
        .eq(log(E(z, q(z | x))[p(x, z) / q(z | x)]), by(integral_as_expectation), "As E.")
        .le(E(z, q(z | x))[log(p(x, z) / q(z | x))], by(jensen), "Jensen, reversed.");
ELBOCHECK_CLAIM_VALID(convex_log);
