// expect: step 1 \(>= by kl_nonnegative\): not justified: rule kl_nonnegative gives <=

// Dropping a KL that is *subtracted* makes the expression larger, not smaller.
#include "elbocheck/sym.hpp"

using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;
using namespace elbocheck::sym::rules;

constexpr auto dropped =
    derivation({"dropped", "", ""}, E(z, q(z | x))[log(p(x | z))] - KL(q(z | x), p(z)))
        .ge(E(z, q(z | x))[log(p(x | z))], by(kl_nonnegative), "KL >= 0.");
ELBOCHECK_CLAIM_VALID(dropped);
