// expect: step 2 \(<= by jensen\): not justified: the steps before it give >=, so with this step
// the derivation relates its start to its end by nothing

// a >= b <= c proves nothing about a and c, although each step is true.
#include "elbocheck/sym.hpp"

using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;
using namespace elbocheck::sym::rules;

constexpr auto log_mean = log(E(z, q(z | x))[p(x, z) / q(z | x)]);
constexpr auto there_and_back = derivation({"there_and_back", "", ""}, log_mean)
                                    .ge(E(z, q(z | x))[log(p(x, z) / q(z | x))], by(jensen), "")
                                    .le(log_mean, by(jensen), "");
ELBOCHECK_CLAIM_VALID(there_and_back);
