// expect: compiled_integrand: unsupported model density

// An IWAE step's log p(x, z_1): z_1 is not the linear-Gaussian model's latent variable of the
// compiled kernel (whose draws are z = m + L eps), so the translation must refuse it.
#include "elbocheck/eval/integrand_translation.hpp"
#include "elbocheck/sym/symbols.hpp"

using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;

using other = decltype(log(p(x, z_1) / q(z_1 | x)));
constexpr auto blocks = elbocheck::eval::blocks_of<other>;
