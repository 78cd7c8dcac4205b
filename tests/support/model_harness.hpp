#pragma once
// What the model tests (model_gaussian, model_linear_gaussian, model_quadratic_form) share to
// hold closed forms against independent numbers: a relative comparison, random Gaussians, and
// deterministic quadrature over R^d for d = 1, 2. Deliberately independent of the library's
// own quadrature evaluator (eval/quadrature_evaluator.hpp), which these tests must not trust;
// and the summary (mean, standard error) of a Monte Carlo sample.
#include "elbocheck/model/gaussian.hpp"
#include "elbocheck/model/random_models.hpp"

#include <Eigen/Core>
#include <algorithm>
#include <boost/math/quadrature/sinh_sinh.hpp>
#include <catch2/catch.hpp>
#include <cmath>
#include <functional>
#include <string>
#include <vector>

namespace elbocheck::test_support {

// |a - b| <= tolerance * max(1, |a|, |b|): relative for large values, absolute near zero.
inline bool agree(double a, double b, double tolerance) {
    return std::abs(a - b) <= tolerance * std::max({1.0, std::abs(a), std::abs(b)});
}

// A Gaussian with mean entries ~ N(0, 4) and a Cholesky factor whose diagonal spans e^{+-1}
// and whose off-diagonal entries are ~ N(0, 1/4): varied shapes, all comfortably trusted.
inline model::gaussian random_gaussian(model::philox_stream& stream, Eigen::Index d, bool diagonal,
                                       const std::string& name) {
    const Eigen::VectorXd mean = 2.0 * stream.normals(d);
    Eigen::MatrixXd lower = Eigen::MatrixXd::Zero(d, d);
    for (Eigen::Index j = 0; j < d; ++j) {
        lower(j, j) = std::exp(2.0 * stream.uniform() - 1.0);
        for (Eigen::Index i = j + 1; i < d; ++i)
            lower(i, j) = diagonal ? 0.0 : 0.5 * stream.normal();
    }
    return model::gaussian::from_cholesky(mean, lower, name);
}

// Integral over R^d (d = 1, 2) of f(z), taken in the coordinates z = centre + L t in which the
// integrand is expected to be round; the choice affects only efficiency, never the value, so a
// poor choice shows up as disagreement, not as false agreement. Beyond |t| = 1000 every
// integrand here is below exp(-500) and is cut off, because sinh-sinh samples out to |t| ~ 1e154
// where z^2 would overflow.
inline double integrate(const std::function<double(const Eigen::VectorXd&)>& f,
                        const Eigen::VectorXd& centre, const Eigen::MatrixXd& lower) {
    using boost::math::quadrature::sinh_sinh;
    constexpr double cutoff = 1000.0;
    const double jacobian = lower.diagonal().prod(); // L is triangular
    sinh_sinh<double> outer;                         // integrate() is not const in Boost 1.74
    if (centre.size() == 1)
        return jacobian * outer.integrate(
                              [&](double t) {
                                  if (std::abs(t) > cutoff)
                                      return 0.0;
                                  return f(centre + lower * Eigen::VectorXd::Constant(1, t));
                              },
                              1e-12);
    REQUIRE(centre.size() == 2);
    sinh_sinh<double> inner;
    return jacobian * outer.integrate(
                          [&](double t0) {
                              if (std::abs(t0) > cutoff)
                                  return 0.0;
                              return inner.integrate(
                                  [&](double t1) {
                                      if (std::abs(t1) > cutoff)
                                          return 0.0;
                                      return f(centre + lower * Eigen::Vector2d(t0, t1));
                                  },
                                  1e-13);
                          },
                          1e-12);
}

// Mean of f(z), z ~ q, with its standard error.
struct estimate {
    double mean;
    double standard_error;

    // Within 6 standard errors, plus a rounding floor for integrands that are constant (e.g.
    // log q - log p(z|x) when q is the posterior), whose standard error is 0.
    bool covers(double exact) const {
        return std::abs(exact - mean) <=
               6.0 * standard_error + 1e-12 * std::max(1.0, std::abs(exact));
    }
};

// Sums are taken relative to the first value and compensated (Neumaier): a naive running sum
// of 200000 values near -19 carries rounding of order 1e-11, which would dwarf the standard
// error of an integrand that is constant up to rounding (log p(x, z) - log q(z) when q is the
// posterior) and make exact agreement look like a 6-sigma miss.
inline estimate summarize(const std::vector<double>& values) {
    const double n = static_cast<double>(values.size());
    const double origin = values.front();
    double sum = 0.0, compensation = 0.0;
    for (const double v : values) {
        const double term = v - origin;
        const double next = sum + term;
        compensation += std::abs(sum) >= std::abs(term) ? (sum - next) + term : (term - next) + sum;
        sum = next;
    }
    const double offset = (sum + compensation) / n;
    double sum_sq = 0.0;
    for (const double v : values)
        sum_sq += (v - origin - offset) * (v - origin - offset);
    return {origin + offset, std::sqrt(sum_sq / (n - 1.0) / n)};
}

} // namespace elbocheck::test_support
