// The numeric checker's Monte Carlo fallback, on the importance-weighted bound (two draws z_1,
// z_2, no closed form): its steps are evaluated and hold on the models; wrong steps are refuted;
// what would need a nested estimate is refused with a reason; and the verdict values are the
// same bits for any number of threads.
#include "catalog.hpp"
#include "elbocheck/eval/model_instances.hpp"
#include "elbocheck/eval/numeric_step_check.hpp"

#include <catch2/catch.hpp>
#include <string>

using namespace elbocheck;
using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;
using namespace elbocheck::derivations::iwae;

namespace {

// The reference model and 30 random ones: d = 1..8, every guide kind.
const eval::instance_set& instances() {
    static const eval::instance_set set = eval::make_instances(30);
    return set;
}

eval::sampling_settings settings(unsigned threads = 1) {
    eval::sampling_settings s;
    s.samples = 4000;
    s.threads = threads;
    return s;
}

bool guide_is_posterior(const eval::model_binding& b) {
    return model::kl_divergence(b.guide(), b.posterior()) < 1e-9;
}

} // namespace

TEST_CASE("the importance-weighted bound's steps are evaluated, by Monte Carlo where sampled",
          "[numeric][monte_carlo]") {
    std::size_t sampled_steps = 0;
    std::size_t posterior_guides = 0;
    for (const eval::model_binding& b : instances().bindings)
        posterior_guides += guide_is_posterior(b);
    REQUIRE(posterior_guides > 0);
    for (const sym::derivation_record& r : derivations::catalog()) {
        const std::string name(r.about.name);
        if (name.rfind("iwae", 0) != 0)
            continue;
        const auto outcomes =
            eval::check_derivation_numerically(r.data, instances().bindings, 1e-9, settings());
        for (std::size_t i = 0; i < outcomes.size(); ++i) {
            const eval::numeric_step_result& n = outcomes[i].written;
            INFO(name << " step " << i + 1 << ": " << n.why_not_evaluated << " method "
                      << n.method());
            CHECK(n.status == eval::numeric_status::holds);
            CHECK(n.instances == instances().bindings.size());
            // The inequalities are sampled. The equalities are not: linearity of expectation
            // leaves exact values (log E_1[E_2[(w_1 + w_2) / 2]] = log p(x)), or the same chain
            // on both sides (L_2 by its definition), which cancels draw by draw.
            CHECK(n.by_monte_carlo == (r.data.steps[i].claimed != relation::eq));
            if (n.by_monte_carlo) {
                ++sampled_steps;
                CHECK(n.samples == settings().samples);
                // Sampled on every model, except where q is the posterior and the step's
                // inner expectation is over the other draw: the weights are then the constant
                // p(x), and the exact evaluator gives the value with no sampling.
                CHECK(n.sampled_instances >= instances().bindings.size() - posterior_guides);
                CHECK(n.max_standard_error > 0.0); // not constant on every model
                CHECK(std::string(n.method()) == "monte-carlo");
            } else {
                CHECK(std::string(n.method()) == "exact");
            }
        }
    }
    // log p(x) >= E_1[log E_2[.]] >= L_2, and L_2 >= the average of the log-weights.
    CHECK(sampled_steps == 3);
}

TEST_CASE("wrong importance-weighted steps are refuted by Monte Carlo", "[numeric][monte_carlo]") {
    const term l1 = lower(L_1), l2 = lower(L_2), evidence = lower(log(p(x)));
    std::size_t posterior_guides = 0;
    for (const eval::model_binding& b : instances().bindings)
        posterior_guides += guide_is_posterior(b);
    const std::span<const eval::model_binding> all(instances().bindings);
    SECTION("L_1 >= L_2 (the bound's order reversed)") {
        const auto r =
            eval::check_step_numerically(l1, relation::ge, l2, nullptr, all, 1e-9, settings());
        CHECK(r.status == eval::numeric_status::fails);
        CHECK(r.by_monte_carlo);
        // Refuted wherever L_2 - L_1 is large against its standard error; not where q is the
        // posterior (then L_1 = L_2 = log p(x)).
        CHECK(r.failing >= all.size() / 2);
        CHECK(r.failing <= all.size() - posterior_guides);
    }
    SECTION("log p(x) = L_2 (Jensen's gap forgotten)") {
        const auto r = eval::check_step_numerically(evidence, relation::eq, l2, nullptr, all, 1e-9,
                                                    settings());
        CHECK(r.status == eval::numeric_status::fails);
        CHECK(r.failing >= all.size() / 2);
        CHECK(r.failing <= all.size() - posterior_guides);
        // ... while it holds on the models whose guide is the posterior: the weights are
        // constant, and L_2 = log p(x) there.
        std::vector<eval::model_binding> exact_guides;
        for (const eval::model_binding& b : all)
            if (guide_is_posterior(b))
                exact_guides.push_back(b);
        REQUIRE(!exact_guides.empty());
        const auto there = eval::check_step_numerically(evidence, relation::eq, l2, nullptr,
                                                        exact_guides, 1e-9, settings());
        CHECK(there.status == eval::numeric_status::holds);
    }
    SECTION("a stated gap that is wrong: log p(x) - L_2 is not KL(q || p(z | x))") {
        // That is the gap of L_1; L_2's is smaller.
        const term kl = lower(KL(q(z | x), p(z | x)));
        const auto r =
            eval::check_step_numerically(evidence, relation::ge, l2, &kl, all, 1e-9, settings());
        CHECK(r.status == eval::numeric_status::fails);
        CHECK_FALSE(r.gap.closed_form_holds);
    }
}

TEST_CASE("what would need a nested estimate is not evaluated, and says why",
          "[numeric][monte_carlo]") {
    // log of an inner expectation that depends on z_1 and that linearity cannot split.
    const term nested = lower(E_1[log(E_2[log(w_1 + w_2)])]);
    const auto r = eval::check_step_numerically(lower(log(p(x))), relation::ge, nested, nullptr,
                                                instances().bindings, 1e-9, settings());
    CHECK(r.status == eval::numeric_status::not_evaluated);
    CHECK(r.why_not_evaluated.find("nested") != std::string::npos);
}

TEST_CASE("sampled verdicts are the same bits on one thread and on two", "[numeric][monte_carlo]") {
    const std::span<const eval::model_binding> some(instances().bindings.data(), 8);
    const term l1 = lower(L_1), l2 = lower(L_2);
    const term middle = lower(E_1[log(E_2[num<1, 2> * (w_1 + w_2)])]);
    for (const auto& [a, b] : {std::pair{&middle, &l2}, std::pair{&l2, &l1}}) {
        const auto one =
            eval::check_step_numerically(*a, relation::ge, *b, nullptr, some, 1e-9, settings(1));
        const auto two =
            eval::check_step_numerically(*a, relation::ge, *b, nullptr, some, 1e-9, settings(2));
        REQUIRE(one.by_monte_carlo);
        CHECK(one.gap.min == two.gap.min);
        CHECK(one.gap.max == two.gap.max);
        CHECK(one.max_standard_error == two.max_standard_error);
        CHECK(one.max_abs_error == two.max_abs_error);
        // Another seed gives other draws.
        eval::sampling_settings other = settings(1);
        other.seed += 1;
        const auto reseeded =
            eval::check_step_numerically(*a, relation::ge, *b, nullptr, some, 1e-9, other);
        CHECK(reseeded.gap.max != one.gap.max);
    }
}
