// expect: compiled_integrand: exp\(\.\.\.\) is not supported

// The weight itself, exp(log p(x, z) - log q(z | x)), is not a weighted sum of Gaussian
// log-densities: the fused Monte Carlo kernel must refuse to compile it, naming what it cannot
// evaluate, rather than evaluate something else.
#include "elbocheck/eval/compiled_integrand.hpp"
#include "elbocheck/sym/symbols.hpp"

using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;

using weight = decltype(exp(log(p(x, z)) - log(q(z | x))));
constexpr auto shape = elbocheck::eval::compiled_integrand<weight>::shape;
