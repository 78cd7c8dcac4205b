// expect: step 1 \(= by expectation_as_integral\): ill-formed: the expression depends on z

// Document 004's slip: the expectation over z rewritten as an integral over x.
#include "elbocheck/sym.hpp"

using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;
using namespace elbocheck::sym::rules;

constexpr auto dx =
    derivation({"dx_for_dz", "", ""}, E(z, q(z | x))[log(q(z | x))] + E(z, q(z | x))[log(p(x))])
        .eq(E(z, q(z | x))[log(q(z | x))] + integral(x, q(z | x) * log(p(x))),
            by(expectation_as_integral), "Write the expectation as an integral.");
ELBOCHECK_CLAIM_VALID(dx);
