// expect: step 2 \(= by rearrangement\): not justified: the cited rules do not turn

// Skipping Jensen: log p(x) is not *equal* to the ELBO, and no algebra makes it so.
#include "elbocheck/sym.hpp"

using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;
using namespace elbocheck::sym::rules;

constexpr auto skipped_jensen =
    derivation({"skipped_jensen", "", ""}, log(p(x)))
        .eq(log(integral(z, p(x, z))), by(marginalization), "Marginalize.")
        .eq(E(z, q(z | x))[log(p(x, z) / q(z | x))], by(rearrangement), "Claimed equal.");
ELBOCHECK_CLAIM_VALID(skipped_jensen);
