// expect: ill-formed: E binds x but the distribution it is drawn from is not a density over x

// An expectation over x under q(z | x), which draws z, not x.
#include "elbocheck/sym.hpp"

using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;
using namespace elbocheck::sym::rules;

constexpr auto unsampled =
    derivation({"unsampled", "", ""}, E(z, q(z | x))[log(p(x, z) / q(z | x))])
        .eq(E(x, q(z | x))[log(p(x, z) / q(z | x))], by(rearrangement), "Rename.");
ELBOCHECK_CLAIM_VALID(unsampled);
