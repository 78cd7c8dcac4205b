// LaTeX in the documents' notation, computed at compile time (and again at run time).
#include "elbocheck/sym.hpp"
#include "support/both.hpp"

using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;

namespace {
template <expression T>
constexpr text latex(T) {
    return to_latex(T::lower());
}
// A compile-time string made from a term, usable as a template argument.
constexpr auto elbo_latex =
    to_fixed_string<[] { return latex(E(z, q(z | x))[log(p(x, z) / q(z | x))]); }>();
} // namespace

TEST_CASE("LaTeX of symbols and densities", "[latex]") {
    BOTH(latex(p(x)) == R"(p_{\theta}(x))");
    BOTH(latex(p(x | z)) == R"(p_{\theta}(x \mid z))");
    BOTH(latex(p(x, z)) == R"(p_{\theta}(x, z))");
    BOTH(latex(q(z | x)) == R"(q_{\phi}(z \mid x))");
    BOTH(latex(p(x | theta)) == R"(p_{\theta}(x \mid \theta))");
}

TEST_CASE("LaTeX of operators", "[latex]") {
    BOTH(latex(log(p(x))) == R"(\log p_{\theta}(x))");
    BOTH(latex(log(p(x, z) / q(z | x))) == R"(\log \frac{p_{\theta}(x, z)}{q_{\phi}(z \mid x)})");
    BOTH(latex(log(p(x | z)) - log(p(z))) == R"(\log p_{\theta}(x \mid z) - \log p_{\theta}(z))");
    BOTH(latex(log(p(x | z) + p(z))) == R"(\log\left(p_{\theta}(x \mid z) + p_{\theta}(z)\right))");
    BOTH(latex(integral(z, p(x, z))) == R"(\int p_{\theta}(x, z) \, dz)");
    BOTH(latex(KL(q(z | x), p(z))) ==
         R"(D_{\mathrm{KL}}\left(q_{\phi}(z \mid x) \,\Vert\, p_{\theta}(z)\right))");
    BOTH(latex(num<1, 2> * beta) == R"(\frac{1}{2} \, \beta)");
    BOTH(latex(-log(p(x))) == R"(-\log p_{\theta}(x))");
    BOTH(latex(exp(log(p(x)))) == R"(\exp\left(\log p_{\theta}(x)\right))");
}

TEST_CASE("LaTeX as a compile-time string", "[latex]") {
    static_assert(
        elbo_latex.view() ==
        R"(\mathbb{E}_{q_{\phi}(z \mid x)}\left[\log \frac{p_{\theta}(x, z)}{q_{\phi}(z \mid x)}\right])");
    CHECK(elbo_latex.size() > 0);
}
