// The quadrature evaluator (d <= 2) against the exact evaluator, term by term: every kind of term
// in the seed documents and every step of document 002, on the reference model, 56 random
// instances with d <= 2 and hand-built hard ones (ill-conditioned, guide far and narrow, guide =
// posterior, W with a null space). Also the pointwise evaluator against the model's own
// log-densities, and the cases quadrature must refuse, with their reasons.
#include "doc002_elbo_intuition.hpp"
#include "elbocheck/eval/exact_evaluator.hpp"
#include "elbocheck/eval/quadrature_evaluator.hpp"
#include "elbocheck/eval/value_comparison.hpp"
#include "elbocheck/model/random_models.hpp"
#include "support/catalog_terms.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <string>
#include <vector>

using namespace elbocheck;
using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;

namespace {

constexpr double agreement = 1e-8; // |a - b| <= agreement * max(1, |a|, |b|)
constexpr double beta_value = 4.0;

struct named_term {
    std::string name;
    term t;
};

// Every kind of term in the five seed documents (including their slips), and a few more that
// exercise other corners: expectations under the prior and the posterior, exp, nesting.
std::vector<named_term> zoo() {
    return {
        {"log p(x)", lower(log(p(x)))},
        {"log int p(x, z) dz", lower(log(integral(z, p(x, z))))},
        {"log int p(x | z) p(z) dz", lower(log(integral(z, p(x | z) * p(z))))},
        {"log int q p/q dz", lower(log(integral(z, q(z | x) * (p(x, z) / q(z | x)))))},
        {"log int p(x, z) q(z)/q(z) dz", lower(log(integral(z, p(x, z) * (q(z) / q(z)))))},
        {"log E_q[p(x, z)/q]", lower(log(E(z, q(z | x))[p(x, z) / q(z | x)]))},
        {"E_q[p(x, z)/q]", lower(E(z, q(z | x))[p(x, z) / q(z | x)])},
        {"E_q[log p(x, z)/q]", lower(E(z, q(z | x))[log(p(x, z) / q(z | x))])},
        {"E_q[log p(x, z) - log q]", lower(E(z, q(z | x))[log(p(x, z)) - log(q(z | x))])},
        {"E_q[log p(x|z) + log p(z) - log q]",
         lower(E(z, q(z | x))[log(p(x | z)) + log(p(z)) - log(q(z | x))])},
        {"E_q[log p(x|z)] - KL(q || p(z))",
         lower(E(z, q(z | x))[log(p(x | z))] - KL(q(z | x), p(z)))},
        {"E_q[log p(x|z)] - E_q[log q/p(z)]",
         lower(E(z, q(z | x))[log(p(x | z))] - E(z, q(z | x))[log(q(z | x) / p(z))])},
        {"E_q[log p(x|z)] - beta KL(q || p(z))",
         lower(E(z, q(z | x))[log(p(x | z))] - beta * KL(q(z | x), p(z)))},
        {"E_q[log p(x|z)] - E_q[log q] + E_q[log p(z)]",
         lower(E(z, q(z | x))[log(p(x | z))] - E(z, q(z | x))[log(q(z | x))] +
               E(z, q(z | x))[log(p(z))])},
        {"KL(q || p(z | x))", lower(KL(q(z | x), p(z | x)))},
        {"KL(q || p(z))", lower(KL(q(z | x), p(z)))},
        {"KL(p(z) || q) (arguments swapped)", lower(KL(p(z), q(z | x)))},
        {"E_q[log q/p(z | x)]", lower(E(z, q(z | x))[log(q(z | x) / p(z | x))])},
        {"E_q[log q] - E_q[log p(z | x)]",
         lower(E(z, q(z | x))[log(q(z | x))] - E(z, q(z | x))[log(p(z | x))])},
        {"E_q[log p(x)]", lower(E(z, q(z | x))[log(p(x))])},
        {"E_q[p(x)] (document 004's slip)", lower(E(z, q(z | x))[p(x)])},
        {"int q dz", lower(integral(z, q(z | x)))},
        {"log p(x) int q dz", lower(log(p(x)) * integral(z, q(z | x)))},
        {"int q log p(x) dz", lower(integral(z, q(z | x) * log(p(x))))},
        {"E_q[log p(x, z)/p(z | x)]", lower(E(z, q(z | x))[log(p(x, z) / p(z | x))])},
        {"E_q[log p(z, x)/p(x)]", lower(E(z, q(z | x))[log(p(z, x) / p(x))])},
        {"E_q[log p(z | x) p(x)/p(x)]", lower(E(z, q(z | x))[log(p(z | x) * (p(x) / p(x)))])},
        {"E_q[log q] - E_q[log p(z, x)] + log p(x)",
         lower(E(z, q(z | x))[log(q(z | x))] - E(z, q(z | x))[log(p(z, x))] + log(p(x)))},
        {"E_q[log p(x|z) + log p(z) - log p(z | x)]",
         lower(E(z, q(z | x))[log(p(x | z)) + log(p(z)) - log(p(z | x))])},
        {"log p(x) - ELBO", lower(log(p(x)) - derivations::doc002::elbo)},
        {"E_p(z)[p(x | z)]", lower(E(z, p(z))[p(x | z)])},
        {"E_p(z | x)[log p(x | z)]", lower(E(z, p(z | x))[log(p(x | z))])},
        {"E_q[exp(log p(x | z))]", lower(E(z, q(z | x))[exp(log(p(x | z)))])},
        {"int p(x, z) log p(x, z) dz", lower(integral(z, p(x, z) * log(p(x, z))))},
        {"E_q[E_p(z)[log p(x | z)]] (nested)", lower(E(z, q(z | x))[E(z, p(z))[log(p(x | z))]])},
    };
}

std::vector<named_term> doc002_steps() {
    std::vector<named_term> out;
    const derivation_data main = decltype(derivations::doc002::main_derivation)::lower();
    out.push_back({"doc002 start", main.start});
    for (std::size_t i = 0; i < main.steps.size(); ++i)
        out.push_back({"doc002 step " + std::to_string(i + 1), main.steps[i].next});
    const derivation_data gap = decltype(derivations::doc002::gap)::lower();
    out.push_back({"doc002 gap start", gap.start});
    out.push_back({"doc002 gap end", gap.steps.back().next});
    return out;
}

model::gaussian guide_of(Eigen::VectorXd m, const Eigen::MatrixXd& s) {
    return model::gaussian::from_covariance(std::move(m), s, "S (guide covariance)");
}
model::gaussian copy_as_guide(const model::gaussian& g) {
    return model::gaussian::from_cholesky(g.mean(), g.cholesky(), "S (guide covariance)");
}
Eigen::MatrixXd rotated(double angle, double a, double b) {
    Eigen::Matrix2d r;
    r << std::cos(angle), -std::sin(angle), std::sin(angle), std::cos(angle);
    return r * Eigen::Vector2d(a, b).asDiagonal() * r.transpose();
}
Eigen::VectorXd vec(std::initializer_list<double> v) {
    Eigen::VectorXd out(static_cast<Eigen::Index>(v.size()));
    Eigen::Index i = 0;
    for (double e : v)
        out(i++) = e;
    return out;
}

// d = 1, noise variance 1e-8 in D = 3: a posterior 2.6e4 times narrower than the prior, with
// guide = prior. The exact evaluator loses about 1e-8 of log p(x) here (see the [!shouldfail]
// test below); it is kept out of the agreement test for that reason.
model::model_instance tiny_noise_instance() {
    Eigen::MatrixXd w(3, 1);
    w << 1.0, -2.0, 0.5;
    auto m = model::linear_gaussian::with_diagonal_noise(
        vec({1.0}), Eigen::MatrixXd::Constant(1, 1, 2.0), w, vec({0.0, 0.1, 0.2}),
        vec({1e-8, 2e-8, 1e-8}));
    Eigen::VectorXd x = vec({1.3, -2.5, 0.85}); // W z + b at z = 1.3
    auto g = copy_as_guide(m.prior());
    return {std::move(m), x, std::move(g), "d = 1, noise variance 1e-8, q = prior"};
}

// log p(x) for tiny_noise_instance in long double, by Sherman-Morrison on the rank-one marginal
// covariance C = s0^2 w w^T + diag(psi): an independent reference good to about 1e-12.
double tiny_noise_log_evidence() {
    using real = long double;
    const real w[3] = {1.0L, -2.0L, 0.5L}, psi[3] = {1e-8L, 2e-8L, 1e-8L};
    const real residual[3] = {1.3L - 0.0L - 1.0L, -2.5L - 0.1L + 2.0L, 0.85L - 0.2L - 0.5L};
    const real s0 = 2.0L;
    real wdw = 0, wdr = 0, rdr = 0, log_det = 0;
    for (int i = 0; i < 3; ++i) {
        wdw += w[i] * w[i] / psi[i];
        wdr += w[i] * residual[i] / psi[i];
        rdr += residual[i] * residual[i] / psi[i];
        log_det += std::log(psi[i]);
    }
    const real mahalanobis = rdr - s0 * wdr * wdr / (1 + s0 * wdw);
    log_det += std::log(1 + s0 * wdw);
    const real two_pi = 6.283185307179586476925286766559L;
    return static_cast<double>(-0.5L * (3 * std::log(two_pi) + log_det + mahalanobis));
}

// Hard cases the random instances do not reach.
constexpr std::size_t null_space_case = 1, far_guide_case = 2;
std::vector<model::model_instance> hand_built() {
    std::vector<model::model_instance> out;
    {
        // Prior condition number 1e8, rotated; full noise; guide = exact posterior.
        Eigen::MatrixXd w(2, 2);
        w << 1.0, 0.4, -0.3, 0.8;
        Eigen::MatrixXd psi(2, 2);
        psi << 0.2, 0.05, 0.05, 0.1;
        auto m = model::linear_gaussian::with_full_noise(vec({0.3, -0.2}), rotated(0.7, 1e2, 1e-6),
                                                         w, vec({0.1, 0.0}), psi);
        Eigen::VectorXd x = vec({0.5, -1.5});
        auto g = copy_as_guide(m.posterior(x));
        out.push_back(
            {std::move(m), x, std::move(g), "d = 2, Sigma0 condition 1e8, q = posterior"});
    }
    {
        // D = 1 < d = 2: p(x | z) is flat along the null space of W; guide 20 prior standard
        // deviations away and 100 times narrower.
        Eigen::MatrixXd w(1, 2);
        w << 2.0, -1.0;
        auto m = model::linear_gaussian::with_diagonal_noise(
            vec({0.0, 0.0}), rotated(0.3, 1.0, 0.5), w, vec({0.0}), vec({0.05}));
        out.push_back({std::move(m), vec({1.2}),
                       guide_of(vec({20.0, -15.0}), rotated(1.1, 1e-2, 4e-3)),
                       "d = 2, D = 1, guide 20 sd away and 100 times narrower"});
    }
    {
        // Guide 50 prior standard deviations away, variance 1e-4.
        Eigen::MatrixXd w(2, 1);
        w << 1.5, 0.5;
        auto m = model::linear_gaussian::with_diagonal_noise(
            vec({0.0}), Eigen::MatrixXd::Constant(1, 1, 1.0), w, vec({0.0, 0.0}), vec({0.3, 0.3}));
        out.push_back({std::move(m), vec({0.4, 0.2}),
                       guide_of(vec({50.0}), Eigen::MatrixXd::Constant(1, 1, 1e-4)),
                       "d = 1, guide 50 sd away with variance 1e-4"});
    }
    {
        // Posterior correlation near 1, mean-field guide near it.
        Eigen::MatrixXd w(3, 2);
        w << 1.0, 1.0, 1.0, 1.001, 0.999, 1.0;
        auto m = model::linear_gaussian::with_diagonal_noise(
            vec({0.0, 1.0}), Eigen::MatrixXd::Identity(2, 2) * 3.0, w, vec({0.0, 0.0, 0.0}),
            vec({0.01, 0.01, 0.01}));
        Eigen::VectorXd x = vec({1.0, 1.1, 0.9});
        const model::gaussian post = m.posterior(x);
        auto g = model::gaussian::from_variances(
            post.mean() + vec({0.01, -0.02}), post.covariance().diagonal(), "S (guide covariance)");
        out.push_back(
            {std::move(m), x, std::move(g), "d = 2, posterior correlation ~1, mean-field guide"});
    }
    return out;
}

struct instance_list {
    std::vector<model::model_instance> models;
    std::size_t random_count = 0;
};

// The reference model, 56 random instances with d <= 2, and the hand-built ones: with seven guide
// kinds in turn (random_models.hpp), 56 of them hold eight whose guide is the posterior.
const instance_list& instances() {
    static const instance_list list = [] {
        instance_list l;
        l.models.push_back(model::reference_instance());
        for (std::uint64_t i = 0; l.random_count < 56; ++i)
            if (model::recipe_for(i).latent_dim <= 2) {
                l.models.push_back(model::random_instance(model::default_model_seed, i));
                ++l.random_count;
            }
        for (auto& m : hand_built())
            l.models.push_back(std::move(m));
        return l;
    }();
    return list;
}

eval::model_binding bind(const model::model_instance& m) {
    return eval::model_binding(m.model, m.x, m.guide, {{beta.lower().id, beta_value}});
}

double scaled_difference(double a, double b) {
    return std::abs(a - b) / std::max({1.0, std::abs(a), std::abs(b)});
}

} // namespace

TEST_CASE("quadrature agrees with the exact evaluator on every kind of term (d <= 2)",
          "[quadrature]") {
    std::vector<named_term> terms = zoo();
    for (auto& s : doc002_steps())
        terms.push_back(std::move(s));
    const instance_list& list = instances();
    REQUIRE(list.random_count == 56);
    std::size_t compared = 0, very_close = 0, log_compared = 0, posterior_guides = 0,
                two_dimensional = 0;
    double worst = 0.0, worst_log = 0.0;
    for (const model::model_instance& m : list.models) {
        REQUIRE(m.model.latent_dim() <= 2);
        two_dimensional += m.model.latent_dim() == 2;
        const eval::model_binding b = bind(m);
        posterior_guides += model::kl_divergence(m.guide, b.posterior()) < 1e-12;
        const eval::exact_evaluator exact(b);
        const eval::quadrature_evaluator quadrature(b);
        for (const named_term& nt : terms) {
            INFO(m.description << "\n  term: " << nt.name);
            const eval::exact_result e = exact.evaluate(nt.t);
            REQUIRE(e.ok());
            const double a = *e.value().scalar();
            const eval::quadrature_result q = quadrature.evaluate(nt.t);
            INFO("quadrature: " << (q.ok() ? std::to_string(q.value().value) : q.why_not()));
            REQUIRE(q.ok());
            const double v = q.value().value;
            INFO("exact " << a << ", quadrature " << v << ", its error estimate "
                          << q.value().relative_error);
            CHECK(scaled_difference(a, v) <= agreement);
            worst = std::max(worst, scaled_difference(a, v));
            very_close += scaled_difference(a, v) <= 1e-12;
            // Values that are exponentials (p(x) = E_q[p/q] can be exp(-50)) are compared in the
            // log domain too, where the absolute criterion above says little.
            if (e.value().log_weight && a > 0.0) {
                const double log_a = std::log(a), log_v = q.value().scaled.log_abs();
                CHECK(scaled_difference(log_a, log_v) <= agreement);
                worst_log = std::max(worst_log, scaled_difference(log_a, log_v));
                ++log_compared;
            }
            CHECK(q.value().relative_error <= 1e-9);
            ++compared;
        }
    }
    CHECK(compared == terms.size() * list.models.size());
    CHECK(list.models.size() >= 61);
    CHECK(two_dimensional >= 20);
    CHECK(posterior_guides >= 8);
    // The tolerance is not met by accident: most values agree to 1e-12. The largest differences
    // (a few 1e-9) are integrands that cancel terms of size 1e6 (Bayes' rule under a guide far
    // from an ill-conditioned posterior), where double rounding of those terms is the limit.
    CHECK(double(very_close) >= 0.9 * double(compared));
    CHECK(log_compared >= list.models.size() * 3);
    WARN("quadrature vs exact: " << compared << " comparisons, largest scaled difference " << worst
                                 << ", largest in the log domain " << worst_log << ", "
                                 << very_close << " within 1e-12");
}

TEST_CASE("every closed form in the derivations agrees with quadrature (d = 1, 2) to 1e-8",
          "[quadrature][catalog]") {
    // The exact evaluator's value of every term the derivations reach, against quadrature. Where
    // the exact evaluator refuses a term of one latent variable (an integral over x, one
    // without dz), quadrature must refuse it too: neither may guess. A term of two latent
    // variables (z_1, z_2 of the importance-weighted bound) has no closed form here; quadrature
    // must not read z_1 and z_2 as one z either.
    const std::vector<test_support::catalog_term> terms = test_support::catalog_terms();
    REQUIRE(terms.size() >= 100);
    std::size_t compared = 0, functions = 0, refused_by_both = 0, two_variables = 0,
                perturbations_caught = 0;
    double worst = 0.0;
    model::philox_stream stream(model::default_model_seed, 4321);
    for (const model::model_instance& m : instances().models) {
        const eval::model_binding b = bind(m);
        const eval::exact_evaluator exact(b);
        const eval::quadrature_evaluator quadrature(b);
        const eval::pointwise_evaluator pointwise(b);
        for (const test_support::catalog_term& ct : terms) {
            INFO(m.description << "\n  term: " << ct.name);
            const eval::exact_result e = exact.evaluate(ct.t);
            const eval::quadrature_result q = quadrature.evaluate(ct.t);
            INFO("exact: " << (e.ok() ? "ok" : e.why_not())
                           << "\n  quadrature: " << (q.ok() ? "ok" : q.why_not()));
            if (!e.ok()) {
                if (eval::latent_variable_count(ct.t) > 1) {
                    // Nested over z_1 and z_2: quadrature cannot integrate it, and must say so.
                    // (A sum of one-variable expectations it can, but nothing checks it here.)
                    if (!q.ok())
                        CHECK(q.why_not().find("latent variable") != std::string::npos);
                    ++two_variables;
                    continue;
                }
                CHECK_FALSE(q.ok());
                ++refused_by_both;
                continue;
            }
            // Bayes' rule as a function of z: compare at points. (Structurally, by the pointwise
            // compiler: the exact evaluator's p(x | z) p(z) / p(z | x) can cancel to a constant
            // form exactly.)
            auto f = pointwise.compile(ct.t);
            if (f.ok() && f.value().depends_on_z()) {
                for (int k = 0; k < 3; ++k) {
                    const Eigen::VectorXd zk =
                        m.guide.sample(2.0 * stream.normals(m.model.latent_dim()));
                    const eval::scaled_real v = f.value().at(zk).value;
                    const eval::exact_value& ev = e.value();
                    const double r = ev.factor(zk);
                    const double expected_log =
                        std::log(std::abs(r)) + (ev.log_weight ? (*ev.log_weight)(zk) : 0.0);
                    CHECK(v.sign() == (r > 0.0) - (r < 0.0));
                    CHECK(scaled_difference(v.log_abs(), expected_log) <= agreement);
                }
                ++functions;
                continue;
            }
            REQUIRE(q.ok());
            const double a = *e.value().scalar(), v = q.value().value;
            INFO("exact " << a << ", quadrature " << v);
            CHECK(scaled_difference(a, v) <= agreement);
            worst = std::max(worst, scaled_difference(a, v));
            // A closed form wrong by a relative 1e-6 (1e-6 absolute near zero) is rejected.
            const double wrong = a + 1e-6 * std::max(1.0, std::abs(a));
            CHECK(scaled_difference(wrong, v) > agreement);
            perturbations_caught += scaled_difference(wrong, v) > agreement;
            ++compared;
        }
    }
    // Every term on every instance was compared, or accounted for.
    CHECK(compared + functions + refused_by_both + two_variables ==
          terms.size() * instances().models.size());
    CHECK(compared >= 35 * terms.size());
    CHECK(perturbations_caught == compared);
    CHECK(functions > 0);
    CHECK(refused_by_both > 0);
    WARN("catalog vs quadrature: " << terms.size() << " terms, " << compared
                                   << " values compared (largest scaled difference " << worst
                                   << "), " << functions << " functions of z compared pointwise, "
                                   << refused_by_both << " refused by both");
}

TEST_CASE("quadrature does not read z_1 and z_2 as one z", "[quadrature]") {
    // E_{z_2}[w(z_1) + w(z_2)] is a function of z_1; integrating it as if z_1 were z_2 would
    // give 2 p(x). Refused, with the free variable named.
    using namespace elbocheck::derivations::iwae;
    const model::model_instance m = model::reference_instance(); // the binding points into it
    const eval::model_binding b = bind(m);
    const eval::quadrature_evaluator quadrature(b);
    const auto r = quadrature.evaluate(lower(E_2[w_1 + w_2]));
    REQUIRE_FALSE(r.ok());
    CHECK(r.why_not().find("z_1") != std::string::npos);
    const auto nested = quadrature.evaluate(lower(E_1[E_2[log(num<1, 2> * (w_1 + w_2))]]));
    REQUIRE_FALSE(nested.ok());
    CHECK(nested.why_not().find("z_1") != std::string::npos);
    // One variable at a time is fine, whatever its name: E_{z_1}[w(z_1)] = p(x).
    const auto single = quadrature.evaluate(lower(log(E_1[w_1])));
    REQUIRE(single.ok());
    CHECK(scaled_difference(single.value().value, b.log_evidence()) <= agreement);
}

TEST_CASE("the comparison can fail: a wrong term differs from the right one", "[quadrature]") {
    // Document 004 wrote E_q[p(x)] for E_q[log p(x)]; the two must not agree.
    for (const model::model_instance& m : instances().models) {
        const eval::model_binding b = bind(m);
        const eval::quadrature_evaluator quadrature(b);
        const auto right = quadrature.evaluate(lower(E(z, q(z | x))[log(p(x))]));
        const auto wrong = quadrature.evaluate(lower(E(z, q(z | x))[p(x)]));
        REQUIRE(right.ok());
        REQUIRE(wrong.ok());
        CHECK(scaled_difference(right.value().value, wrong.value().value) > agreement);
    }
}

TEST_CASE("the pointwise evaluator matches the model's log-densities at random points",
          "[pointwise]") {
    std::vector<model::model_instance> models;
    models.push_back(model::reference_instance());
    for (std::uint64_t i = 0; i < 16; ++i) // d = 1..8, every guide kind
        models.push_back(model::random_instance(model::default_model_seed, i));
    model::philox_stream stream(model::default_model_seed, 999);
    for (const model::model_instance& m : models) {
        INFO(m.description);
        const eval::model_binding b = bind(m);
        const eval::pointwise_evaluator pointwise(b);
        const Eigen::Index d = m.model.latent_dim();
        Eigen::MatrixXd points(d, 8);
        for (Eigen::Index j = 0; j < points.cols(); ++j) // spread over and beyond the guide
            points.col(j) = m.guide.sample(3.0 * stream.normals(d));
        using eval::bound_density;
        const auto prior = pointwise.log_density(bound_density::prior, points);
        const auto likelihood = pointwise.log_density(bound_density::likelihood, points);
        const auto joint = pointwise.log_density(bound_density::joint, points);
        const auto posterior = pointwise.log_density(bound_density::posterior, points);
        const auto guide = pointwise.log_density(bound_density::guide, points);
        const auto evidence = pointwise.log_density(bound_density::evidence, points);
        for (Eigen::Index j = 0; j < points.cols(); ++j) {
            const Eigen::VectorXd zj = points.col(j);
            auto close = [](double a, double b) { return scaled_difference(a, b) <= 1e-11; };
            CHECK(close(prior(j), m.model.log_prior(zj)));
            CHECK(close(likelihood(j), m.model.log_likelihood(m.x, zj)));
            CHECK(close(joint(j), m.model.log_joint(m.x, zj)));
            CHECK(close(posterior(j), m.model.log_posterior(zj, m.x)));
            CHECK(close(guide(j), m.guide.log_density(zj)));
            CHECK(close(evidence(j), m.model.log_evidence(m.x)));
        }
    }
}

TEST_CASE("the pointwise evaluator matches the exact evaluator's functions of z", "[pointwise]") {
    // Terms that depend on z: identities that hold at every z (Bayes' rule) and density ratios.
    const std::vector<named_term> functions = {
        {"log p(x|z) + log p(z) - log p(z|x)", lower(log(p(x | z)) + log(p(z)) - log(p(z | x)))},
        {"log p(x, z)/q", lower(log(p(x, z) / q(z | x)))},
        {"p(x, z)/q", lower(p(x, z) / q(z | x))},
        {"q log p(x, z)", lower(q(z | x) * log(p(x, z)))},
        {"p(x | z) p(z) / p(x)", lower(p(x | z) * p(z) / p(x))},
    };
    model::philox_stream stream(model::default_model_seed, 1234);
    for (std::uint64_t i = 0; i < 16; ++i) {
        const model::model_instance m = model::random_instance(model::default_model_seed, i);
        INFO(m.description);
        const eval::model_binding b = bind(m);
        const eval::pointwise_evaluator pointwise(b);
        const eval::exact_evaluator exact(b);
        for (const named_term& nt : functions) {
            INFO(nt.name);
            const eval::exact_result e = exact.evaluate(nt.t);
            REQUIRE(e.ok());
            auto f = pointwise.compile(nt.t);
            REQUIRE(f.ok());
            CHECK(f.value().depends_on_z());
            for (int k = 0; k < 4; ++k) {
                const Eigen::VectorXd zk = m.guide.sample(stream.normals(m.model.latent_dim()));
                const eval::scaled_real v = f.value().at(zk).value;
                const eval::exact_value& ev = e.value();
                if (ev.log_weight) {
                    // exp(Q(z)) R(z) in the log domain: under a far guide p(x, z) / q(z | x) is
                    // exp(-1e3) or less, and as a double it would be 0 on both sides.
                    const double r = ev.factor(zk);
                    REQUIRE(r != 0.0);
                    CHECK(v.sign() == (r > 0.0 ? 1 : -1));
                    CHECK(scaled_difference(v.log_abs(),
                                            (*ev.log_weight)(zk) + std::log(std::abs(r))) <= 1e-8);
                } else {
                    CHECK(scaled_difference(v.value(), ev.at(zk)) <= 1e-8);
                }
            }
        }
        // Bayes' rule: the first function is log p(x) at every z.
        auto bayes = pointwise.compile(functions[0].t);
        const Eigen::VectorXd far = m.guide.sample(10.0 * stream.normals(m.model.latent_dim()));
        // log p(x|z) + log p(z) - log p(z|x) cancels terms that are huge at a point ten guide
        // standard deviations out when the guide is much wider than a narrow posterior (1e8 for a
        // guide ten prior standard deviations wide and noise variances of 1e-3): the check allows
        // the rounding of those terms, as value_comparison.hpp does (rounding_per_scale).
        const double cancelled = std::abs(m.model.log_likelihood(m.x, far)) +
                                 std::abs(m.model.log_prior(far)) +
                                 std::abs(m.model.log_posterior(far, m.x));
        INFO("size of the cancelled terms " << cancelled);
        CHECK(std::abs(bayes.value().at(far).value.value() - m.model.log_evidence(m.x)) <=
              1e-9 * std::max(1.0, std::abs(m.model.log_evidence(m.x))) +
                  eval::rounding_per_scale * cancelled);
    }
}

TEST_CASE("the reference model's documented values, by quadrature alone", "[quadrature]") {
    // Pinned in random_models.hpp to 12 decimals; quadrature reproduces them without the exact
    // evaluator.
    const model::model_instance m = model::reference_instance();
    const eval::model_binding b = bind(m);
    const eval::quadrature_evaluator quadrature(b);
    auto value = [&](const term& t) {
        const auto r = quadrature.evaluate(t);
        REQUIRE(r.ok());
        return r.value().value;
    };
    CHECK(value(lower(log(integral(z, p(x, z))))) == Approx(-7.807808765569).margin(1e-11));
    CHECK(value(lower(E(z, q(z | x))[log(p(x | z))])) == Approx(-2.261317694737).margin(1e-11));
    CHECK(value(lower(E(z, q(z | x))[log(p(x, z) / q(z | x))])) ==
          Approx(-7.885409025686).margin(1e-11));
    CHECK(value(lower(KL(q(z | x), p(z)))) == Approx(5.624091330949).margin(1e-11));
    CHECK(value(lower(KL(q(z | x), p(z | x)))) == Approx(0.077600260117).margin(1e-11));
}

TEST_CASE("quadrature refuses what it cannot integrate, and says why", "[quadrature]") {
    auto refused = [](const eval::model_binding& b, const term& t, const std::string& because) {
        const eval::quadrature_result r = eval::quadrature_evaluator(b).evaluate(t);
        INFO("expected a refusal mentioning: " << because);
        REQUIRE_FALSE(r.ok());
        INFO("reason: " << r.why_not());
        CHECK(r.why_not().find(because) != std::string::npos);
    };
    SECTION("d = 3: integrals need d <= 2, a term without one is still evaluated") {
        const model::model_instance m = model::random_instance(model::default_model_seed, 2);
        REQUIRE(m.model.latent_dim() == 3);
        const eval::model_binding b = bind(m);
        refused(b, lower(E(z, q(z | x))[log(p(x, z) / q(z | x))]), "d <= 2");
        refused(b, lower(log(integral(z, p(x, z)))), "d = 3");
        const auto direct = eval::quadrature_evaluator(b).evaluate(lower(log(p(x))));
        REQUIRE(direct.ok());
        CHECK(direct.value().value == Approx(m.model.log_evidence(m.x)).epsilon(1e-12));
    }
    const model::model_instance ref = model::reference_instance();
    const eval::model_binding b = bind(ref);
    const eval::exact_evaluator exact(b);
    SECTION("an integral over the observed x (document 004's dx for dz)") {
        const term t = lower(integral(x, q(z | x) * log(p(x))));
        refused(b, t, "observed variable");
        CHECK_FALSE(exact.evaluate(t).ok());
    }
    SECTION("a function of z is not a number") {
        refused(b, lower(log(p(x | z)) + log(p(z))), "depends on z");
    }
    SECTION("divergent integrals are detected, as the exact evaluator detects them") {
        const term no_decay = lower(integral(z, log(q(z | x))));
        refused(b, no_decay, "diverges");
        CHECK_FALSE(exact.evaluate(no_decay).ok());
        const term constant = lower(integral(z, log(p(x))));
        refused(b, constant, "does not depend on z");
        CHECK_FALSE(exact.evaluate(constant).ok());
        // W is 1 x 2: p(x | z) is constant along a line of z.
        const model::model_instance flat = hand_built()[null_space_case];
        const eval::model_binding fb = bind(flat);
        const term likelihood = lower(integral(z, p(x | z)));
        refused(fb, likelihood, "diverges");
        CHECK_FALSE(eval::exact_evaluator(fb).evaluate(likelihood).ok());
        // E_q[q / p(z)] = int q^2 / p(z): finite only when 2 S^{-1} - Sigma0^{-1} is positive
        // definite. With S = 3 Sigma0 it is not; with S = Sigma0 / 3 it is, and both agree.
        const term ratio = lower(E(z, q(z | x))[q(z | x) / p(z)]);
        const model::model_instance wide{
            ref.model, ref.x, guide_of(ref.guide.mean(), 3.0 * ref.model.prior().covariance()),
            "wide guide"};
        const eval::model_binding wb = bind(wide);
        refused(wb, ratio, "diverges");
        CHECK_FALSE(eval::exact_evaluator(wb).evaluate(ratio).ok());
        const model::model_instance narrow{
            ref.model, ref.x, guide_of(ref.guide.mean(), ref.model.prior().covariance() / 3.0),
            "narrow guide"};
        const eval::model_binding nb = bind(narrow);
        const auto q_value = eval::quadrature_evaluator(nb).evaluate(ratio);
        const auto e_value = eval::exact_evaluator(nb).evaluate(ratio);
        REQUIRE(q_value.ok());
        REQUIRE(e_value.ok());
        CHECK(scaled_difference(q_value.value().value, *e_value.value().scalar()) <= agreement);
    }
    SECTION("two separated bumps cannot share one frame") {
        // q + p(x, z) with q 50 standard deviations from the posterior. (The exact evaluator
        // cannot add different exponential weights either.)
        const model::model_instance far = hand_built()[far_guide_case];
        const eval::model_binding fb = bind(far);
        const term t = lower(E(z, q(z | x))[p(x, z) / q(z | x) + num<1>]);
        refused(fb, t, "separated peaks");
        CHECK_FALSE(eval::exact_evaluator(fb).evaluate(t).ok());
    }
}

TEST_CASE("quadrature finds log p(x) of a model with noise variance 1e-8", "[quadrature]") {
    const model::model_instance m = tiny_noise_instance();
    const eval::model_binding b = bind(m);
    const eval::quadrature_evaluator quadrature(b);
    const double reference = tiny_noise_log_evidence();
    CHECK(m.model.log_evidence(m.x) == Approx(reference).margin(1e-11));
    for (const term& t :
         {lower(log(integral(z, p(x, z)))), lower(log(E(z, q(z | x))[p(x, z) / q(z | x)])),
          lower(log(E(z, p(z | x))[p(x, z) / p(z | x)]))}) {
        const auto r = quadrature.evaluate(t);
        REQUIRE(r.ok());
        CHECK(r.value().value == Approx(reference).margin(1e-11));
    }
}

// A known limitation of the exact evaluator, recorded as a failing example. With noise variance
// 1e-8, its quadratic forms carry coefficients of size 4e8 (Psi^{-1} formed explicitly) whose
// cancellation costs a few 1e-8 of log p(x), beyond the 1e-9 that DESIGN.md asks of exact
// values; three routes to the same log p(x) disagree:
//   log int p(x, z) dz              14.358890453796 (error -1.1e-8)
//   log E_q[p(x, z) / q]            14.358890481293 (error +1.6e-8)
//   log E_p(z|x)[p(x, z) / p(z|x)]  14.358890506327 (error +4.2e-8)
// against 14.358890464874 from a long double closed form, the model's log_evidence and
// quadrature. Without the log, p(x) = 1.7e6 is then off by up to 4e-8 relative.
// [!shouldfail]: this test passes while the limitation exists; when the exact evaluator is
// fixed, Catch reports it, and the tag should go.
TEST_CASE("known issue: the exact evaluator loses 1e-8 of log p(x) when the noise is 1e-8",
          "[exact][!shouldfail]") {
    const model::model_instance m = tiny_noise_instance();
    const eval::model_binding b = bind(m);
    const eval::exact_evaluator exact(b);
    const double reference = tiny_noise_log_evidence();
    for (const term& t : {lower(integral(z, p(x, z))), lower(E(z, q(z | x))[p(x, z) / q(z | x)]),
                          lower(E(z, p(z | x))[p(x, z) / p(z | x)])}) {
        const auto r = exact.evaluate(t);
        REQUIRE(r.ok());
        CHECK(std::abs(std::log(*r.value().scalar()) - reference) <= eval::default_tolerance);
    }
}
