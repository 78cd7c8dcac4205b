// expect: step 2 \(>= by jensen\): not justified: the stated gap .*is not the larger side minus the
// smaller

// Jensen's gap is KL(q || p(z | x)), not the KL divergence to the prior: a derivation claimed
// valid checks its stated gaps while compiling.
#include "elbocheck/sym.hpp"

using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;
using namespace elbocheck::sym::rules;

constexpr auto prior_gap =
    derivation({"prior_gap", "", ""}, log(integral(z, q(z | x) * (p(x, z) / q(z | x)))))
        .eq(log(E(z, q(z | x))[p(x, z) / q(z | x)]), by(integral_as_expectation), "As E.")
        .ge(E(z, q(z | x))[log(p(x, z) / q(z | x))], by(jensen), "Jensen.")
        .gap_is(KL(q(z | x), p(z)));
ELBOCHECK_CLAIM_VALID(prior_gap);
