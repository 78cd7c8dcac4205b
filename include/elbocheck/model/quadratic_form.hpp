#pragma once
// The quadratic-form calculus: functions of z in R^d of the form
//
//     f(z) = c + g^T z - 1/2 z^T A z,        A symmetric.
//
// Sign convention: the quadratic term carries -1/2 so that a Gaussian log-density
// log N(z; mu, Sigma) has A = Sigma^{-1} (its precision) and g = Sigma^{-1} mu — the natural
// parameters of the Gaussian. (DESIGN.md writes the same thing as c + g^T z + 1/2 z^T H z with
// H = -A.) Log-densities of Gaussians and their sums and differences stay in this family, so
// every term of an ELBO derivation under a linear-Gaussian model has an exact expectation.
//
// All expectations under q = N(m, S = L L^T) are taken in whitened coordinates z = m + L e,
// e ~ N(0, I), where
//     f(m + L e) = f(m) + h^T e - 1/2 e^T B e,   h = L^T (g - A m),  B = L^T A L.
// From the moments of e: E[e] = 0, E[e e^T] = I, odd moments vanish,
// Var(e^T B e) = 2 tr(B^2):
//     E_q[f]          = f(m) - 1/2 tr B
//     Var_q[f]        = |h|^2 + 1/2 tr(B^2)          (the cross term is an odd moment)
//     log E_q[exp f]  = f(m) - 1/2 log|I + B| + 1/2 h^T (I + B)^{-1} h,
// the last finite exactly when I + B (congruent to S^{-1} + A) is positive definite.

#include "elbocheck/model/gaussian.hpp"
#include "elbocheck/model/model_error.hpp"

#include <Eigen/Cholesky>
#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <utility>

namespace elbocheck::model {

// log E_q[exp f]: a value when the Gaussian integral exists, otherwise the reason it does not.
struct log_expectation_result {
    std::optional<double> value;
    std::string diverges_because; // empty when value is set

    bool converges() const { return value.has_value(); }
};

class quadratic_form {
  public:
    quadratic_form(double constant, Eigen::VectorXd linear, Eigen::MatrixXd quadratic)
        : constant_(constant)
        , linear_(std::move(linear))
        , quadratic_(std::move(quadratic)) {
        detail::require_square(quadratic_, "A (quadratic coefficient)");
        detail::require_size(linear_, quadratic_.rows(), "g (linear coefficient)",
                             "A (quadratic coefficient) is " +
                                 detail::format_shape(quadratic_.rows(), quadratic_.cols()));
        if (!std::isfinite(constant_))
            throw model_error("c (constant coefficient) is not finite (" +
                              detail::format_number(constant_) + ")");
        detail::require_finite(linear_, "g (linear coefficient)");
        detail::require_finite(quadratic_, "A (quadratic coefficient)");
        detail::require_symmetric(quadratic_, "A (quadratic coefficient)");
        quadratic_ = 0.5 * (quadratic_ + quadratic_.transpose()).eval();
    }

    static quadratic_form zero(Eigen::Index dim) {
        return {0.0, Eigen::VectorXd::Zero(dim), Eigen::MatrixXd::Zero(dim, dim)};
    }

    // log N(z; mu, Sigma) = -1/2 (d log 2 pi + log|Sigma| + mu^T P mu) + (P mu)^T z - 1/2 z^T P z
    // with P = Sigma^{-1}; P mu is formed as L^{-T}(L^{-1} mu) so no inverse is multiplied twice.
    static quadratic_form log_density_of(const gaussian& density) {
        const auto lower = density.cholesky().triangularView<Eigen::Lower>();
        const Eigen::VectorXd whitened_mean = lower.solve(density.mean());
        Eigen::VectorXd linear = lower.transpose().solve(whitened_mean);
        const double constant = -0.5 * (static_cast<double>(density.dim()) * detail::log_two_pi +
                                        density.log_det_covariance() + whitened_mean.squaredNorm());
        return {constant, std::move(linear), density.precision()};
    }

    Eigen::Index dim() const { return linear_.size(); }
    double constant() const { return constant_; }
    const Eigen::VectorXd& linear() const { return linear_; }
    const Eigen::MatrixXd& quadratic() const { return quadratic_; }

    double operator()(const Eigen::VectorXd& z) const {
        detail::require_size(z, dim(), "z",
                             "the quadratic form has " + std::to_string(dim()) + " variables");
        detail::require_finite(z, "z");
        return constant_ + linear_.dot(z) - 0.5 * z.dot(quadratic_ * z);
    }

    quadratic_form& operator+=(const quadratic_form& other) {
        require_same_dim(other, "add");
        constant_ += other.constant_;
        linear_ += other.linear_;
        quadratic_ += other.quadratic_;
        return *this;
    }
    quadratic_form& operator-=(const quadratic_form& other) {
        require_same_dim(other, "subtract");
        constant_ -= other.constant_;
        linear_ -= other.linear_;
        quadratic_ -= other.quadratic_;
        return *this;
    }
    quadratic_form& operator*=(double factor) {
        if (!std::isfinite(factor))
            throw model_error("cannot scale a quadratic form by a non-finite factor (" +
                              detail::format_number(factor) + ")");
        constant_ *= factor;
        linear_ *= factor;
        quadratic_ *= factor;
        return *this;
    }
    quadratic_form& operator+=(double shift) {
        if (!std::isfinite(shift))
            throw model_error("cannot add a non-finite constant (" + detail::format_number(shift) +
                              ") to a quadratic form");
        constant_ += shift;
        return *this;
    }
    quadratic_form& operator-=(double shift) { return *this += -shift; }

    friend quadratic_form operator+(quadratic_form a, const quadratic_form& b) { return a += b; }
    friend quadratic_form operator-(quadratic_form a, const quadratic_form& b) { return a -= b; }
    friend quadratic_form operator-(quadratic_form a) { return a *= -1.0; }
    friend quadratic_form operator*(quadratic_form a, double factor) { return a *= factor; }
    friend quadratic_form operator*(double factor, quadratic_form a) { return a *= factor; }
    friend quadratic_form operator+(quadratic_form a, double shift) { return a += shift; }
    friend quadratic_form operator-(quadratic_form a, double shift) { return a -= shift; }

    double expectation_under(const gaussian& q) const {
        const whitened w = whiten_under(q);
        return w.value_at_mean - 0.5 * w.curvature.trace();
    }

    double variance_under(const gaussian& q) const {
        const whitened w = whiten_under(q);
        return w.slope.squaredNorm() + 0.5 * w.curvature.squaredNorm();
    }

    // Completing the square in e: the integrand is exp(f(m)) N(e; 0, I) exp(h^T e - 1/2 e^T B e)
    // = exp(f(m)) (2 pi)^{-d/2} exp(-1/2 e^T (I + B) e + h^T e), a Gaussian integral when
    // I + B = K K^T is positive definite.
    log_expectation_result log_expectation_of_exp_under(const gaussian& q) const {
        const whitened w = whiten_under(q);
        const Eigen::MatrixXd precision = Eigen::MatrixXd::Identity(dim(), dim()) + w.curvature;
        const Eigen::LLT<Eigen::MatrixXd> llt(precision);
        // Below this reciprocal condition number the smallest eigenvalue of I + B is within
        // rounding of zero, and a finite answer would be rounding noise, not the integral.
        constexpr double singular_rcond = 64.0 * std::numeric_limits<double>::epsilon();
        if (llt.info() != Eigen::Success || !(llt.rcond() > singular_rcond))
            return {std::nullopt,
                    "E_q[exp f] diverges: S^{-1} + A is not positive definite (with S the "
                    "covariance of " +
                        q.name() +
                        "), so exp f grows at least as fast as q decays along some direction"};
        const Eigen::MatrixXd factor = llt.matrixL();
        const Eigen::VectorXd shifted = factor.triangularView<Eigen::Lower>().solve(w.slope);
        const double log_det = 2.0 * factor.diagonal().array().log().sum();
        return {w.value_at_mean - 0.5 * log_det + 0.5 * shifted.squaredNorm(), {}};
    }

  private:
    struct whitened {
        double value_at_mean;
        Eigen::VectorXd slope;     // h = L^T (g - A m), the gradient at m in whitened units
        Eigen::MatrixXd curvature; // B = L^T A L
    };

    whitened whiten_under(const gaussian& q) const {
        if (q.dim() != dim())
            throw model_error("cannot take an expectation of a quadratic form in " +
                              std::to_string(dim()) + " variables under a " +
                              std::to_string(q.dim()) + "-dimensional Gaussian (" + q.name() + ")");
        const Eigen::MatrixXd& lower = q.cholesky();
        const Eigen::VectorXd& mean = q.mean();
        const Eigen::VectorXd gradient = linear_ - quadratic_ * mean;
        const Eigen::MatrixXd half = quadratic_ * lower;
        Eigen::MatrixXd curvature = lower.transpose() * half;
        curvature = 0.5 * (curvature + curvature.transpose()).eval();
        return {constant_ + linear_.dot(mean) - 0.5 * mean.dot(quadratic_ * mean),
                lower.transpose() * gradient, std::move(curvature)};
    }

    void require_same_dim(const quadratic_form& other, const char* verb) const {
        if (other.dim() != dim())
            throw model_error(std::string("cannot ") + verb + " quadratic forms in " +
                              std::to_string(dim()) + " and " + std::to_string(other.dim()) +
                              " variables");
    }

    double constant_;
    Eigen::VectorXd linear_;
    Eigen::MatrixXd quadratic_;
};

} // namespace elbocheck::model
