#pragma once
// A multivariate normal N(mu, Sigma), held by the lower Cholesky factor L of Sigma (L L^T = Sigma).
//
// Every quantity is computed from L by triangular solves: the Mahalanobis term
// (z - mu)^T Sigma^{-1} (z - mu) is |L^{-1}(z - mu)|^2 and log|Sigma| is 2 sum log L_ii. A
// triangular solve is backward stable; multiplying by a computed inverse is not, and on an
// ill-conditioned covariance it loses digits the 1e-9 checks need.

#include "elbocheck/model/model_error.hpp"

#include <Eigen/Cholesky>
#include <cmath>
#include <string>
#include <string_view>
#include <utility>

namespace elbocheck::model {

namespace detail {

inline constexpr double log_two_pi = 1.8378770664093454835606594728112353; // log(2 pi)

// The Cholesky factorization of a covariance, rejecting one that is not positive definite or
// too ill-conditioned to trust (see max_trusted_condition_number). The condition number is
// LAPACK's dpocon estimate in the 1-norm, which comes almost free with the factorization; it is
// within a factor d of the 2-norm condition number, and the estimator seldom misses by more than
// a small factor, which is immaterial against a threshold set four orders of magnitude below
// the point (1e16) where double precision gives up.
//
// `from_factor` says the covariance was assembled as L L^T from a valid factor, so a failed
// factorization means "singular to working precision", not "indefinite".
inline Eigen::LLT<Eigen::MatrixXd> trusted_cholesky(const Eigen::MatrixXd& covariance,
                                                    std::string_view name, bool from_factor) {
    Eigen::LLT<Eigen::MatrixXd> llt(covariance);
    if (llt.info() != Eigen::Success)
        throw model_error(concat(name, from_factor ? " is too ill-conditioned to trust: it is "
                                                     "singular to working precision"
                                                   : " is not positive definite"));
    const double reciprocal_condition = llt.rcond();
    if (!(reciprocal_condition * max_trusted_condition_number >= 1.0))
        throw model_error(concat(name, " is too ill-conditioned to trust: condition number " +
                                           format_number(1.0 / reciprocal_condition) + " exceeds " +
                                           format_number(max_trusted_condition_number)));
    return llt;
}

} // namespace detail

class gaussian {
  public:
    // `name` names the covariance in error messages, e.g. "S (guide covariance)".
    static gaussian from_covariance(Eigen::VectorXd mean, const Eigen::MatrixXd& covariance,
                                    std::string_view name) {
        detail::require_square(covariance, name);
        detail::require_finite(covariance, name);
        detail::require_symmetric(covariance, name);
        return gaussian(std::move(mean),
                        detail::trusted_cholesky(covariance, name, false).matrixL(), name);
    }

    static gaussian from_variances(Eigen::VectorXd mean, const Eigen::VectorXd& variances,
                                   std::string_view name) {
        if (variances.size() == 0)
            throw model_error(detail::concat(name, " is empty (no variances)"));
        detail::require_finite(variances, name);
        for (Eigen::Index i = 0; i < variances.size(); ++i)
            if (!(variances(i) > 0.0))
                throw model_error(detail::concat(name, " is not positive definite: variance " +
                                                           std::to_string(i) + " is " +
                                                           detail::format_number(variances(i))));
        const double condition = variances.maxCoeff() / variances.minCoeff();
        if (condition > max_trusted_condition_number)
            throw model_error(
                detail::concat(name, " is too ill-conditioned to trust: condition number " +
                                         detail::format_number(condition) + " exceeds " +
                                         detail::format_number(max_trusted_condition_number)));
        return gaussian(std::move(mean), Eigen::MatrixXd(variances.cwiseSqrt().asDiagonal()), name);
    }

    // `lower` must be lower triangular with a positive diagonal (the unique Cholesky factor).
    static gaussian from_cholesky(Eigen::VectorXd mean, Eigen::MatrixXd lower,
                                  std::string_view name) {
        const std::string factor_name = "the Cholesky factor of " + std::string(name);
        detail::require_square(lower, factor_name);
        detail::require_finite(lower, factor_name);
        for (Eigen::Index j = 1; j < lower.cols(); ++j)
            for (Eigen::Index i = 0; i < j; ++i)
                if (lower(i, j) != 0.0)
                    throw model_error(factor_name + " is not lower triangular: entry " +
                                      detail::format_entry(i, j) + " is " +
                                      detail::format_number(lower(i, j)));
        for (Eigen::Index i = 0; i < lower.rows(); ++i)
            if (!(lower(i, i) > 0.0))
                throw model_error(detail::concat(
                    name, " is not positive definite: its Cholesky factor has diagonal entry " +
                              detail::format_entry(i, i) + " = " +
                              detail::format_number(lower(i, i))));
        // The factor is valid by construction; refactoring L L^T only serves to estimate the
        // condition number the same way as for a covariance given in full.
        detail::trusted_cholesky(lower * lower.transpose(), name, true);
        return gaussian(std::move(mean), std::move(lower), name);
    }

    static gaussian standard_normal(Eigen::Index dim) {
        return from_cholesky(Eigen::VectorXd::Zero(dim), Eigen::MatrixXd::Identity(dim, dim),
                             "I (standard normal covariance)");
    }

    Eigen::Index dim() const { return mean_.size(); }
    const Eigen::VectorXd& mean() const { return mean_; }
    const Eigen::MatrixXd& cholesky() const { return lower_; }
    const std::string& name() const { return name_; }
    Eigen::MatrixXd covariance() const { return lower_ * lower_.transpose(); }
    double log_det_covariance() const { return log_det_; }

    // Standardized coordinates L^{-1}(z - mu): N(0, I) distributed when z ~ this Gaussian.
    Eigen::VectorXd whiten(const Eigen::VectorXd& z) const {
        require_point(z, "z");
        return lower_.triangularView<Eigen::Lower>().solve(z - mean_);
    }

    // Sigma^{-1} = L^{-T} L^{-1}, built from a triangular solve against the identity. Only the
    // quadratic-form calculus needs the precision as a matrix; everything else avoids it.
    Eigen::MatrixXd precision() const {
        const Eigen::MatrixXd inverse_factor =
            lower_.triangularView<Eigen::Lower>().solve(Eigen::MatrixXd::Identity(dim(), dim()));
        return inverse_factor.transpose() * inverse_factor;
    }

    double log_density(const Eigen::VectorXd& z) const {
        return -0.5 * (static_cast<double>(dim()) * detail::log_two_pi + log_det_ +
                       whiten(z).squaredNorm());
    }

    double entropy() const {
        return 0.5 * (static_cast<double>(dim()) * (1.0 + detail::log_two_pi) + log_det_);
    }

    // The reparameterization z = mu + L eps; eps is the caller's so the RNG stays the caller's.
    Eigen::VectorXd sample(const Eigen::VectorXd& eps) const {
        require_point(eps, "eps");
        return mean_ + lower_.triangularView<Eigen::Lower>() * eps;
    }

  private:
    gaussian(Eigen::VectorXd mean, Eigen::MatrixXd lower, std::string_view name)
        : mean_(std::move(mean))
        , lower_(std::move(lower))
        , name_(name) {
        detail::require_size(mean_, lower_.rows(), "the mean paired with " + name_,
                             name_ + " is " + detail::format_shape(lower_.rows(), lower_.cols()));
        detail::require_finite(mean_, "the mean paired with " + name_);
        log_det_ = 2.0 * lower_.diagonal().array().log().sum();
    }

    void require_point(const Eigen::VectorXd& point, std::string_view point_name) const {
        detail::require_size(point, dim(), point_name,
                             "the Gaussian with " + name_ + " has dimension " +
                                 std::to_string(dim()));
        detail::require_finite(point, point_name);
    }

    Eigen::VectorXd mean_;
    Eigen::MatrixXd lower_;
    std::string name_;
    double log_det_ = 0.0;
};

// KL(a || b) = 1/2 [tr(Sb^{-1} Sa) + |Lb^{-1}(mu_a - mu_b)|^2 - d + log|Sb| - log|Sa|].
// With M = Lb^{-1} La (lower triangular, diagonal La_ii / Lb_ii) the trace is |M|_F^2 and the
// log-determinant difference is -2 sum log M_ii, so the divergence regroups into
//   1/2 [sum_i (M_ii^2 - 1 - log M_ii^2) + sum_{i>j} M_ij^2 + |delta|^2],
// a sum of non-negative terms. That keeps KL(q || posterior) at rounding level when q is the
// posterior, instead of the difference of large traces and log-determinants.
inline double kl_divergence(const gaussian& a, const gaussian& b) {
    if (a.dim() != b.dim())
        throw model_error("KL divergence between Gaussians of different dimensions: " + a.name() +
                          " is " + std::to_string(a.dim()) + "-dimensional but " + b.name() +
                          " is " + std::to_string(b.dim()) + "-dimensional");
    const auto lower_b = b.cholesky().triangularView<Eigen::Lower>();
    const Eigen::MatrixXd ratio = lower_b.solve(a.cholesky());
    const Eigen::VectorXd delta = lower_b.solve(a.mean() - b.mean());
    double sum = delta.squaredNorm();
    for (Eigen::Index j = 0; j < ratio.cols(); ++j) {
        // r - 1 is exact near r = 1 (Sterbenz), so (r-1)(r+1) - 2 log1p(r-1) loses nothing
        // to cancellation beyond the size of the result itself.
        const double r = ratio(j, j);
        sum += (r - 1.0) * (r + 1.0) - 2.0 * std::log1p(r - 1.0);
        for (Eigen::Index i = j + 1; i < ratio.rows(); ++i)
            sum += ratio(i, j) * ratio(i, j);
    }
    return 0.5 * sum;
}

// -KL(N(mu, diag sigma2) || N(0, I)) = 1/2 sum (1 + log sigma2 - mu^2 - sigma2): the closed
// form of Kingma & Welling (2014), Appendix B, kept separate so tests can hold it against the
// general formula above.
inline double kingma_welling_negative_kl(const Eigen::VectorXd& mu, const Eigen::VectorXd& sigma2) {
    detail::require_size(sigma2, mu.size(), "sigma2 (guide variances)",
                         "mu (guide mean) has " + std::to_string(mu.size()));
    detail::require_finite(mu, "mu (guide mean)");
    detail::require_finite(sigma2, "sigma2 (guide variances)");
    for (Eigen::Index i = 0; i < sigma2.size(); ++i)
        if (!(sigma2(i) > 0.0))
            throw model_error("sigma2 (guide variances) is not positive: entry " +
                              std::to_string(i) + " is " + detail::format_number(sigma2(i)));
    return 0.5 * (1.0 + sigma2.array().log() - mu.array().square() - sigma2.array()).sum();
}

} // namespace elbocheck::model
