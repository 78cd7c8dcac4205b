// The linear-Gaussian model's exact values — log p(x), the posterior, KL(q || p(z)),
// KL(q || p(z|x)), E_q[log p(x|z)], the ELBO — against nested sinh-sinh quadrature (d <= 2) and
// plain Monte Carlo (d <= 8) on random instances, the identities that tie them together, its
// refusal of bad input, and the reproducibility of the random instances.
//
// Tolerances: "agree to 1e-8" means |a - b| <= 1e-8 * max(1, |a|, |b|) — relative above 1 in
// magnitude, absolute below. An identity "to 1e-9 relative" such as ELBO + KL = log p(x) is
// relative to the largest magnitude among its terms: rounding in a sum scales with the size of
// its summands, and a guide far from the posterior makes ELBO and KL large while log p(x) stays
// moderate. Monte Carlo agreement means within 6 standard errors.

#include "elbocheck/model/linear_gaussian.hpp"
#include "elbocheck/model/random_models.hpp"
#include "support/model_harness.hpp"

#include <algorithm>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/quadrature/sinh_sinh.hpp>
#include <catch2/catch.hpp>
#include <cmath>
#include <functional>
#include <limits>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace {

using Catch::Matchers::Contains;
using elbocheck::model::gaussian;
using elbocheck::model::linear_gaussian;
using elbocheck::model::model_error;
using elbocheck::model::model_instance;
using elbocheck::model::philox_stream;
using elbocheck::model::quadratic_form;
using elbocheck::model::random_instance;
using elbocheck::test_support::agree;
using elbocheck::test_support::estimate;
using elbocheck::test_support::integrate;
using elbocheck::test_support::summarize;

constexpr std::uint64_t seed = elbocheck::model::default_model_seed;

// |lhs - rhs| relative to the largest magnitude among the terms of the identity.
bool identity_holds(double lhs, double rhs, std::initializer_list<double> terms, double tolerance) {
    double scale = std::max(std::abs(lhs), std::abs(rhs));
    for (const double t : terms)
        scale = std::max(scale, std::abs(t));
    return std::abs(lhs - rhs) <= tolerance * scale;
}

// The magnitude of the terms a quadratic form sums when its expectation under q is taken:
// c, g^T m, m^T A m / 2 and tr(A S) / 2. Its exact expectation is a difference of these, so
// its rounding error is relative to them, not to the (possibly much smaller) result — e.g.
// log p(x|z) with noise of condition 1e6 has c ~ -4e5 while E_q[log p(x|z)] ~ -0.02. The
// same holds for evaluating f at a point.
double evaluation_scale(const quadratic_form& f, const Eigen::VectorXd& z) {
    return std::max({std::abs(f.constant()), std::abs(f.linear().dot(z)),
                     0.5 * std::abs(z.dot(f.quadratic() * z))});
}

double expansion_scale(const quadratic_form& f, const gaussian& q) {
    const Eigen::VectorXd& m = q.mean();
    const Eigen::MatrixXd& lower = q.cholesky();
    return std::max({std::abs(f.constant()), std::abs(f.linear().dot(m)),
                     0.5 * std::abs(m.dot(f.quadratic() * m)),
                     0.5 * std::abs((lower.transpose() * f.quadratic() * lower).trace())});
}

template <typename F>
std::string model_error_message(F&& f) {
    try {
        f();
    } catch (const model_error& error) {
        return error.what();
    }
    return "<no model_error thrown>";
}

std::vector<model_instance> instances_with_latent_dim_at_most_2() {
    std::vector<model_instance> instances;
    instances.push_back(elbocheck::model::reference_instance());
    for (std::uint64_t index = 0; index < 80; ++index)
        if (elbocheck::model::recipe_for(index).latent_dim <= 2)
            instances.push_back(random_instance(seed, index));
    return instances;
}

} // namespace

TEST_CASE("pointwise log-densities match Boost.Math's normal pdf", "[model][linear_gaussian]") {
    // d = 1, D = 2, diagonal Psi: p(x | z) is a product of two univariate normals.
    const linear_gaussian model = linear_gaussian::with_diagonal_noise(
        Eigen::VectorXd::Constant(1, 0.5), Eigen::MatrixXd::Constant(1, 1, 2.0),
        Eigen::Vector2d(1.5, -0.5), Eigen::Vector2d(0.1, -0.2), Eigen::Vector2d(0.3, 0.05));
    const Eigen::Vector2d x(1.0, -0.4);
    for (const double z : {-2.0, 0.0, 0.7, 3.0}) {
        const Eigen::VectorXd zv = Eigen::VectorXd::Constant(1, z);
        using boost::math::normal;
        using boost::math::pdf;
        const double prior = std::log(pdf(normal(0.5, std::sqrt(2.0)), z));
        const double likelihood = std::log(pdf(normal(1.5 * z + 0.1, std::sqrt(0.3)), 1.0)) +
                                  std::log(pdf(normal(-0.5 * z - 0.2, std::sqrt(0.05)), -0.4));
        CHECK(agree(model.log_prior(zv), prior, 1e-13));
        CHECK(agree(model.log_likelihood(x, zv), likelihood, 1e-13));
        CHECK(agree(model.log_joint(x, zv), prior + likelihood, 1e-13));
    }
}

TEST_CASE("closed forms agree with quadrature for d = 1 and d = 2", "[model][linear_gaussian]") {
    const std::vector<model_instance> instances = instances_with_latent_dim_at_most_2();
    REQUIRE(instances.size() >= 20);
    for (const model_instance& instance : instances) {
        INFO(instance.description);
        const linear_gaussian& model = instance.model;
        const Eigen::VectorXd& x = instance.x;
        const gaussian& q = instance.guide;
        const gaussian posterior = model.posterior(x);

        // log p(x) = log integral of p(x, z) dz, scaled by its value at the centre.
        const double shift = model.log_joint(x, posterior.mean());
        const double log_evidence =
            shift +
            std::log(integrate(
                [&](const Eigen::VectorXd& z) { return std::exp(model.log_joint(x, z) - shift); },
                posterior.mean(), posterior.cholesky()));
        CHECK(agree(model.log_evidence(x), log_evidence, 1e-8));

        const auto under_q = [&](const std::function<double(const Eigen::VectorXd&)>& f) {
            return integrate(
                [&](const Eigen::VectorXd& z) { return std::exp(q.log_density(z)) * f(z); },
                q.mean(), q.cholesky());
        };
        CHECK(agree(model.expected_log_likelihood(x, q),
                    under_q([&](const Eigen::VectorXd& z) { return model.log_likelihood(x, z); }),
                    1e-8));
        CHECK(agree(model.expected_log_prior(q),
                    under_q([&](const Eigen::VectorXd& z) { return model.log_prior(z); }), 1e-8));
        CHECK(agree(q.entropy(),
                    under_q([&](const Eigen::VectorXd& z) { return -q.log_density(z); }), 1e-8));
        CHECK(agree(model.kl_to_prior(q), under_q([&](const Eigen::VectorXd& z) {
                        return q.log_density(z) - model.log_prior(z);
                    }),
                    1e-8));
        // KL(q || p(z|x)) = E_q[log q - log p(x, z)] + log p(x), with log p(x) from quadrature
        // too, so no closed-form posterior enters the reference value.
        CHECK(agree(model.kl_to_posterior(x, q), under_q([&](const Eigen::VectorXd& z) {
                                                     return q.log_density(z) -
                                                            model.log_joint(x, z);
                                                 }) + log_evidence,
                    1e-8));
        CHECK(agree(model.elbo(x, q), under_q([&](const Eigen::VectorXd& z) {
                        return model.log_joint(x, z) - q.log_density(z);
                    }),
                    1e-8));
    }
}

TEST_CASE("closed forms agree with Monte Carlo for d up to 8", "[model][linear_gaussian]") {
    // Indices 9k walk the (d, D) grid diagonally: d = 1 + k mod 8, D = 1 + floor(9k/8) mod 8,
    // guide kind 2k mod 7 — every dimension and guide kind appears. 32 of them, so that the
    // guides that qualify for the importance-sampling check below (the two much wider than the
    // prior never do, nor most near guides of the narrow small-noise posteriors) are at least as
    // many as with five guide kinds and 16 (24 gave 5).
    int importance_checks = 0;
    for (std::uint64_t k = 0; k < 32; ++k) {
        const model_instance instance = random_instance(seed, 9 * k);
        INFO(instance.description);
        const linear_gaussian& model = instance.model;
        const Eigen::VectorXd& x = instance.x;
        const gaussian& q = instance.guide;
        const gaussian posterior = model.posterior(x);

        constexpr std::size_t n = 200000;
        std::vector<double> log_likelihood(n), log_prior(n), log_guide(n), log_posterior(n);
        philox_stream stream(seed, 1000 + k);
        for (std::size_t s = 0; s < n; ++s) {
            const Eigen::VectorXd z = q.sample(stream.normals(q.dim()));
            log_likelihood[s] = model.log_likelihood(x, z);
            log_prior[s] = model.log_prior(z);
            log_guide[s] = q.log_density(z);
            log_posterior[s] = posterior.log_density(z);
        }
        std::vector<double> kl_prior(n), kl_posterior(n), elbo(n);
        for (std::size_t s = 0; s < n; ++s) {
            kl_prior[s] = log_guide[s] - log_prior[s];
            kl_posterior[s] = log_guide[s] - log_posterior[s];
            elbo[s] = log_likelihood[s] + log_prior[s] - log_guide[s];
        }
        CHECK(summarize(log_likelihood).covers(model.expected_log_likelihood(x, q)));
        CHECK(summarize(log_prior).covers(model.expected_log_prior(q)));
        CHECK(summarize(log_guide).covers(-q.entropy()));
        CHECK(summarize(kl_prior).covers(model.kl_to_prior(q)));
        CHECK(summarize(kl_posterior).covers(model.kl_to_posterior(x, q)));
        CHECK(summarize(elbo).covers(model.elbo(x, q)));

        // log p(x) = log E_q[p(x, z) / q(z)] — only where the sample can estimate it: the
        // weights need four finite moments (for a trustworthy standard error) and an exact
        // relative variance Var(w) / E[w]^2 = E[w^2] / E[w]^2 - 1 below n / 1000, i.e. an
        // effective sample size above 1000. A far guide has a relative variance of 1e7 and more;
        // its sample then misses the rare large weights and underestimates both the mean and
        // the standard error.
        const quadratic_form log_weight =
            model.log_joint_form(x) - quadratic_form::log_density_of(q);
        const auto second_moment = (2.0 * log_weight).log_expectation_of_exp_under(q);
        const auto fourth_moment = (4.0 * log_weight).log_expectation_of_exp_under(q);
        const double log_mean = *log_weight.log_expectation_of_exp_under(q).value;
        if (fourth_moment.converges() &&
            std::expm1(*second_moment.value - 2.0 * log_mean) * 1000.0 <= static_cast<double>(n)) {
            const double shift = *std::max_element(elbo.begin(), elbo.end());
            std::vector<double> weights(n);
            for (std::size_t s = 0; s < n; ++s)
                weights[s] = std::exp(elbo[s] - shift);
            const estimate w = summarize(weights);
            const estimate log_evidence{shift + std::log(w.mean), w.standard_error / w.mean};
            CHECK(log_evidence.covers(model.log_evidence(x)));
            ++importance_checks;
        }
    }
    // Posterior and near guides qualify; prior and far guides on narrow posteriors, and guides
    // much wider than the prior, do not.
    CHECK(importance_checks >= 6);
}

TEST_CASE("ELBO + KL(q || p(z|x)) = log p(x) to 1e-9 on 240 random instances",
          "[model][linear_gaussian]") {
    for (std::uint64_t index = 0; index < 240; ++index) {
        const model_instance instance = random_instance(seed, index);
        INFO(instance.description);
        const double elbo = instance.model.elbo(instance.x, instance.guide);
        const double kl = instance.model.kl_to_posterior(instance.x, instance.guide);
        const double log_evidence = instance.model.log_evidence(instance.x);
        CHECK(identity_holds(elbo + kl, log_evidence, {elbo, kl}, 1e-9));
        CHECK(kl >= 0.0);
        CHECK(elbo <= log_evidence + 1e-12 * std::abs(log_evidence));
    }
}

TEST_CASE("with the posterior as guide, KL = 0 and ELBO = log p(x)", "[model][linear_gaussian]") {
    for (std::uint64_t index = 0; index < 120; ++index) {
        const model_instance instance = random_instance(seed, index);
        INFO(instance.description);
        const linear_gaussian& model = instance.model;
        const gaussian posterior = model.posterior(instance.x);
        const double kl = model.kl_to_posterior(instance.x, posterior);
        CHECK(kl >= 0.0);
        CHECK(kl <= 1e-13);
        const double expected_log_likelihood = model.expected_log_likelihood(instance.x, posterior);
        const double kl_prior = model.kl_to_prior(posterior);
        CHECK(identity_holds(model.elbo(instance.x, posterior), model.log_evidence(instance.x),
                             {expected_log_likelihood, kl_prior}, 1e-9));
    }
}

TEST_CASE("the decompositions of the ELBO and the quadratic-form route agree",
          "[model][linear_gaussian]") {
    philox_stream stream(seed, 2);
    for (std::uint64_t index = 0; index < 120; ++index) {
        const model_instance instance = random_instance(seed, index);
        INFO(instance.description);
        const linear_gaussian& model = instance.model;
        const Eigen::VectorXd& x = instance.x;
        const gaussian& q = instance.guide;
        const double log_likelihood = model.expected_log_likelihood(x, q);
        const double log_prior = model.expected_log_prior(q);
        const double entropy = q.entropy();
        const double elbo = model.elbo(x, q);
        const double log_evidence = model.log_evidence(x);

        // Three decompositions: E[log p(x|z)] + E[log p(z)] + H(q) and E[log p(x|z)] - KL.
        CHECK(identity_holds(elbo, log_likelihood + log_prior + entropy,
                             {log_likelihood, log_prior, entropy}, 1e-9));
        CHECK(identity_holds(log_prior, -entropy - model.kl_to_prior(q),
                             {entropy, model.kl_to_prior(q)}, 1e-9));
        CHECK(model.expected_log_guide(q) == -entropy);

        // The same expectations through the quadratic-form calculus.
        const quadratic_form likelihood_form = model.log_likelihood_form(x);
        const quadratic_form prior_form = model.log_prior_form();
        const quadratic_form joint = model.log_joint_form(x);
        CHECK(identity_holds(likelihood_form.expectation_under(q), log_likelihood,
                             {expansion_scale(likelihood_form, q)}, 1e-9));
        CHECK(identity_holds(prior_form.expectation_under(q), log_prior,
                             {expansion_scale(prior_form, q)}, 1e-9));
        CHECK(identity_holds(joint.expectation_under(q) + entropy, elbo,
                             {entropy, expansion_scale(joint, q)}, 1e-9));
        // log E_q[p(x, z) / q(z)] = log p(x) exactly, for every q.
        const quadratic_form log_weight = joint - quadratic_form::log_density_of(q);
        const auto importance = log_weight.log_expectation_of_exp_under(q);
        REQUIRE(importance.converges());
        CHECK(identity_holds(*importance.value, log_evidence, {expansion_scale(log_weight, q)},
                             1e-9));

        // Bayes' rule pointwise: log p(x, z) - log p(z | x) = log p(x), and the posterior form
        // is the joint form shifted by log p(x).
        const quadratic_form posterior_form = model.log_posterior_form(x);
        for (int k = 0; k < 3; ++k) {
            const Eigen::VectorXd z = q.sample(stream.normals(q.dim()));
            const double log_joint = model.log_joint(x, z);
            const double log_posterior = model.log_posterior(z, x);
            CHECK(identity_holds(log_joint - log_posterior, log_evidence,
                                 {log_joint, log_posterior}, 1e-9));
            CHECK(identity_holds(
                posterior_form(z), joint(z) - log_evidence,
                {evaluation_scale(posterior_form, z), evaluation_scale(joint, z), log_evidence},
                1e-9));
        }
    }
}

TEST_CASE("marginal and posterior match the textbook formulas", "[model][linear_gaussian]") {
    for (std::uint64_t index = 0; index < 60; ++index) {
        const model_instance instance = random_instance(seed, index);
        const auto recipe = elbocheck::model::recipe_for(index);
        if (recipe.prior_conditioning != elbocheck::model::conditioning::well ||
            recipe.noise_conditioning != elbocheck::model::conditioning::well)
            continue; // the textbook formulas below lose digits on ill-conditioned inputs
        INFO(instance.description);
        const linear_gaussian& model = instance.model;
        const Eigen::MatrixXd& w = model.loading();
        const Eigen::MatrixXd sigma0 = model.prior().covariance();
        const Eigen::MatrixXd psi = model.noise_covariance();

        const gaussian marginal = model.marginal();
        CHECK(marginal.mean().isApprox(w * model.prior().mean() + model.offset(), 1e-12));
        CHECK(marginal.covariance().isApprox(w * sigma0 * w.transpose() + psi, 1e-12));

        // Precision Sigma0^{-1} + W^T Psi^{-1} W; mean Lambda^{-1}(Sigma0^{-1} mu0 + W^T
        // Psi^{-1}(x-b)).
        const Eigen::LLT<Eigen::MatrixXd> prior_llt(sigma0), noise_llt(psi);
        const Eigen::MatrixXd precision =
            prior_llt.solve(Eigen::MatrixXd::Identity(w.cols(), w.cols())) +
            w.transpose() * noise_llt.solve(w);
        const Eigen::LLT<Eigen::MatrixXd> posterior_llt(precision);
        const Eigen::VectorXd mean =
            posterior_llt.solve(prior_llt.solve(model.prior().mean()) +
                                w.transpose() * noise_llt.solve(instance.x - model.offset()));
        const gaussian posterior = model.posterior(instance.x);
        CHECK(posterior.mean().isApprox(mean, 1e-10));
        CHECK((posterior.covariance() * precision)
                  .isApprox(Eigen::MatrixXd::Identity(w.cols(), w.cols()), 1e-10));
    }
}

TEST_CASE("the Kingma-Welling KL equals kl_to_prior under a standard-normal prior",
          "[model][linear_gaussian]") {
    philox_stream stream(seed, 3);
    for (Eigen::Index d = 1; d <= 8; ++d) {
        const linear_gaussian model = linear_gaussian::with_diagonal_noise(
            Eigen::VectorXd::Zero(d), Eigen::MatrixXd::Identity(d, d), stream.normal_matrix(3, d),
            stream.normals(3), Eigen::Vector3d(0.5, 1.0, 2.0));
        const Eigen::VectorXd mu = stream.normals(d);
        Eigen::VectorXd sigma2(d);
        for (Eigen::Index i = 0; i < d; ++i)
            sigma2(i) = std::exp(stream.normal());
        const gaussian q = gaussian::from_variances(mu, sigma2, "sigma2 (guide variances)");
        CHECK(agree(-elbocheck::model::kingma_welling_negative_kl(mu, sigma2), model.kl_to_prior(q),
                    1e-13));
    }
}

TEST_CASE("the reference model's documented values", "[model][linear_gaussian]") {
    const model_instance reference = elbocheck::model::reference_instance();
    const linear_gaussian& model = reference.model;
    const Eigen::VectorXd& x = reference.x;
    const gaussian& q = reference.guide;
    CHECK(agree(model.log_evidence(x), -7.8078087655688204, 1e-12));
    CHECK(agree(model.elbo(x, q), -7.885409025686176, 1e-12));
    CHECK(agree(model.kl_to_posterior(x, q), 0.077600260117356878, 1e-12));
    CHECK(agree(model.kl_to_prior(q), 5.6240913309491987, 1e-12));
    CHECK(agree(model.expected_log_likelihood(x, q), -2.2613176947369773, 1e-12));
    const gaussian posterior = model.posterior(x);
    CHECK(
        posterior.mean().isApprox(Eigen::Vector2d(0.98405560098119382, 1.0611201962387571), 1e-12));
    Eigen::Matrix2d covariance;
    covariance << 0.083565004088307457, 0.013000817661488152, 0.013000817661488152,
        0.05016353229762878;
    CHECK(posterior.covariance().isApprox(covariance, 1e-12));
}

TEST_CASE("bad model input is refused with a message that names the matrix",
          "[model][linear_gaussian]") {
    const Eigen::Vector2d mu0(0.0, 0.0);
    const Eigen::Matrix2d sigma0 = Eigen::Matrix2d::Identity();
    const Eigen::MatrixXd w = Eigen::MatrixXd::Ones(3, 2);
    const Eigen::Vector3d b(0.0, 0.0, 0.0);
    const Eigen::Vector3d psi(1.0, 1.0, 1.0);

    Eigen::Matrix2d indefinite;
    indefinite << 1.0, 2.0, 2.0, 1.0;
    CHECK_THAT(model_error_message(
                   [&] { linear_gaussian::with_diagonal_noise(mu0, indefinite, w, b, psi); }),
               Contains("Sigma0 (prior covariance) is not positive definite"));
    CHECK_THAT(model_error_message([&] {
                   linear_gaussian::with_diagonal_noise(mu0, sigma0, w, b,
                                                        Eigen::Vector3d(1.0, 1.0, 1e-13));
               }),
               Contains("Psi (noise covariance) is too ill-conditioned to trust: condition "
                        "number 1.0e+13 exceeds 1.0e+12"));
    Eigen::Matrix3d ill_full = Eigen::Matrix3d::Identity();
    ill_full(2, 2) = 1e-15;
    CHECK_THAT(
        model_error_message([&] { linear_gaussian::with_full_noise(mu0, sigma0, w, b, ill_full); }),
        Contains("Psi (noise covariance) is too ill-conditioned to trust"));
    CHECK_THAT(model_error_message([&] {
                   linear_gaussian::with_full_noise(mu0, sigma0, w, b,
                                                    -Eigen::Matrix3d::Identity());
               }),
               Contains("Psi (noise covariance) is not positive definite"));

    Eigen::MatrixXd w_nan = w;
    w_nan(2, 1) = std::numeric_limits<double>::quiet_NaN();
    CHECK_THAT(model_error_message(
                   [&] { linear_gaussian::with_diagonal_noise(mu0, sigma0, w_nan, b, psi); }),
               Contains("W (loading matrix) has a non-finite entry (2, 1)"));
    CHECK_THAT(model_error_message([&] {
                   linear_gaussian::with_diagonal_noise(
                       Eigen::Vector2d(std::numeric_limits<double>::quiet_NaN(), 0.0), sigma0, w, b,
                       psi);
               }),
               Contains("mu0 (prior mean) has a non-finite entry 0"));
    CHECK_THAT(model_error_message([&] {
                   linear_gaussian::with_diagonal_noise(mu0, sigma0, Eigen::MatrixXd::Ones(3, 3), b,
                                                        psi);
               }),
               Contains("W (loading matrix) is 3x3 but must be 3x2"));
    CHECK_THAT(model_error_message([&] {
                   linear_gaussian::with_diagonal_noise(Eigen::Vector3d::Zero(), sigma0, w, b, psi);
               }),
               Contains("mu0 (prior mean) has 3 entries but Sigma0 (prior covariance) is 2x2"));
    CHECK_THAT(model_error_message([&] {
                   linear_gaussian::with_diagonal_noise(mu0, sigma0, w, Eigen::Vector2d::Zero(),
                                                        psi);
               }),
               Contains("b (observation offset) has 2 entries but Psi (noise covariance) is 3x3"));
    CHECK_THAT(model_error_message([&] {
                   linear_gaussian::with_full_noise(mu0, sigma0, w, b,
                                                    Eigen::MatrixXd::Identity(3, 2));
               }),
               Contains("Psi (noise covariance) must be square but is 3x2"));

    const linear_gaussian model = linear_gaussian::with_diagonal_noise(mu0, sigma0, w, b, psi);
    CHECK_THAT(model_error_message([&] { model.log_evidence(Eigen::Vector2d::Zero()); }),
               Contains("x (observation) has 2 entries but the model observes D = 3"));
    CHECK_THAT(model_error_message([&] {
                   model.log_likelihood(
                       Eigen::Vector3d(0.0, std::numeric_limits<double>::infinity(), 0.0),
                       Eigen::Vector2d::Zero());
               }),
               Contains("x (observation) has a non-finite entry 1"));
    CHECK_THAT(model_error_message(
                   [&] { model.log_likelihood(Eigen::Vector3d::Zero(), Eigen::Vector3d::Zero()); }),
               Contains("z has 3 entries but the latent dimension is d = 2"));
    const gaussian wrong_guide = gaussian::from_variances(
        Eigen::Vector3d::Zero(), Eigen::Vector3d::Ones(), "S (guide covariance)");
    CHECK_THAT(model_error_message([&] { model.elbo(Eigen::Vector3d::Zero(), wrong_guide); }),
               Contains("the guide (S (guide covariance)) is 3-dimensional but the latent "
                        "dimension is d = 2"));
    CHECK_THAT(model_error_message([&] { model.kl_to_prior(wrong_guide); }),
               Contains("S (guide covariance)"));
}

TEST_CASE("random instances are reproducible from (seed, index) alone", "[model][random_models]") {
    const auto same = [](const model_instance& a, const model_instance& b) {
        return a.description == b.description && a.x == b.x && a.guide.mean() == b.guide.mean() &&
               a.guide.cholesky() == b.guide.cholesky() &&
               a.model.prior().mean() == b.model.prior().mean() &&
               a.model.prior().cholesky() == b.model.prior().cholesky() &&
               a.model.loading() == b.model.loading() && a.model.offset() == b.model.offset() &&
               a.model.noise_cholesky() == b.model.noise_cholesky();
    };
    // Built alone, built again, and built after other instances: bit-identical.
    const model_instance alone = random_instance(seed, 37);
    for (std::uint64_t index = 30; index < 37; ++index)
        (void)random_instance(seed, index);
    CHECK(same(alone, random_instance(seed, 37)));
    CHECK(same(random_instance(seed, 36), random_instance(seed, 36)));
    // The recipe repeats every lcm(64, 7, 3, 11) = 14784 indices: same recipe, new numbers.
    using elbocheck::model::recipe_for;
    CHECK(recipe_for(37).guide == recipe_for(37 + 14784).guide);
    CHECK(recipe_for(37).observations == recipe_for(37 + 14784).observations);
    CHECK_FALSE(same(alone, random_instance(seed, 37 + 14784)));
    CHECK_FALSE(same(alone, random_instance(seed + 1, 37)));
    CHECK(alone.description ==
          "seed 20140101 index 37: d = 6, D = 5, Sigma0 condition 1e3, Psi diagonal condition 1e6, "
          "guide near the posterior (full S)");

    // The stream itself: a fixed (seed, stream) pair always yields the same words.
    philox_stream first(1, 2), second(1, 2), other(1, 3);
    for (int k = 0; k < 10; ++k) {
        const double u = first.uniform();
        CHECK(u == second.uniform());
        CHECK(u != other.uniform());
        CHECK(u > 0.0);
        CHECK(u <= 1.0);
    }
}

TEST_CASE("random instances cover every dimension, conditioning and guide kind",
          "[model][random_models]") {
    using elbocheck::model::recipe_for;
    std::set<Eigen::Index> latent, observed;
    std::set<int> guides, prior_levels, noise_levels;
    std::set<std::pair<Eigen::Index, Eigen::Index>> dimension_pairs;
    std::set<bool> noise_structure;
    std::set<int> observation_scales;
    for (std::uint64_t index = 0; index < 105; ++index) {
        const auto recipe = recipe_for(index);
        latent.insert(recipe.latent_dim);
        observed.insert(recipe.observed_dim);
        if (index < 64)
            dimension_pairs.insert({recipe.latent_dim, recipe.observed_dim});
        guides.insert(static_cast<int>(recipe.guide));
        prior_levels.insert(static_cast<int>(recipe.prior_conditioning));
        noise_levels.insert(static_cast<int>(recipe.noise_conditioning) * 2 +
                            (recipe.diagonal_noise ? 1 : 0));
        noise_structure.insert(recipe.diagonal_noise);
        observation_scales.insert(static_cast<int>(recipe.observations));
    }
    CHECK(latent.size() == 8);
    CHECK(observed.size() == 8);
    CHECK(dimension_pairs.size() == 64);
    CHECK(guides.size() == 7);
    CHECK(observation_scales.size() == 3); // standard, small noise, small units
    CHECK(prior_levels.size() == 3);
    CHECK(noise_levels.size() == 6);

    // The instances are what their recipes say: dimensions, and a guide equal to the prior or
    // the posterior when the recipe asks for it.
    for (std::uint64_t index = 0; index < 40; ++index) {
        const auto recipe = recipe_for(index);
        const model_instance instance = random_instance(seed, index);
        INFO(instance.description);
        CHECK(instance.model.latent_dim() == recipe.latent_dim);
        CHECK(instance.model.observed_dim() == recipe.observed_dim);
        CHECK(instance.model.noise_is_diagonal() == recipe.diagonal_noise);
        if (recipe.guide == elbocheck::model::guide_kind::prior)
            CHECK(instance.model.kl_to_prior(instance.guide) < 1e-20);
        if (recipe.guide == elbocheck::model::guide_kind::posterior)
            CHECK(instance.model.kl_to_posterior(instance.x, instance.guide) < 1e-20);
        if (recipe.guide == elbocheck::model::guide_kind::far) { // 5 sd away: KL >= 25 / 2
            CHECK(instance.model.kl_to_posterior(instance.x, instance.guide) >= 12.5);
            CHECK(instance.model.kl_to_prior(instance.guide) >= 12.5);
        }
    }
}
