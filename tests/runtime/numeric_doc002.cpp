// Document 002's derivation evaluated exactly on the reference model and 100 random models:
// every equality holds to 1e-9, Jensen's step holds with gap = KL(q || p(z | x)), and at
// q = posterior that gap is 0. Wrong versions of its steps are shown false, with both values.
#include "doc002_elbo_intuition.hpp"
#include "elbocheck/eval/model_instances.hpp"
#include "elbocheck/eval/numeric_step_check.hpp"

#include <catch2/catch.hpp>

using namespace elbocheck;
using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;

namespace {
const eval::instance_set& instances() {
    static const eval::instance_set set = eval::make_instances(100);
    return set;
}
using main_type = decltype(derivations::doc002::main_derivation);
constexpr std::size_t jensen_step = 3; // 0-based: step 4

// The values of both sides of a one-step claim on one instance.
struct two_sides {
    double left, right;
};
template <expression A, expression B>
two_sides values_on(const eval::model_binding& b, A, B) {
    const eval::exact_evaluator e(b);
    const eval::exact_result l = e.evaluate(A::lower()), r = e.evaluate(B::lower());
    REQUIRE(l.ok());
    REQUIRE(r.ok());
    return {*l.value().scalar(), *r.value().scalar()};
}
} // namespace

TEST_CASE("document 002: every step holds on 101 models", "[numeric][doc002]") {
    const auto results =
        eval::check_derivation_numerically(main_type::lower(), instances().bindings);
    REQUIRE(results.size() == main_type::step_count);
    for (std::size_t i = 0; i < results.size(); ++i) {
        const auto& r = results[i].written;
        INFO("step " << i + 1 << ": " << r.why_not_evaluated);
        CHECK(r.status == eval::numeric_status::holds);
        CHECK(r.instances == 101);
        CHECK(r.failing == 0);
    }
    // The gap equals KL(q || p(z | x)) to relative 1e-9 on every instance (closed_form_holds);
    // the gaps reach 1e4 for guides far from the posterior, so the absolute error is larger.
    const auto& jensen = results[jensen_step].written;
    CHECK(jensen.gap.has_closed_form);
    CHECK(jensen.gap.closed_form_holds);
    CHECK(jensen.gap.closed_form_max_error <= 1e-9 * std::max(1.0, jensen.gap.max));
    CHECK(jensen.gap.min >= 0.0);
    CHECK(jensen.gap.max > 1e-3); // the bound is not tight for most guides
}

TEST_CASE("document 002: Jensen's gap is zero when q is the posterior", "[numeric][doc002]") {
    int posterior_guides = 0;
    for (std::uint64_t i = 0; i < 100; ++i) {
        if (model::recipe_for(i).guide != model::guide_kind::posterior)
            continue;
        ++posterior_guides;
        const auto& m = instances().models[i + 1]; // models[0] is the reference
        const eval::model_binding b(m.model, m.x, m.guide);
        const auto v = values_on(b, log(E(z, q(z | x))[p(x, z) / q(z | x)]),
                                 E(z, q(z | x))[log(p(x, z) / q(z | x))]);
        INFO(m.description);
        CHECK(std::abs(v.left - v.right) <= 1e-9 * std::max(1.0, std::abs(v.left)));
    }
    CHECK(posterior_guides >= 10);
}

TEST_CASE("document 002: wrong steps are shown false, with both values", "[numeric][doc002]") {
    const auto& b = instances().bindings;
    const auto eq = relation::eq;
    auto check_false = [&](const term& before, relation r, const term& after,
                           std::size_t expected_failing = 101) {
        const auto result = eval::check_step_numerically(before, r, after, nullptr, b);
        CHECK(result.status == eval::numeric_status::fails);
        CHECK(result.failing == expected_failing);
        return result;
    };
    SECTION("E_q[p(x)] written for E_q[log p(x)]") {
        const auto v = values_on(b[0], E(z, q(z | x))[log(p(x))], E(z, q(z | x))[p(x)]);
        INFO("E_q[log p(x)] = " << v.left << ", E_q[p(x)] = " << v.right);
        CHECK(std::abs(v.left - v.right) > 1e-3);
        check_false(lower(E(z, q(z | x))[log(p(x))]), eq, lower(E(z, q(z | x))[p(x)]));
    }
    SECTION("KL with its arguments swapped") {
        const auto v = values_on(b[0], KL(q(z | x), p(z)), KL(p(z), q(z | x)));
        INFO("KL(q||p) = " << v.left << ", KL(p||q) = " << v.right);
        CHECK(std::abs(v.left - v.right) > 1e-3);
        // Swapping is harmless exactly when q is the prior, and only then.
        std::size_t guide_is_prior = 0;
        for (std::uint64_t i = 0; i < 100; ++i)
            guide_is_prior += model::recipe_for(i).guide == model::guide_kind::prior;
        CHECK(guide_is_prior > 0);
        check_false(lower(E(z, q(z | x))[log(p(x | z))] - KL(q(z | x), p(z))), eq,
                    lower(E(z, q(z | x))[log(p(x | z))] - KL(p(z), q(z | x))),
                    101 - guide_is_prior);
    }
    SECTION("a sign flipped") {
        check_false(lower(E(z, q(z | x))[log(p(x | z)) + log(p(z)) - log(q(z | x))]), eq,
                    lower(E(z, q(z | x))[log(p(x | z)) - log(p(z)) - log(q(z | x))]));
    }
    SECTION("a dropped term") {
        check_false(lower(E(z, q(z | x))[log(p(x | z)) + log(p(z)) - log(q(z | x))]), eq,
                    lower(E(z, q(z | x))[log(p(x | z)) - log(q(z | x))]));
    }
    SECTION("Jensen in the wrong direction is refuted") {
        const auto r = eval::check_step_numerically(
            lower(log(E(z, q(z | x))[p(x, z) / q(z | x)])), relation::le,
            lower(E(z, q(z | x))[log(p(x, z) / q(z | x))]), nullptr, b);
        CHECK(r.status == eval::numeric_status::fails);
        CHECK(r.max_abs_error > 1e-3);
    }
}
