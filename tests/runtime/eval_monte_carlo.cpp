// The Monte Carlo evaluator against the exact evaluator on random instances with d = 1..8: every
// exact value lies inside the z >= 6 interval of its estimate, a value 10 standard errors away
// does not, wrong steps of the documents are refuted, and what Monte Carlo cannot estimate
// honestly (products and logs of noisy means, heavy tails, nesting) is refused with a reason.
#include "doc002_elbo_intuition.hpp"
#include "elbocheck/eval/exact_evaluator.hpp"
#include "elbocheck/eval/monte_carlo_evaluator.hpp"
#include "elbocheck/model/random_models.hpp"
#include "support/catalog_terms.hpp"

#include <catch2/catch.hpp>
#include <map>
#include <string>
#include <vector>

using namespace elbocheck;
using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;

namespace {

constexpr double beta_value = 4.0;

// always: a linear function of binders whose integrands are polynomials in z (logs of densities)
// or constants: light tails everywhere, so Monte Carlo must evaluate it on every instance.
// sometimes: densities in the integrand (importance weights p / q, an integral sampled from the
// guide, p(x | z) under the prior) or the log of a mean: evaluated where the tail, the
// effective sample size and the relative standard error allow.
// never: a binder inside a binder.
enum class expected { always, sometimes, never };

struct named_term {
    std::string name;
    term t;
    expected mc;
};

// The zoo of tests/runtime/eval_quadrature.cpp (every kind of term in the seed documents),
// with what Monte Carlo is expected to make of each.
std::vector<named_term> zoo() {
    using enum expected;
    return {
        {"log p(x)", lower(log(p(x))), always},
        {"log int p(x, z) dz", lower(log(integral(z, p(x, z)))), sometimes},
        {"log int p(x | z) p(z) dz", lower(log(integral(z, p(x | z) * p(z)))), sometimes},
        {"log int q p/q dz", lower(log(integral(z, q(z | x) * (p(x, z) / q(z | x))))), sometimes},
        {"log int p(x, z) q(z)/q(z) dz", lower(log(integral(z, p(x, z) * (q(z) / q(z))))),
         sometimes},
        {"log E_q[p(x, z)/q]", lower(log(E(z, q(z | x))[p(x, z) / q(z | x)])), sometimes},
        {"E_q[p(x, z)/q]", lower(E(z, q(z | x))[p(x, z) / q(z | x)]), sometimes},
        {"E_q[log p(x, z)/q]", lower(E(z, q(z | x))[log(p(x, z) / q(z | x))]), always},
        {"E_q[log p(x, z) - log q]", lower(E(z, q(z | x))[log(p(x, z)) - log(q(z | x))]), always},
        {"E_q[log p(x|z) + log p(z) - log q]",
         lower(E(z, q(z | x))[log(p(x | z)) + log(p(z)) - log(q(z | x))]), always},
        {"E_q[log p(x|z)] - KL(q || p(z))",
         lower(E(z, q(z | x))[log(p(x | z))] - KL(q(z | x), p(z))), always},
        {"E_q[log p(x|z)] - E_q[log q/p(z)]",
         lower(E(z, q(z | x))[log(p(x | z))] - E(z, q(z | x))[log(q(z | x) / p(z))]), always},
        {"E_q[log p(x|z)] - beta KL(q || p(z))",
         lower(E(z, q(z | x))[log(p(x | z))] - beta * KL(q(z | x), p(z))), always},
        {"E_q[log p(x|z)] - E_q[log q] + E_q[log p(z)]",
         lower(E(z, q(z | x))[log(p(x | z))] - E(z, q(z | x))[log(q(z | x))] +
               E(z, q(z | x))[log(p(z))]),
         always},
        {"KL(q || p(z | x))", lower(KL(q(z | x), p(z | x))), always},
        {"KL(q || p(z))", lower(KL(q(z | x), p(z))), always},
        {"KL(p(z) || q) (arguments swapped)", lower(KL(p(z), q(z | x))), always},
        {"E_q[log q/p(z | x)]", lower(E(z, q(z | x))[log(q(z | x) / p(z | x))]), always},
        {"E_q[log q] - E_q[log p(z | x)]",
         lower(E(z, q(z | x))[log(q(z | x))] - E(z, q(z | x))[log(p(z | x))]), always},
        {"E_q[log p(x)]", lower(E(z, q(z | x))[log(p(x))]), always},
        {"E_q[p(x)] (document 004's slip)", lower(E(z, q(z | x))[p(x)]), always},
        {"int q dz", lower(integral(z, q(z | x))), always},
        {"log p(x) int q dz", lower(log(p(x)) * integral(z, q(z | x))), always},
        {"int q log p(x) dz", lower(integral(z, q(z | x) * log(p(x)))), always},
        {"E_q[log p(x, z)/p(z | x)]", lower(E(z, q(z | x))[log(p(x, z) / p(z | x))]), always},
        {"E_q[log p(z, x)/p(x)]", lower(E(z, q(z | x))[log(p(z, x) / p(x))]), always},
        {"E_q[log p(z | x) p(x)/p(x)]", lower(E(z, q(z | x))[log(p(z | x) * (p(x) / p(x)))]),
         always},
        {"E_q[log q] - E_q[log p(z, x)] + log p(x)",
         lower(E(z, q(z | x))[log(q(z | x))] - E(z, q(z | x))[log(p(z, x))] + log(p(x))), always},
        {"E_q[log p(x|z) + log p(z) - log p(z | x)]",
         lower(E(z, q(z | x))[log(p(x | z)) + log(p(z)) - log(p(z | x))]), always},
        {"log p(x) - ELBO", lower(log(p(x)) - derivations::doc002::elbo), always},
        {"E_p(z)[p(x | z)]", lower(E(z, p(z))[p(x | z)]), sometimes}, // weights p(x | z)
        {"E_p(z | x)[log p(x | z)]", lower(E(z, p(z | x))[log(p(x | z))]), always},
        {"E_q[exp(log p(x | z))]", lower(E(z, q(z | x))[exp(log(p(x | z)))]), sometimes},
        {"int p(x, z) log p(x, z) dz", lower(integral(z, p(x, z) * log(p(x, z)))), sometimes},
        {"E_q[E_p(z)[log p(x | z)]] (nested)", lower(E(z, q(z | x))[E(z, p(z))[log(p(x | z))]]),
         never},
    };
}

// The reference model and 16 random instances: d = 1..8 twice, every guide kind (prior,
// posterior, near, near mean-field, far) and conditioning.
const std::vector<model::model_instance>& instances() {
    static const std::vector<model::model_instance> list = [] {
        std::vector<model::model_instance> l;
        l.push_back(model::reference_instance());
        for (std::uint64_t i = 0; i < 16; ++i)
            l.push_back(model::random_instance(model::default_model_seed, i));
        return l;
    }();
    return list;
}

eval::model_binding bind(const model::model_instance& m) {
    return eval::model_binding(m.model, m.x, m.guide, {{beta.lower().id, beta_value}});
}

eval::monte_carlo_options options(std::uint64_t samples = 1u << 13) {
    eval::monte_carlo_options o;
    o.samples = samples;
    return o;
}

} // namespace

TEST_CASE("exact values lie inside the z = 6 interval; values 10 standard errors off do not",
          "[monte_carlo]") {
    std::vector<named_term> terms = zoo();
    const derivation_data doc002 = decltype(derivations::doc002::main_derivation)::lower();
    terms.push_back({"doc002 start", doc002.start, expected::always});
    for (std::size_t i = 0; i < doc002.steps.size(); ++i)
        terms.push_back({"doc002 step " + std::to_string(i + 1), doc002.steps[i].next,
                         i < 2    ? expected::sometimes // log int ...
                         : i == 2 ? expected::sometimes // log E_q[p/q]
                                  : expected::always});
    std::map<std::string, int> evaluated;
    std::size_t checked = 0, refuted_shifts = 0, sampling_refusals = 0, max_d = 0;
    for (const model::model_instance& m : instances()) {
        const eval::model_binding b = bind(m);
        const eval::exact_evaluator exact(b);
        const eval::monte_carlo_evaluator mc(b, options());
        max_d = std::max<std::size_t>(max_d, static_cast<std::size_t>(m.model.latent_dim()));
        for (const named_term& nt : terms) {
            INFO(m.description << "\n  term: " << nt.name);
            const eval::exact_result e = exact.evaluate(nt.t);
            REQUIRE(e.ok());
            const double value = *e.value().scalar();
            const eval::monte_carlo_result r = mc.evaluate(nt.t);
            INFO("Monte Carlo: " << (r.ok() ? std::to_string(r.value().mean) + " +- " +
                                                  std::to_string(r.value().standard_error)
                                            : r.why_not()));
            if (nt.mc == expected::always)
                CHECK(r.ok());
            if (nt.mc == expected::never)
                CHECK_FALSE(r.ok());
            if (!r.ok()) {
                CHECK_FALSE(r.why_not().empty());
                sampling_refusals += r.why_not().find("heavy-tailed") != std::string::npos ||
                                     r.why_not().find("effective sample size") != std::string::npos;
                continue;
            }
            const eval::monte_carlo_estimate& est = r.value();
            INFO("exact " << value << ", slack " << est.slack() << ", count " << est.count);
            CHECK(est.consistent_with(value));
            ++evaluated[nt.name];
            ++checked;
            // Shifted by 10 standard errors the value must be refuted, in both directions,
            // where the slack for rounding and bias is small beside the standard error.
            if (est.slack() < 0.5 * est.standard_error) {
                CHECK_FALSE(est.consistent_with(value + 10.0 * est.standard_error));
                CHECK_FALSE(est.consistent_with(value - 10.0 * est.standard_error));
                ++refuted_shifts;
            }
        }
    }
    CHECK(max_d == 8);
    CHECK(checked >= 500);
    CHECK(refuted_shifts >= 300);
    // The importance-sampling and log-of-mean terms are evaluated where they can be (q = prior,
    // q = posterior, small d) and refused elsewhere: both happen.
    CHECK(evaluated["log int p(x, z) dz"] >= 5);
    CHECK(evaluated["log E_q[p(x, z)/q]"] >= 5);
    CHECK(evaluated["log E_q[p(x, z)/q]"] < static_cast<int>(instances().size()));
    CHECK(sampling_refusals >= 10);
    WARN("Monte Carlo vs exact: " << checked << " estimates checked, " << refuted_shifts
                                  << " shifted values refuted, " << sampling_refusals
                                  << " refusals for heavy tails or a small effective sample");
}

TEST_CASE("every closed form in the derivations lies inside its Monte Carlo interval (d <= 8)",
          "[monte_carlo][catalog]") {
    // Every term the derivations reach with an exact value, on the reference model and 16 random
    // instances (d = 1..8, every guide kind): where Monte Carlo evaluates it, the exact value
    // is inside the z = 6 interval. Monte Carlo refuses what it cannot estimate honestly
    // (heavy-tailed weights, the log of a noisy mean), and says why; every such term is still
    // evaluated on some instance (q = posterior makes the weights constant).
    const std::vector<test_support::catalog_term> terms = test_support::catalog_terms();
    std::map<std::string, int> evaluated, valued;
    std::size_t checked = 0, refused = 0;
    for (const model::model_instance& m : instances()) {
        const eval::model_binding b = bind(m);
        const eval::exact_evaluator exact(b);
        const eval::monte_carlo_evaluator mc(b, options());
        for (const test_support::catalog_term& ct : terms) {
            const eval::exact_result e = exact.evaluate(ct.t);
            if (!e.ok() || !e.value().scalar())
                continue; // no closed form, or a function of z (the quadrature test covers it)
            INFO(m.description << "\n  term: " << ct.name);
            ++valued[ct.name];
            const eval::monte_carlo_result r = mc.evaluate(ct.t);
            if (!r.ok()) {
                INFO("refused: " << r.why_not());
                CHECK_FALSE(r.why_not().empty());
                ++refused;
                continue;
            }
            const double value = *e.value().scalar();
            INFO("exact " << value << ", Monte Carlo " << r.value().mean << " +- "
                          << r.value().standard_error << ", slack " << r.value().slack());
            CHECK(r.value().consistent_with(value));
            ++evaluated[ct.name];
            ++checked;
        }
    }
    for (const auto& [name, count] : valued) {
        INFO(name << ": valued exactly on " << count << " instances");
        CHECK(evaluated[name] >= 1);
    }
    CHECK(checked >= 10 * valued.size());
    CHECK(checked > 3 * refused);
    WARN("catalog vs Monte Carlo: " << valued.size() << " terms with closed forms, " << checked
                                    << " estimates checked, " << refused << " refused");
}

TEST_CASE("Monte Carlo does not read z_1 and z_2 as one z", "[monte_carlo]") {
    using namespace elbocheck::derivations::iwae;
    const model::model_instance m = model::reference_instance(); // the binding points into it
    const eval::model_binding b = bind(m);
    const eval::monte_carlo_evaluator mc(b, options());
    const auto r = mc.evaluate(lower(E_2[w_1 + w_2]));
    REQUIRE_FALSE(r.ok());
    CHECK(r.why_not().find("z_1") != std::string::npos);
    const auto single = mc.evaluate(lower(log(E_1[w_1])));
    REQUIRE(single.ok());
    CHECK(single.value().consistent_with(b.log_evidence()));
}

TEST_CASE("wrong steps of the documents are refuted by Monte Carlo", "[monte_carlo]") {
    // Monte Carlo refutes a wrong value when the error exceeds the interval; a wrong step whose
    // error is within a few standard errors cannot be refuted by any honest interval. So: every
    // wrong value at least 8 standard errors (plus slack) off is refuted, and that covers most
    // instances.
    std::size_t refuted = 0, decisive = 0, compared = 0;
    for (const model::model_instance& m : instances()) {
        INFO(m.description);
        const eval::model_binding b = bind(m);
        const eval::exact_evaluator exact(b);
        const eval::monte_carlo_evaluator mc(b, options());
        auto check_wrong = [&](const std::string& what, const term& right, const term& wrong) {
            INFO(what);
            const double v = *exact.evaluate(right).value().scalar();
            const double w = *exact.evaluate(wrong).value().scalar();
            const eval::monte_carlo_result r = mc.evaluate(wrong);
            REQUIRE(r.ok());
            CHECK(r.value().consistent_with(w)); // the estimate is of the wrong term
            ++compared;
            const bool rejected = !r.value().consistent_with(v);
            refuted += rejected;
            if (std::abs(v - w) > 8.0 * r.value().standard_error + 2.0 * r.value().slack()) {
                ++decisive;
                CHECK(rejected);
            }
        };
        // Document 004: E_q[p(x)] written for E_q[log p(x)].
        check_wrong("E_q[p(x)] for E_q[log p(x)]", lower(E(z, q(z | x))[log(p(x))]),
                    lower(E(z, q(z | x))[p(x)]));
        // A sign flipped in document 002's step 6.
        check_wrong("a sign flipped",
                    lower(E(z, q(z | x))[log(p(x | z)) + log(p(z)) - log(q(z | x))]),
                    lower(E(z, q(z | x))[log(p(x | z)) - log(p(z)) - log(q(z | x))]));
        // KL with its arguments swapped: harmless only when q is the prior.
        if (model::kl_divergence(m.guide, m.model.prior()) > 1e-12)
            check_wrong("KL swapped", lower(KL(q(z | x), p(z))), lower(KL(p(z), q(z | x))));
        // A dropped term: the prior.
        check_wrong("log p(z) dropped",
                    lower(E(z, q(z | x))[log(p(x | z)) + log(p(z)) - log(q(z | x))]),
                    lower(E(z, q(z | x))[log(p(x | z)) - log(q(z | x))]));
    }
    CHECK(compared >= 60);
    CHECK(double(decisive) >= 0.75 * double(compared));
    CHECK(refuted >= decisive);
}

TEST_CASE("each binder draws from its own Philox block: reproducible, independent, variances add",
          "[monte_carlo]") {
    const model::model_instance m = model::random_instance(model::default_model_seed, 12);
    const eval::model_binding b = bind(m);
    const term one = lower(E(z, q(z | x))[log(p(x, z) / q(z | x))]);
    const term difference =
        lower(E(z, q(z | x))[log(p(x, z) / q(z | x))] - E(z, q(z | x))[log(p(x, z) / q(z | x))]);
    const eval::monte_carlo_options base = options(1u << 12);
    auto estimate = [&](const term& t, const eval::monte_carlo_options& o) {
        const auto r = eval::monte_carlo_evaluator(b, o).evaluate(t);
        REQUIRE(r.ok());
        return r.value();
    };
    // Same seed, same bits; another seed, another estimate.
    const auto first = estimate(one, base);
    const auto again = estimate(one, base);
    CHECK(first.mean == again.mean);
    CHECK(first.standard_error == again.standard_error);
    CHECK(first.count == base.samples);
    CHECK(first.binders == 1);
    eval::monte_carlo_options other_seed = base;
    other_seed.seed += 1;
    CHECK(estimate(one, other_seed).mean != first.mean);
    // The batch size does not change the bits: sample i always uses normals i d .. i d + d - 1.
    eval::monte_carlo_options other_batch = base;
    other_batch.batch = 100;
    CHECK(estimate(one, other_batch).mean == first.mean);
    // The second occurrence uses block first_block + 1: the difference of two estimates of the
    // same expectation is the difference of the estimates from blocks 0 and 1, not 0, and its
    // variance is the sum of theirs.
    eval::monte_carlo_options next_block = base;
    next_block.first_block = 1;
    const auto second = estimate(one, next_block);
    const auto diff = estimate(difference, base);
    CHECK(diff.binders == 2);
    CHECK(diff.mean != 0.0);
    CHECK(diff.mean == Approx(first.mean - second.mean).epsilon(1e-12));
    CHECK(diff.standard_error ==
          Approx(std::hypot(first.standard_error, second.standard_error)).epsilon(1e-12));
    CHECK(diff.consistent_with(0.0));
}

TEST_CASE("the log of a Monte Carlo mean: delta method within its limits", "[monte_carlo]") {
    const term log_mean = lower(log(E(z, q(z | x))[p(x, z) / q(z | x)]));
    SECTION("q = posterior: the weights are constant, the log exact up to rounding") {
        const model::model_instance m = model::random_instance(model::default_model_seed, 1);
        REQUIRE(model::recipe_for(1).guide == model::guide_kind::posterior);
        const eval::model_binding b = bind(m);
        const auto r = eval::monte_carlo_evaluator(b, options()).evaluate(log_mean);
        REQUIRE(r.ok());
        CHECK(r.value().standard_error < 1e-12);
        CHECK(r.value().mean == Approx(m.model.log_evidence(m.x)).epsilon(1e-12));
    }
    SECTION("q = prior: standard error r of the log, bias bound r^2") {
        const model::model_instance m = model::random_instance(model::default_model_seed, 0);
        REQUIRE(model::recipe_for(0).guide == model::guide_kind::prior);
        const eval::model_binding b = bind(m);
        const eval::monte_carlo_evaluator mc(b, options());
        const auto mean = mc.evaluate(lower(E(z, q(z | x))[p(x, z) / q(z | x)]));
        const auto log = mc.evaluate(log_mean);
        REQUIRE(mean.ok());
        REQUIRE(log.ok());
        const double r = mean.value().standard_error / mean.value().mean;
        CHECK(r > 0.0);
        CHECK(log.value().mean == Approx(std::log(mean.value().mean)).epsilon(1e-14));
        CHECK(log.value().standard_error == Approx(r).epsilon(1e-12));
        CHECK(log.value().bias_bound == Approx(r * r).epsilon(1e-12));
        CHECK(log.value().consistent_with(m.model.log_evidence(m.x)));
        // Too few samples: the relative standard error exceeds 0.05 and the log is refused.
        const auto few = eval::monte_carlo_evaluator(b, options(16)).evaluate(log_mean);
        REQUIRE_FALSE(few.ok());
        CHECK(few.why_not().find("relative standard error") != std::string::npos);
    }
}

TEST_CASE("what Monte Carlo does not estimate is refused, with a reason", "[monte_carlo]") {
    const model::model_instance ref = model::reference_instance();
    const eval::model_binding b = bind(ref);
    const eval::monte_carlo_evaluator mc(b, options(1u << 10));
    auto refused = [&](const eval::monte_carlo_evaluator& e, const term& t,
                       const std::string& because) {
        const auto r = e.evaluate(t);
        INFO("expected a refusal mentioning: " << because);
        REQUIRE_FALSE(r.ok());
        INFO("reason: " << r.why_not());
        CHECK(r.why_not().find(because) != std::string::npos);
    };
    const term elbo = lower(E(z, q(z | x))[log(p(x, z) / q(z | x))]);
    refused(mc, lower(E(z, q(z | x))[log(p(x | z))] * E(z, q(z | x))[log(p(z))]), "product of two");
    refused(mc, lower(exp(E(z, q(z | x))[log(p(x | z))])), "exp of");
    refused(mc, lower(num<1> / E(z, q(z | x))[p(x, z) / q(z | x)]), "power of");
    refused(mc, lower(E(z, q(z | x))[E(z, p(z))[log(p(x | z))]]), "inside the integrand");
    refused(mc, lower(log(p(x | z))), "depends on z");
    refused(mc, lower(integral(x, q(z | x) * log(p(x)))), "observed variable");
    refused(mc, lower(integral(z, log(p(x)))), "diverges");
    refused(mc, lower(E(z, p(x | z))[log(p(x, z))]), "not a Gaussian in z");
    // Importance weights p(x, z) / q under a guide far from the posterior: the mass is where no
    // sample goes, and one sample carries the sum.
    const model::model_instance far = model::random_instance(model::default_model_seed, 11);
    REQUIRE(model::recipe_for(11).guide == model::guide_kind::far);
    refused(eval::monte_carlo_evaluator(bind(far), options()), lower(integral(z, p(x, z))),
            "effective sample size");
    // ... and under a guide narrower than the posterior along some direction (near, mean-field):
    // a Pareto tail with infinite variance.
    const model::model_instance near = model::random_instance(model::default_model_seed, 3);
    REQUIRE(model::recipe_for(3).guide == model::guide_kind::near_diagonal);
    refused(eval::monte_carlo_evaluator(bind(near), options()), lower(integral(z, p(x, z))),
            "heavy-tailed");
    // The same binder in a form Monte Carlo handles is fine.
    CHECK(mc.evaluate(elbo).ok());
}

TEST_CASE("the tail index tells light tails from heavy ones", "[monte_carlo]") {
    const std::size_t n = 1u << 14;
    std::vector<double> u(n), normal(n), exponential(n), pareto_half(n), pareto_one(n), uniform(n);
    eval::fill_uniforms(7, 0, 0, u.data(), n);
    eval::fill_normals(7, 1, normal.data(), n);
    for (std::size_t i = 0; i < n; ++i) {
        exponential[i] = -std::log(u[i]);
        pareto_half[i] = std::pow(u[i], -0.5); // shape 0.5: infinite variance, barely
        pareto_one[i] = 1.0 / u[i];            // shape 1: infinite mean
        uniform[i] = u[i];
    }
    using eval::detail::upper_tail_index;
    CHECK(std::abs(upper_tail_index(exponential)) < 0.1);
    CHECK(std::abs(upper_tail_index(normal)) < 0.15);
    CHECK(upper_tail_index(uniform) < -0.5);
    CHECK(upper_tail_index(pareto_half) == Approx(0.5).margin(0.12));
    CHECK(upper_tail_index(pareto_one) == Approx(1.0).margin(0.15));
    CHECK(upper_tail_index(std::vector<double>(n, 3.0)) ==
          -std::numeric_limits<double>::infinity());
    CHECK(std::isnan(upper_tail_index(std::vector<double>(20, 1.0))));
}
