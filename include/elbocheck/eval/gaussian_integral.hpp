#pragma once
// Integrals of exp(Q(z)) R(z) over all of R^d (Lebesgue measure), Q and R quadratic forms.
// With Q = c + g^T z - 1/2 z^T A z and A = L L^T positive definite, exp(Q) is an unnormalized
// Gaussian with mean mu = A^{-1} g and covariance A^{-1}:
//     log int exp(Q) dz  = c + 1/2 g^T mu + d/2 log(2 pi) - 1/2 log|A|,
//     int exp(Q) R dz    = (int exp(Q) dz) * (R(mu) - 1/2 tr(A^{-1} A_R)).
// Only triangular solves with L are used. An A that is not positive definite (or is singular
// to working precision) makes the integral diverge, which is reported, never papered over.

#include "elbocheck/model/quadratic_form.hpp"

#include <Eigen/Cholesky>
#include <cmath>
#include <limits>
#include <optional>
#include <string>

namespace elbocheck::eval {

struct gaussian_integral {
    bool converges = false;
    double log_mass = 0.0;       // log int exp(Q) dz
    double mean_of_factor = 0.0; // E[R] under the normalized exp(Q)
    std::string diverges_because;
};

inline gaussian_integral integrate_exp_times(const model::quadratic_form& log_weight,
                                             const model::quadratic_form& factor) {
    const Eigen::Index d = log_weight.dim();
    const Eigen::LLT<Eigen::MatrixXd> llt(log_weight.quadratic());
    constexpr double singular_rcond = 64.0 * std::numeric_limits<double>::epsilon();
    if (llt.info() != Eigen::Success || !(llt.rcond() > singular_rcond))
        return {false, 0.0, 0.0,
                "the integrand does not decay in every direction of z (its quadratic "
                "coefficient is not negative definite), so the integral diverges"};
    const auto lower = llt.matrixL();
    const Eigen::VectorXd whitened_slope = lower.solve(log_weight.linear());
    const Eigen::VectorXd mean = lower.transpose().solve(whitened_slope);
    const double log_det = 2.0 * llt.matrixLLT().diagonal().array().log().sum();
    constexpr double log_two_pi = 1.8378770664093454835606594728112353;
    gaussian_integral out;
    out.converges = true;
    out.log_mass = log_weight.constant() + 0.5 * whitened_slope.squaredNorm() +
                   0.5 * static_cast<double>(d) * log_two_pi - 0.5 * log_det;
    // tr(A^{-1} A_R) = tr(L^{-1} A_R L^{-T})
    const Eigen::MatrixXd left = lower.solve(factor.quadratic());
    const Eigen::MatrixXd both = lower.solve(left.transpose());
    out.mean_of_factor = factor(mean) - 0.5 * both.trace();
    return out;
}

} // namespace elbocheck::eval
