// The quadratic-form calculus f(z) = c + g^T z - 1/2 z^T A z: its exact E_q[f], Var_q[f] and
// log E_q[exp f] against nested sinh-sinh quadrature (d <= 2) and plain Monte Carlo (d <= 8),
// its divergence verdicts, and its bookkeeping (evaluation, arithmetic, Gaussian log-densities).
//
// Tolerances: "agree to 1e-8" means |a - b| <= 1e-8 * max(1, |a|, |b|) — relative above 1 in
// magnitude, absolute below. Monte Carlo agreement means within 6 standard errors.

#include "elbocheck/model/gaussian.hpp"
#include "elbocheck/model/quadratic_form.hpp"
#include "elbocheck/model/random_models.hpp"
#include "support/model_harness.hpp"

#include <algorithm>
#include <boost/math/quadrature/sinh_sinh.hpp>
#include <catch2/catch.hpp>
#include <cmath>
#include <functional>
#include <limits>
#include <string>
#include <vector>

namespace {

using Catch::Matchers::Contains;
using elbocheck::model::gaussian;
using elbocheck::model::model_error;
using elbocheck::model::philox_stream;
using elbocheck::model::quadratic_form;
using elbocheck::test_support::agree;
using elbocheck::test_support::integrate;

constexpr std::uint64_t test_seed = 11;

gaussian random_gaussian(philox_stream& stream, Eigen::Index d, bool diagonal) {
    return elbocheck::test_support::random_gaussian(stream, d, diagonal, "S (guide covariance)");
}

Eigen::MatrixXd random_symmetric(philox_stream& stream, Eigen::Index d, double scale) {
    const Eigen::MatrixXd m = stream.normal_matrix(d, d);
    return 0.5 * scale * (m + m.transpose());
}

// f with an indefinite A: E_q[f] and Var_q[f] exist for every q, exp f need not be integrable.
quadratic_form random_indefinite_form(philox_stream& stream, Eigen::Index d) {
    const double c = stream.normal();
    return {c, stream.normals(d), random_symmetric(stream, d, 0.7)};
}

// f with A = P - 0.2 S^{-1}, P positive semi-definite: S^{-1} + 4A = 0.2 S^{-1} + 4P is positive
// definite, so exp f has four finite moments under q (which makes Monte Carlo standard errors
// trustworthy) while A itself may be indefinite — exp f can grow along some directions.
quadratic_form random_integrable_form(philox_stream& stream, const gaussian& q) {
    const Eigen::Index d = q.dim();
    const Eigen::MatrixXd root = stream.normal_matrix(d, d);
    const Eigen::MatrixXd p = 0.3 * root * root.transpose();
    const double c = stream.normal();
    Eigen::MatrixXd a = p - 0.2 * q.precision();
    a = 0.5 * (a + a.transpose()).eval();
    return {c, 0.5 * stream.normals(d), a};
}

// The Gaussian proportional to q(z) exp f(z): precision S^{-1} + A, mean
// (S^{-1} + A)^{-1}(S^{-1} m + g). Used only to centre the quadrature of log E_q[exp f].
gaussian tilted(const quadratic_form& f, const gaussian& q) {
    const Eigen::MatrixXd precision = q.precision() + f.quadratic();
    const Eigen::LLT<Eigen::MatrixXd> llt(precision);
    REQUIRE(llt.info() == Eigen::Success);
    const Eigen::VectorXd mean = llt.solve(q.precision() * q.mean() + f.linear());
    const Eigen::MatrixXd covariance = llt.solve(Eigen::MatrixXd::Identity(q.dim(), q.dim()));
    return gaussian::from_covariance(mean, 0.5 * (covariance + covariance.transpose()),
                                     "tilted covariance");
}

std::vector<double> sample_values(const quadratic_form& f, const gaussian& q,
                                  std::uint64_t stream_id, long n = 200000) {
    philox_stream stream(test_seed, stream_id);
    std::vector<double> values(static_cast<std::size_t>(n));
    for (double& value : values)
        value = f(q.sample(stream.normals(q.dim())));
    return values;
}

struct moments {
    double mean;
    double mean_standard_error;
    double variance;
    double variance_standard_error; // of the sample variance: sqrt((mu4 - sigma^4) / n)
};

moments sample_moments(const std::vector<double>& values) {
    const double n = static_cast<double>(values.size());
    double mean = 0.0;
    for (const double v : values)
        mean += v;
    mean /= n;
    double m2 = 0.0, m4 = 0.0;
    for (const double v : values) {
        const double sq = (v - mean) * (v - mean);
        m2 += sq;
        m4 += sq * sq;
    }
    m2 /= n;
    m4 /= n;
    const double variance = m2 * n / (n - 1.0);
    return {mean, std::sqrt(variance / n), variance, std::sqrt((m4 - m2 * m2) / n)};
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

TEST_CASE("a Gaussian's log-density as a quadratic form evaluates to the log-density",
          "[model][quadratic_form]") {
    philox_stream stream(test_seed, 1);
    for (Eigen::Index d = 1; d <= 8; ++d) {
        const gaussian g = random_gaussian(stream, d, d % 2 == 0);
        const quadratic_form f = quadratic_form::log_density_of(g);
        CHECK(f.quadratic().isApprox(f.quadratic().transpose(), 0.0));
        for (int k = 0; k < 5; ++k) {
            const Eigen::VectorXd z = g.sample(1.5 * stream.normals(d));
            CHECK(agree(f(z), g.log_density(z), 1e-12));
        }
        // E_q[log q] = -H(q).
        CHECK(agree(f.expectation_under(g), -g.entropy(), 1e-12));
    }
}

TEST_CASE("sums, differences and multiples of quadratic forms act pointwise",
          "[model][quadratic_form]") {
    philox_stream stream(test_seed, 2);
    const Eigen::Index d = 3;
    const quadratic_form f = random_indefinite_form(stream, d);
    const quadratic_form h = random_indefinite_form(stream, d);
    const gaussian q = random_gaussian(stream, d, false);
    for (int k = 0; k < 5; ++k) {
        const Eigen::VectorXd z = stream.normals(d);
        CHECK(agree((f + h)(z), f(z) + h(z), 1e-14));
        CHECK(agree((f - h)(z), f(z) - h(z), 1e-14));
        CHECK(agree((2.5 * f)(z), 2.5 * f(z), 1e-14));
        CHECK(agree((f * -0.5)(z), -0.5 * f(z), 1e-14));
        CHECK(agree((-f)(z), -f(z), 0.0));
        CHECK(agree((f + 4.0)(z), f(z) + 4.0, 1e-14));
        CHECK(agree((f - 4.0)(z), f(z) - 4.0, 1e-14));
    }
    CHECK(agree((f + 3.0 * h).expectation_under(q),
                f.expectation_under(q) + 3.0 * h.expectation_under(q), 1e-13));
    CHECK(quadratic_form::zero(d).expectation_under(q) == 0.0);
    CHECK(quadratic_form::zero(d).variance_under(q) == 0.0);
    CHECK(agree(*quadratic_form::zero(d).log_expectation_of_exp_under(q).value, 0.0, 1e-15));
}

TEST_CASE("E_q[f], Var_q[f] and log E_q[exp f] agree with quadrature for d = 1 and d = 2",
          "[model][quadratic_form]") {
    philox_stream stream(test_seed, 3);
    for (const Eigen::Index d : {1, 2})
        for (int trial = 0; trial < 6; ++trial) {
            INFO("d = " << d << ", trial " << trial);
            const gaussian q = random_gaussian(stream, d, trial % 2 == 0);
            for (const quadratic_form& f :
                 {random_indefinite_form(stream, d), random_integrable_form(stream, q)}) {
                const auto weighted = [&](const std::function<double(double)>& of_f) {
                    return integrate(
                        [&](const Eigen::VectorXd& z) {
                            return std::exp(q.log_density(z)) * of_f(f(z));
                        },
                        q.mean(), q.cholesky());
                };
                const double mean = weighted([](double v) { return v; });
                CHECK(agree(f.expectation_under(q), mean, 1e-8));
                const double variance = weighted([&](double v) { return (v - mean) * (v - mean); });
                CHECK(agree(f.variance_under(q), variance, 1e-8));

                const auto closed = f.log_expectation_of_exp_under(q);
                const bool integrable =
                    Eigen::LLT<Eigen::MatrixXd>(q.precision() + f.quadratic()).info() ==
                    Eigen::Success;
                REQUIRE(closed.converges() == integrable);
                if (!integrable)
                    continue;
                const gaussian centre = tilted(f, q);
                const double shift = q.log_density(centre.mean()) + f(centre.mean());
                const double integral = integrate(
                    [&](const Eigen::VectorXd& z) {
                        return std::exp(q.log_density(z) + f(z) - shift);
                    },
                    centre.mean(), centre.cholesky());
                CHECK(std::abs(*closed.value - (shift + std::log(integral))) <= 1e-8);
            }
        }
}

TEST_CASE("E_q[f], Var_q[f] and log E_q[exp f] agree with Monte Carlo for d up to 8",
          "[model][quadratic_form]") {
    philox_stream stream(test_seed, 4);
    for (Eigen::Index d = 1; d <= 8; ++d) {
        INFO("d = " << d);
        const gaussian q = random_gaussian(stream, d, d % 3 == 0);
        for (const quadratic_form& f :
             {random_indefinite_form(stream, d), random_integrable_form(stream, q)}) {
            const std::vector<double> values = sample_values(f, q, 100 + d);
            const moments m = sample_moments(values);
            CHECK(std::abs(f.expectation_under(q) - m.mean) <= 6.0 * m.mean_standard_error);
            CHECK(std::abs(f.variance_under(q) - m.variance) <= 6.0 * m.variance_standard_error);

            if (!(4.0 * f).log_expectation_of_exp_under(q).converges())
                continue; // exp f lacks the moments a trustworthy standard error needs
            // log of the mean of exp f; its standard error by the delta method.
            const double shift = *std::max_element(values.begin(), values.end());
            std::vector<double> weights(values.size());
            for (std::size_t k = 0; k < values.size(); ++k)
                weights[k] = std::exp(values[k] - shift);
            const moments w = sample_moments(weights);
            const double estimate = shift + std::log(w.mean);
            const double closed = *f.log_expectation_of_exp_under(q).value;
            CHECK(std::abs(closed - estimate) <= 6.0 * w.mean_standard_error / w.mean);
        }
    }
}

TEST_CASE("log E_q[exp f] reports divergence exactly when S^{-1} + A is not positive definite",
          "[model][quadratic_form]") {
    // f = z^2 / 2: E[exp(z^2/2)] under N(0, s) is 1 / sqrt(1 - s) for s < 1, infinite otherwise.
    const quadratic_form half_square(0.0, Eigen::VectorXd::Zero(1),
                                     Eigen::MatrixXd::Constant(1, 1, -1.0));
    for (const double s : {0.1, 0.5, 0.9, 0.999}) {
        const auto result = half_square.log_expectation_of_exp_under(gaussian::from_variances(
            Eigen::VectorXd::Zero(1), Eigen::VectorXd::Constant(1, s), "S"));
        REQUIRE(result.converges());
        CHECK(agree(*result.value, -0.5 * std::log1p(-s), 1e-12));
        CHECK(result.diverges_because.empty());
    }
    for (const double s : {1.0, 1.5, 100.0}) {
        const auto result = half_square.log_expectation_of_exp_under(gaussian::from_variances(
            Eigen::VectorXd::Zero(1), Eigen::VectorXd::Constant(1, s), "S (guide covariance)"));
        CHECK_FALSE(result.converges());
        CHECK_THAT(result.diverges_because, Contains("diverges") &&
                                                Contains("S^{-1} + A is not positive definite") &&
                                                Contains("S (guide covariance)"));
    }

    // Two dimensions, divergent along one axis only, and along a rotated direction.
    Eigen::Matrix2d a;
    a << -1.0, 0.0, 0.0, 1.0;
    const quadratic_form saddle(0.3, Eigen::Vector2d(1.0, -1.0), a);
    const auto narrow =
        gaussian::from_variances(Eigen::Vector2d::Zero(), Eigen::Vector2d(0.5, 4.0), "S");
    const auto wide =
        gaussian::from_variances(Eigen::Vector2d::Zero(), Eigen::Vector2d(2.0, 0.1), "S");
    CHECK(saddle.log_expectation_of_exp_under(narrow).converges());
    CHECK_FALSE(saddle.log_expectation_of_exp_under(wide).converges());
    // S with eigenvalues 1.9 and 0.1 (S^{-1}: 0.53 and 10) against A = -0.6 I: S^{-1} + A has
    // eigenvalue 0.53 - 0.6 < 0 along (1, 1); shrinking S to 0.8 S makes it 0.66 - 0.6 > 0.
    Eigen::Matrix2d correlated;
    correlated << 1.0, 0.9, 0.9, 1.0;
    const quadratic_form grows(0.0, Eigen::Vector2d::Zero(), -0.6 * Eigen::Matrix2d::Identity());
    CHECK_FALSE(grows
                    .log_expectation_of_exp_under(
                        gaussian::from_covariance(Eigen::Vector2d::Zero(), correlated, "S"))
                    .converges());
    CHECK(grows
              .log_expectation_of_exp_under(
                  gaussian::from_covariance(Eigen::Vector2d::Zero(), 0.8 * correlated, "S"))
              .converges());
}

TEST_CASE("bad quadratic forms are refused with a message that names the coefficient",
          "[model][quadratic_form]") {
    Eigen::Matrix2d asymmetric;
    asymmetric << 1.0, 0.2, 0.0, 1.0;
    CHECK_THAT(
        model_error_message([&] { quadratic_form(0.0, Eigen::Vector2d::Zero(), asymmetric); }),
        Contains("A (quadratic coefficient) is not symmetric"));
    CHECK_THAT(model_error_message([&] {
                   quadratic_form(0.0, Eigen::Vector3d::Zero(), Eigen::Matrix2d::Identity());
               }),
               Contains("g (linear coefficient) has 3 entries but A (quadratic coefficient) is "
                        "2x2"));
    CHECK_THAT(model_error_message([&] {
                   quadratic_form(0.0,
                                  Eigen::Vector2d(std::numeric_limits<double>::quiet_NaN(), 0.0),
                                  Eigen::Matrix2d::Identity());
               }),
               Contains("g (linear coefficient) has a non-finite entry 0"));
    CHECK_THAT(model_error_message([&] {
                   quadratic_form(std::numeric_limits<double>::infinity(), Eigen::Vector2d::Zero(),
                                  Eigen::Matrix2d::Identity());
               }),
               Contains("c (constant coefficient) is not finite"));

    const quadratic_form two = quadratic_form::zero(2);
    const quadratic_form three = quadratic_form::zero(3);
    CHECK_THAT(model_error_message([&] { two + three; }),
               Contains("cannot add quadratic forms in 2 and 3 variables"));
    CHECK_THAT(model_error_message([&] { two(Eigen::Vector3d::Zero()); }),
               Contains("z has 3 entries but the quadratic form has 2 variables"));
    CHECK_THAT(model_error_message([&] { two.expectation_under(gaussian::standard_normal(3)); }),
               Contains("quadratic form in 2 variables under a 3-dimensional Gaussian"));
    CHECK_THAT(model_error_message([&] { two* std::numeric_limits<double>::quiet_NaN(); }),
               Contains("non-finite factor"));
}
