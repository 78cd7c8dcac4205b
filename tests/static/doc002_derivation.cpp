// Document 002's derivation (section 2, steps 1-7, and the gap of section 3) passes the
// compile-time check, and its verdicts agree with the run-time check of the same data.
#include "doc002_elbo_intuition.hpp"
#include "support/both.hpp"

namespace doc = elbocheck::derivations::doc002;
using namespace elbocheck::sym;

ELBOCHECK_CLAIM_VALID(doc::main_derivation);
ELBOCHECK_CLAIM_VALID(doc::gap);

namespace {
using main_type = decltype(doc::main_derivation);

constexpr bool relations_are(std::vector<relation> expected) {
    std::vector<relation> got;
    for (const step_data& s : main_type::lower().steps)
        got.push_back(s.claimed);
    return got == expected;
}
} // namespace

TEST_CASE("document 002: the chain is log p(x) >= ELBO with Jensen's step the only >=",
          "[doc002]") {
    using enum relation;
    BOTH(relations_are({eq, eq, eq, ge, eq, eq, eq, eq}));
    BOTH(overall_relation(main_type::lower()).related);
    BOTH(overall_relation(main_type::lower()).overall == relation::ge);
    BOTH(first_unexpected(verdicts<main_type>) == -1);
}

TEST_CASE("document 002: run-time verdicts equal the compile-time ones", "[doc002]") {
    const derivation_data data = main_type::lower(); // evaluated at run time
    const std::vector<step_outcome> at_run_time = check_derivation(data);
    REQUIRE(at_run_time.size() == main_type::step_count);
    for (std::size_t i = 0; i < at_run_time.size(); ++i) {
        INFO("step " << i + 1);
        CHECK(at_run_time[i].written == verdicts<main_type>[i].written);
        CHECK(at_run_time[i].written.justified());
    }
}

TEST_CASE("document 002: LaTeX of the start and the end", "[doc002][latex]") {
    BOTH(to_latex(main_type::lower().start) == R"(\log p_{\theta}(x))");
    BOTH(to_latex(main_type::lower().steps.back().next) ==
         R"(\mathbb{E}_{q_{\phi}(z \mid x)}\left[\log p_{\theta}(x \mid z)\right] - )"
         R"(D_{\mathrm{KL}}\left(q_{\phi}(z \mid x) \,\Vert\, p_{\theta}(z)\right))");
    BOTH(to_latex(decltype(doc::gap)::lower().start) == R"(\log p_{\theta}(x) - \mathrm{ELBO})");
}
