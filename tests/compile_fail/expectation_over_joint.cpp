// expect: step 1 \(= by chain_rule, log_of_product\): ill-formed: E binds z but draws it from a
// joint density

// An expectation's density must be over exactly the variable it binds: p(x, z) is not a
// distribution of z.
#include "elbocheck/sym.hpp"

using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;
using namespace elbocheck::sym::rules;

constexpr auto over_joint =
    derivation({"over_joint", "", ""}, E(z, q(z | x))[log(p(x, z))])
        .eq(E(z, p(x, z))[log(p(x | z)) + log(p(z))], by(chain_rule, log_of_product), "Split.");
ELBOCHECK_CLAIM_VALID(over_joint);
