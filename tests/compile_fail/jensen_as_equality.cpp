// expect: step 1 \(= by jensen\): not justified: rule jensen gives >= here, but the step claims =

// Jensen's inequality written with "=": the ELBO is a bound, not the evidence.
#include "elbocheck/sym.hpp"

using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;
using namespace elbocheck::sym::rules;

constexpr auto jensen_equal =
    derivation({"jensen_equal", "", ""}, log(E(z, q(z | x))[p(x, z) / q(z | x)]))
        .eq(E(z, q(z | x))[log(p(x, z) / q(z | x))], by(jensen), "Move the log inside.");
ELBOCHECK_CLAIM_VALID(jensen_equal);
