// The Gaussian of the model layer: its closed forms (log-density, entropy, KL) against
// independent computations — Boost.Math's normal pdf, nested sinh-sinh quadrature for d <= 2,
// and plain Monte Carlo for d up to 8 — and its refusal of bad input.
//
// Tolerances: "agree to 1e-8" means |a - b| <= 1e-8 * max(1, |a|, |b|), i.e. relative for
// values of magnitude above 1 and absolute below (KL near 0). Monte Carlo agreement means
// |exact - mean| <= 6 standard errors (false-alarm probability 2e-9 per check).

#include "elbocheck/model/gaussian.hpp"
#include "elbocheck/model/random_models.hpp"
#include "support/model_harness.hpp"

#include <boost/math/distributions/normal.hpp>
#include <boost/math/quadrature/sinh_sinh.hpp>
#include <catch2/catch.hpp>
#include <cmath>
#include <functional>
#include <limits>
#include <numbers>
#include <string>
#include <vector>

namespace {

using Catch::Matchers::Contains;
using elbocheck::model::gaussian;
using elbocheck::model::model_error;
using elbocheck::model::philox_stream;
using elbocheck::test_support::agree;
using elbocheck::test_support::estimate;
using elbocheck::test_support::integrate;
using elbocheck::test_support::summarize;

constexpr std::uint64_t test_seed = 7;

// Varied shapes, all comfortably trusted (tests/support/model_harness.hpp).
gaussian random_gaussian(philox_stream& stream, Eigen::Index d, bool diagonal) {
    return elbocheck::test_support::random_gaussian(stream, d, diagonal, "S (test covariance)");
}

// Mean of f(z), z ~ q, and its standard error, from n draws of a Philox stream.
estimate monte_carlo(const std::function<double(const Eigen::VectorXd&)>& f, const gaussian& q,
                     std::uint64_t stream_id, long n = 200000) {
    philox_stream stream(test_seed, stream_id);
    std::vector<double> values(static_cast<std::size_t>(n));
    for (double& v : values)
        v = f(q.sample(stream.normals(q.dim())));
    return summarize(values);
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

} // namespace

TEST_CASE("log_density matches Boost.Math's normal pdf in one dimension", "[model][gaussian]") {
    for (const double mu : {-3.0, 0.0, 1.5})
        for (const double sigma : {1e-3, 0.2, 1.0, 40.0})
            for (const double offset : {-3.0, -0.5, 0.0, 2.0}) {
                const double z = mu + offset * sigma;
                const gaussian g = gaussian::from_variances(
                    Eigen::VectorXd::Constant(1, mu), Eigen::VectorXd::Constant(1, sigma * sigma),
                    "sigma^2");
                const double expected =
                    std::log(boost::math::pdf(boost::math::normal(mu, sigma), z));
                CHECK(agree(g.log_density(Eigen::VectorXd::Constant(1, z)), expected, 1e-13));
            }
}

TEST_CASE("log_density in two dimensions matches the explicit 2x2 formula", "[model][gaussian]") {
    // Sigma = [[a, c], [c, b]]: Sigma^{-1} = [[b, -c], [-c, a]] / (ab - c^2).
    const double a = 2.0, b = 0.5, c = -0.6, det = a * b - c * c;
    Eigen::Matrix2d sigma;
    sigma << a, c, c, b;
    const Eigen::Vector2d mu(0.3, -1.2);
    const gaussian g = gaussian::from_covariance(mu, sigma, "Sigma");
    for (const Eigen::Vector2d& z :
         {Eigen::Vector2d(0.0, 0.0), Eigen::Vector2d(1.0, -2.0), Eigen::Vector2d(-4.0, 3.0)}) {
        const Eigen::Vector2d r = z - mu;
        const double mahalanobis =
            (b * r(0) * r(0) - 2.0 * c * r(0) * r(1) + a * r(1) * r(1)) / det;
        const double expected =
            -std::log(2.0 * std::numbers::pi) - 0.5 * std::log(det) - 0.5 * mahalanobis;
        CHECK(agree(g.log_density(z), expected, 1e-13));
    }
    CHECK(agree(g.log_det_covariance(), std::log(det), 1e-14));
}

TEST_CASE("the three factories describe the same Gaussian", "[model][gaussian]") {
    Eigen::Matrix3d lower;
    lower << 1.5, 0.0, 0.0, -0.4, 0.7, 0.0, 0.2, 0.9, 2.0;
    const Eigen::Vector3d mean(1.0, -2.0, 0.5);
    const gaussian from_factor = gaussian::from_cholesky(mean, lower, "S");
    const gaussian from_full = gaussian::from_covariance(mean, lower * lower.transpose(), "S");
    CHECK(from_full.cholesky().isApprox(lower, 1e-14));
    const Eigen::Vector3d z(0.1, 0.2, -0.3);
    CHECK(agree(from_full.log_density(z), from_factor.log_density(z), 1e-14));

    const Eigen::Vector3d variances(0.5, 2.0, 7.0);
    const gaussian diagonal = gaussian::from_variances(mean, variances, "S");
    const gaussian dense =
        gaussian::from_covariance(mean, Eigen::Matrix3d(variances.asDiagonal()), "S");
    CHECK(agree(diagonal.log_density(z), dense.log_density(z), 1e-14));
    CHECK(agree(diagonal.entropy(), dense.entropy(), 1e-14));
    CHECK(diagonal.covariance().isApprox(Eigen::Matrix3d(variances.asDiagonal()), 1e-15));
    CHECK(diagonal.sample(Eigen::Vector3d(1.0, 0.0, -1.0))
              .isApprox(mean + Eigen::Vector3d(std::sqrt(0.5), 0.0, -std::sqrt(7.0)), 1e-15));
}

TEST_CASE("entropy and KL agree with quadrature for d = 1 and d = 2", "[model][gaussian]") {
    philox_stream stream(test_seed, 1);
    for (const Eigen::Index d : {1, 2})
        for (int trial = 0; trial < 6; ++trial) {
            const gaussian a = random_gaussian(stream, d, trial % 2 == 0);
            const gaussian b = random_gaussian(stream, d, trial % 3 == 0);
            INFO("d = " << d << ", trial " << trial);

            const double entropy = integrate(
                [&](const Eigen::VectorXd& z) {
                    const double log_a = a.log_density(z);
                    return -std::exp(log_a) * log_a;
                },
                a.mean(), a.cholesky());
            CHECK(agree(a.entropy(), entropy, 1e-8));

            const double kl = integrate(
                [&](const Eigen::VectorXd& z) {
                    const double log_a = a.log_density(z);
                    return std::exp(log_a) * (log_a - b.log_density(z));
                },
                a.mean(), a.cholesky());
            CHECK(agree(kl_divergence(a, b), kl, 1e-8));
        }
}

TEST_CASE("entropy and KL agree with Monte Carlo for d up to 8", "[model][gaussian]") {
    philox_stream stream(test_seed, 2);
    for (Eigen::Index d = 1; d <= 8; ++d) {
        const gaussian a = random_gaussian(stream, d, d % 3 == 0);
        const gaussian b = random_gaussian(stream, d, d % 2 == 0);
        INFO("d = " << d);
        const estimate entropy =
            monte_carlo([&](const Eigen::VectorXd& z) { return -a.log_density(z); }, a, 100 + d);
        CHECK(std::abs(a.entropy() - entropy.mean) <= 6.0 * entropy.standard_error);
        const estimate kl = monte_carlo(
            [&](const Eigen::VectorXd& z) { return a.log_density(z) - b.log_density(z); }, a,
            200 + d);
        CHECK(std::abs(kl_divergence(a, b) - kl.mean) <= 6.0 * kl.standard_error);
    }
}

TEST_CASE("KL is zero between equal Gaussians and positive otherwise", "[model][gaussian]") {
    philox_stream stream(test_seed, 3);
    for (Eigen::Index d = 1; d <= 8; ++d) {
        const gaussian a = random_gaussian(stream, d, false);
        // Not exactly 0: Eigen's triangular solve divides by multiplying with 1 / L_ii.
        CHECK(kl_divergence(a, a) < 1e-20);
        CHECK(kl_divergence(a, a) >= 0.0);
        const gaussian a_again = gaussian::from_covariance(a.mean(), a.covariance(), "S");
        CHECK(std::abs(kl_divergence(a, a_again)) < 1e-12);
        CHECK(kl_divergence(a, a_again) >= 0.0);
        const gaussian b = random_gaussian(stream, d, false);
        CHECK(kl_divergence(a, b) > 0.0);
    }
}

TEST_CASE("the Kingma-Welling form equals the general KL for diagonal q against N(0, I)",
          "[model][gaussian]") {
    philox_stream stream(test_seed, 4);
    for (Eigen::Index d = 1; d <= 8; ++d)
        for (int trial = 0; trial < 4; ++trial) {
            const Eigen::VectorXd mu = stream.normals(d);
            Eigen::VectorXd sigma2(d);
            for (Eigen::Index i = 0; i < d; ++i)
                sigma2(i) = std::exp(3.0 * stream.normal());
            const gaussian q = gaussian::from_variances(mu, sigma2, "sigma2");
            const double general = kl_divergence(q, gaussian::standard_normal(d));
            CHECK(agree(-elbocheck::model::kingma_welling_negative_kl(mu, sigma2), general, 1e-13));
        }
}

TEST_CASE("bad input is refused with a message that names the matrix", "[model][gaussian]") {
    const Eigen::Vector2d mean(0.0, 0.0);
    Eigen::Matrix2d indefinite;
    indefinite << 1.0, 2.0, 2.0, 1.0;
    CHECK_THAT(model_error_message([&] {
                   gaussian::from_covariance(mean, indefinite, "Sigma0 (prior covariance)");
               }),
               Contains("Sigma0 (prior covariance) is not positive definite"));

    Eigen::Matrix2d ill;
    ill << 1.0, 0.0, 0.0, 1e-13;
    CHECK_THAT(model_error_message(
                   [&] { gaussian::from_covariance(mean, ill, "Psi (noise covariance)"); }),
               Contains("Psi (noise covariance) is too ill-conditioned to trust") &&
                   Contains("exceeds 1.0e+12"));
    CHECK_THAT(model_error_message([&] {
                   gaussian::from_variances(mean, Eigen::Vector2d(1.0, 1e-13), "S (guide)");
               }),
               Contains("S (guide) is too ill-conditioned to trust: condition number 1.0e+13"));
    CHECK_THAT(model_error_message([&] {
                   gaussian::from_cholesky(
                       mean, Eigen::Matrix2d(Eigen::Vector2d(1.0, 1e-7).asDiagonal()), "S (guide)");
               }),
               Contains("S (guide) is too ill-conditioned to trust"));
    // Just inside the threshold is still trusted.
    CHECK_NOTHROW(gaussian::from_covariance(
        mean, Eigen::Matrix2d(Eigen::Vector2d(1.0, 2e-12).asDiagonal()), "S"));

    Eigen::Matrix2d with_nan = Eigen::Matrix2d::Identity();
    with_nan(1, 0) = with_nan(0, 1) = std::numeric_limits<double>::quiet_NaN();
    CHECK_THAT(model_error_message(
                   [&] { gaussian::from_covariance(mean, with_nan, "Sigma0 (prior covariance)"); }),
               Contains("Sigma0 (prior covariance) has a non-finite entry (1, 0)"));
    CHECK_THAT(model_error_message([&] {
                   gaussian::from_variances(
                       mean, Eigen::Vector2d(1.0, std::numeric_limits<double>::infinity()),
                       "S (guide)");
               }),
               Contains("S (guide) has a non-finite entry 1"));
    CHECK_THAT(model_error_message([&] {
                   gaussian::from_covariance(
                       Eigen::Vector2d(0.0, std::numeric_limits<double>::quiet_NaN()),
                       Eigen::Matrix2d::Identity(), "S (guide)");
               }),
               Contains("the mean paired with S (guide) has a non-finite entry 1"));

    CHECK_THAT(model_error_message([&] {
                   gaussian::from_covariance(Eigen::Vector3d::Zero(), Eigen::Matrix2d::Identity(),
                                             "S (guide)");
               }),
               Contains("the mean paired with S (guide) has 3 entries but S (guide) is 2x2"));
    CHECK_THAT(model_error_message([&] {
                   gaussian::from_covariance(mean, Eigen::MatrixXd::Identity(2, 3), "S (guide)");
               }),
               Contains("S (guide) must be square but is 2x3"));
    Eigen::Matrix2d asymmetric;
    asymmetric << 1.0, 0.5, 0.1, 1.0;
    CHECK_THAT(
        model_error_message([&] { gaussian::from_covariance(mean, asymmetric, "S (guide)"); }),
        Contains("S (guide) is not symmetric"));
    CHECK_THAT(model_error_message([&] { gaussian::from_cholesky(mean, asymmetric, "S (guide)"); }),
               Contains("the Cholesky factor of S (guide) is not lower triangular"));
    CHECK_THAT(model_error_message([&] {
                   gaussian::from_cholesky(
                       mean, Eigen::Matrix2d(Eigen::Vector2d(1.0, -1.0).asDiagonal()), "S (guide)");
               }),
               Contains("S (guide) is not positive definite"));
    CHECK_THAT(model_error_message(
                   [&] { gaussian::from_variances(mean, Eigen::Vector2d(1.0, 0.0), "S (guide)"); }),
               Contains("S (guide) is not positive definite: variance 1 is 0.0e+00"));

    const gaussian g = gaussian::standard_normal(2);
    CHECK_THAT(model_error_message([&] { g.log_density(Eigen::Vector3d::Zero()); }),
               Contains("z has 3 entries but the Gaussian with I (standard normal covariance) has "
                        "dimension 2"));
    CHECK_THAT(model_error_message([&] {
                   g.log_density(Eigen::Vector2d(std::numeric_limits<double>::quiet_NaN(), 0.0));
               }),
               Contains("z has a non-finite entry 0"));
    CHECK_THAT(model_error_message([&] { g.sample(Eigen::VectorXd::Zero(1)); }),
               Contains("eps has 1 entries"));
    CHECK_THAT(model_error_message([&] { kl_divergence(g, gaussian::standard_normal(3)); }),
               Contains("different dimensions"));
    CHECK_THAT(model_error_message([&] {
                   elbocheck::model::kingma_welling_negative_kl(Eigen::Vector2d::Zero(),
                                                                Eigen::Vector2d(1.0, -1.0));
               }),
               Contains("sigma2 (guide variances) is not positive"));
}
