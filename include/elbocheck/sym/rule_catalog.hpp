#pragma once
// The rules a step may cite: each has a stable key (used in derivation files, JSON and the
// CLI), a title, its statement in LaTeX (shown in diagnostics and the generated docs) and
// the preconditions under which it holds, as a proof assistant would state them.

#include <array>
#include <cstdint>
#include <string_view>

namespace elbocheck::sym {

enum class rule_id : std::uint8_t {
    rearrangement,
    definition,
    marginalization,
    chain_rule,
    bayes_rule,
    multiply_by_one,
    add_zero,
    integral_as_expectation,
    expectation_as_integral,
    log_of_product,
    log_of_quotient,
    linearity,
    expectation_of_constant,
    normalization,
    kl_definition,
    kl_nonnegative,
    jensen,
    lemma,         // a derivation proved before, cited as a rule (see lemma_data)
    jensen_finite, // Jensen for a weighted average of finitely many terms
};
inline constexpr std::size_t rule_count = 19;

// How the engine uses a rule (see step_check.hpp):
//  - rewrite: an equality oriented towards a normal form, applied everywhere on both sides;
//  - visible: an equality the normal form already proves (a/a = 1, a - a = 0, E_q[f] as the
//    integral of q f), so the rule is only required to be visible in the step: the cancelling
//    pair, or the expectation, must be written;
//  - inequality: applied at one position whose sign is known, giving >= or <=.
enum class rule_kind : std::uint8_t { rewrite, visible, inequality };

struct rule_info {
    rule_id id;
    std::string_view key;
    std::string_view title;
    std::string_view statement; // LaTeX
    std::string_view precondition;
    rule_kind kind;
};

inline constexpr std::array<rule_info, rule_count> rule_catalog{{
    {rule_id::rearrangement, "rearrangement", "Rearrangement",
     R"(a + b = b + a,\quad a\,b = b\,a,\quad a - a = 0,\quad a / a = 1)", "none",
     rule_kind::visible},
    {rule_id::definition, "definition", "Definition",
     R"(\text{a defined name equals its definition})", "none", rule_kind::rewrite},
    {rule_id::marginalization, "marginalization", "Marginalization (sum rule)",
     R"(p(x) = \int p(x, z) \, dz = \int p(x \mid z) \, p(z) \, dz)",
     "p is the model's joint density", rule_kind::rewrite},
    {rule_id::chain_rule, "chain_rule", "Chain rule (product rule)",
     R"(p(x, z) = p(x \mid z) \, p(z) = p(z \mid x) \, p(x))",
     "p is the model's joint density; used in either direction and any grouping",
     rule_kind::rewrite},
    {rule_id::bayes_rule, "bayes_rule", "Bayes' rule",
     R"(p(z \mid x) = \frac{p(x \mid z) \, p(z)}{p(x)} = \frac{p(x, z)}{p(x)})",
     "p(x) > 0; p is the model's joint density", rule_kind::rewrite},
    {rule_id::multiply_by_one, "multiply_by_one", "Multiplication by one",
     R"(f = f \cdot \frac{q}{q})", "q > 0 wherever f is non-zero", rule_kind::visible},
    {rule_id::add_zero, "add_zero", "Adding zero (add and subtract)", R"(f = f + a - a)",
     "a is finite", rule_kind::visible},
    {rule_id::integral_as_expectation, "integral_as_expectation", "Integral as expectation",
     R"(\int q(z) \, f(z) \, dz = \mathbb{E}_{q(z)}\left[f(z)\right])", "q is a density over z",
     rule_kind::visible},
    {rule_id::expectation_as_integral, "expectation_as_integral", "Expectation as integral",
     R"(\mathbb{E}_{q(z)}\left[f(z)\right] = \int q(z) \, f(z) \, dz)", "q is a density over z",
     rule_kind::visible},
    {rule_id::log_of_product, "log_of_product", "Logarithm of a product",
     R"(\log (a \, b) = \log a + \log b,\quad \log a^k = k \log a)",
     "a > 0, b > 0; with log_of_quotient, one rule for any monomial", rule_kind::rewrite},
    {rule_id::log_of_quotient, "log_of_quotient", "Logarithm of a quotient",
     R"(\log \frac{a}{b} = \log a - \log b)",
     "a > 0, b > 0; with log_of_product, one rule for any monomial", rule_kind::rewrite},
    {rule_id::linearity, "linearity", "Linearity of expectation and integration",
     R"(\mathbb{E}_{q(z)}\left[a f + b g\right] = a \, \mathbb{E}_{q(z)}[f] + b \, \mathbb{E}_{q(z)}[g])",
     "a and b do not depend on z; the expectations are finite", rule_kind::rewrite},
    {rule_id::expectation_of_constant, "expectation_of_constant", "Expectation of a constant",
     R"(\mathbb{E}_{q(z)}\left[c\right] = \int q(z) \, c \, dz = c)", "c does not depend on z",
     rule_kind::rewrite},
    {rule_id::normalization, "normalization", "A density integrates to one",
     R"(\int q(z) \, dz = 1)", "q is a density over z", rule_kind::rewrite},
    {rule_id::kl_definition, "kl_definition", "Definition of the KL divergence",
     R"(D_{\mathrm{KL}}(q \,\Vert\, p) = \mathbb{E}_{q(z)}\left[\log \frac{q(z)}{p(z)}\right])",
     "q is absolutely continuous with respect to p", rule_kind::rewrite},
    {rule_id::kl_nonnegative, "kl_nonnegative", "Non-negativity of the KL divergence",
     R"(D_{\mathrm{KL}}(q \,\Vert\, p) \geq 0)", "none (Gibbs' inequality)", rule_kind::inequality},
    {rule_id::jensen, "jensen", "Jensen's inequality (log is concave)",
     R"(\log \mathbb{E}_{q}\left[f\right] \geq \mathbb{E}_{q}\left[\log f\right])",
     "f > 0 almost surely under q", rule_kind::inequality},
    {rule_id::lemma, "lemma", "A result derived before",
     R"(\text{the start of a derivation relates to its end})",
     "the cited derivation is itself checked", rule_kind::rewrite},
    {rule_id::jensen_finite, "jensen_finite", "Jensen's inequality for a weighted average",
     R"(\log \sum_k \lambda_k a_k \geq \sum_k \lambda_k \log a_k)",
     "lambda_k > 0 with sum 1; a_k > 0", rule_kind::inequality},
}};

constexpr const rule_info& info(rule_id id) {
    return rule_catalog[static_cast<std::size_t>(id)];
}

// Looks a rule up by its key; false when there is none.
constexpr bool find_rule(std::string_view key, rule_id& out) {
    for (const rule_info& r : rule_catalog)
        if (r.key == key) {
            out = r.id;
            return true;
        }
    return false;
}

} // namespace elbocheck::sym

namespace elbocheck::sym::detail {
constexpr bool catalog_is_indexed_by_id() {
    for (std::size_t i = 0; i < rule_count; ++i)
        if (static_cast<std::size_t>(rule_catalog[i].id) != i)
            return false;
    return true;
}
static_assert(catalog_is_indexed_by_id(), "rule_catalog must list the rules in rule_id order");
} // namespace elbocheck::sym::detail
