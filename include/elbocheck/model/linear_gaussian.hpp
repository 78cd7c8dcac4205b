#pragma once
// The linear-Gaussian latent model
//
//     z ~ N(mu0, Sigma0),        x | z ~ N(W z + b, Psi),
//
// with z in R^d and x in R^D, for which the evidence p(x) = N(x; W mu0 + b, W Sigma0 W^T + Psi),
// the posterior p(z | x), and every term of the ELBO under a Gaussian guide q = N(m, S) are
// exact. These exact values are what the derivation checker compares each step against.
//
// Numerics. Write Sigma0 = L0 L0^T, Psi = Lp Lp^T, and z = mu0 + L0 u with u ~ N(0, I). In
// whitened units Lp^{-1}(x - b - W mu0) = G u + noise with G = Lp^{-1} W L0, so the posterior
// mean of u solves the regularized least-squares problem
//     min_u |u|^2 + |r - G u|^2  =  min_u |[I; G] u - [0; r]|^2,   r = Lp^{-1}(x - b - W mu0),
// and its precision is I + G^T G. Solving it by a QR factorization of [I; G] never forms
// I + G^T G, whose condition number is the square of that of [I; G]; for the same reason the
// Cholesky factors of the posterior and marginal covariances come from QR factorizations of
// their square roots rather than from factoring the assembled covariance.

#include "elbocheck/model/gaussian.hpp"
#include "elbocheck/model/model_error.hpp"
#include "elbocheck/model/quadratic_form.hpp"

#include <Eigen/QR>
#include <string>
#include <string_view>
#include <utility>

namespace elbocheck::model {

namespace detail {

// The lower Cholesky factor L of Y^T Y (Y has at least as many rows as columns), read off a QR
// factorization Y = Q R: Y^T Y = R^T R, so L = R^T up to the signs of its columns.
inline Eigen::MatrixXd lower_factor_of_gram(const Eigen::MatrixXd& root) {
    const Eigen::HouseholderQR<Eigen::MatrixXd> qr(root);
    const Eigen::Index k = root.cols();
    Eigen::MatrixXd lower =
        qr.matrixQR().topRows(k).triangularView<Eigen::Upper>().toDenseMatrix().transpose();
    for (Eigen::Index j = 0; j < k; ++j)
        if (lower(j, j) < 0.0)
            lower.col(j) = -lower.col(j);
    return lower;
}

} // namespace detail

class linear_gaussian {
  public:
    static linear_gaussian with_full_noise(Eigen::VectorXd mu0, const Eigen::MatrixXd& sigma0,
                                           Eigen::MatrixXd w, Eigen::VectorXd b,
                                           const Eigen::MatrixXd& psi) {
        gaussian prior = make_prior(std::move(mu0), sigma0);
        detail::require_square(psi, noise_name);
        check_observation_map(prior, w, b, psi.rows());
        return {std::move(prior), std::move(w), std::move(b),
                gaussian::from_covariance(Eigen::VectorXd::Zero(psi.rows()), psi, noise_name),
                false};
    }

    static linear_gaussian with_diagonal_noise(Eigen::VectorXd mu0, const Eigen::MatrixXd& sigma0,
                                               Eigen::MatrixXd w, Eigen::VectorXd b,
                                               const Eigen::VectorXd& psi_diagonal) {
        gaussian prior = make_prior(std::move(mu0), sigma0);
        if (psi_diagonal.size() == 0)
            throw model_error(std::string(noise_name) + " is empty (no variances)");
        check_observation_map(prior, w, b, psi_diagonal.size());
        return {std::move(prior), std::move(w), std::move(b),
                gaussian::from_variances(Eigen::VectorXd::Zero(psi_diagonal.size()), psi_diagonal,
                                         noise_name),
                true};
    }

    Eigen::Index latent_dim() const { return prior_.dim(); }
    Eigen::Index observed_dim() const { return noise_.dim(); }
    const gaussian& prior() const { return prior_; }
    const Eigen::MatrixXd& loading() const { return loading_; }
    const Eigen::VectorXd& offset() const { return offset_; }
    const Eigen::MatrixXd& noise_cholesky() const { return noise_.cholesky(); }
    Eigen::MatrixXd noise_covariance() const { return noise_.covariance(); }
    bool noise_is_diagonal() const { return noise_is_diagonal_; }

    // x = W z + b + Lp eps: the likelihood's reparameterization, used to draw observations.
    Eigen::VectorXd sample_observation(const Eigen::VectorXd& z, const Eigen::VectorXd& eps) const {
        require_latent(z, "z");
        return loading_ * z + offset_ + noise_.sample(eps);
    }

    double log_prior(const Eigen::VectorXd& z) const { return prior_.log_density(z); }

    double log_likelihood(const Eigen::VectorXd& x, const Eigen::VectorXd& z) const {
        require_observation(x);
        require_latent(z, "z");
        return noise_.log_density(x - offset_ - loading_ * z);
    }

    double log_joint(const Eigen::VectorXd& x, const Eigen::VectorXd& z) const {
        return log_likelihood(x, z) + log_prior(z);
    }

    gaussian marginal() const {
        return gaussian::from_cholesky(loading_ * prior_.mean() + offset_, marginal_lower_,
                                       "W Sigma0 W^T + Psi (marginal covariance of x)");
    }

    double log_evidence(const Eigen::VectorXd& x) const {
        require_observation(x);
        return marginal().log_density(x);
    }

    gaussian posterior(const Eigen::VectorXd& x) const {
        require_observation(x);
        const Eigen::Index d = latent_dim();
        // Least squares by QR: u = R^{-1} (Q^T [0; r]).head(d). Applying Q^T and solving with R
        // by hand rather than calling HouseholderQR::solve gives the same arithmetic and saves
        // about 3 s of compile time in every translation unit that includes this header.
        Eigen::VectorXd target = Eigen::VectorXd::Zero(d + observed_dim());
        target.tail(observed_dim()) = whitened_residual(x - loading_ * prior_.mean());
        target.applyOnTheLeft(posterior_qr_.householderQ().adjoint());
        const Eigen::VectorXd u =
            posterior_qr_.matrixQR().topRows(d).triangularView<Eigen::Upper>().solve(
                target.head(d));
        return gaussian::from_cholesky(prior_.mean() + prior_.cholesky() * u, posterior_lower_,
                                       "posterior covariance of z given x");
    }

    double log_posterior(const Eigen::VectorXd& z, const Eigen::VectorXd& x) const {
        return posterior(x).log_density(z);
    }

    // log p(x | z) = -1/2 (D log 2 pi + log|Psi| + |r - Wh z|^2) with Wh = Lp^{-1} W and
    // r = Lp^{-1}(x - b), so A = Wh^T Wh, g = Wh^T r.
    quadratic_form log_likelihood_form(const Eigen::VectorXd& x) const {
        require_observation(x);
        const Eigen::VectorXd r = whitened_residual(x);
        const double constant = -0.5 * (static_cast<double>(observed_dim()) * detail::log_two_pi +
                                        noise_.log_det_covariance() + r.squaredNorm());
        return {constant, whitened_loading_.transpose() * r,
                whitened_loading_.transpose() * whitened_loading_};
    }

    quadratic_form log_prior_form() const { return quadratic_form::log_density_of(prior_); }

    quadratic_form log_joint_form(const Eigen::VectorXd& x) const {
        return log_likelihood_form(x) + log_prior_form();
    }

    quadratic_form log_posterior_form(const Eigen::VectorXd& x) const {
        return quadratic_form::log_density_of(posterior(x));
    }

    // E_q |Lp^{-1}(x - b - W z)|^2 = |Lp^{-1}(x - b - W m)|^2 + |Wh Lq|_F^2.
    double expected_log_likelihood(const Eigen::VectorXd& x, const gaussian& q) const {
        require_observation(x);
        require_guide(q);
        const Eigen::VectorXd r = whitened_residual(x - loading_ * q.mean());
        return -0.5 * (static_cast<double>(observed_dim()) * detail::log_two_pi +
                       noise_.log_det_covariance() + r.squaredNorm() +
                       (whitened_loading_ * q.cholesky()).squaredNorm());
    }

    // Computed directly (not as -H(q) - KL(q || p)) so the tests can hold the decompositions
    // of the ELBO against each other.
    double expected_log_prior(const gaussian& q) const {
        require_guide(q);
        const auto lower0 = prior_.cholesky().triangularView<Eigen::Lower>();
        return -0.5 *
               (static_cast<double>(latent_dim()) * detail::log_two_pi +
                prior_.log_det_covariance() + lower0.solve(q.mean() - prior_.mean()).squaredNorm() +
                lower0.solve(q.cholesky()).squaredNorm());
    }

    double expected_log_guide(const gaussian& q) const {
        require_guide(q);
        return -q.entropy();
    }

    double kl_to_prior(const gaussian& q) const {
        require_guide(q);
        return kl_divergence(q, prior_);
    }

    double kl_to_posterior(const Eigen::VectorXd& x, const gaussian& q) const {
        require_guide(q);
        return kl_divergence(q, posterior(x));
    }

    // E_q[log p(x|z)] - KL(q || p(z)): the form whose KL term is exact (estimator B of Kingma &
    // Welling), which avoids the cancellation between E_q[log p(z)] and the entropy.
    double elbo(const Eigen::VectorXd& x, const gaussian& q) const {
        return expected_log_likelihood(x, q) - kl_to_prior(q);
    }

  private:
    static constexpr std::string_view prior_name = "Sigma0 (prior covariance)";
    static constexpr std::string_view noise_name = "Psi (noise covariance)";
    static constexpr std::string_view loading_name = "W (loading matrix)";

    linear_gaussian(gaussian prior, Eigen::MatrixXd w, Eigen::VectorXd b, gaussian noise,
                    bool noise_is_diagonal)
        : prior_(std::move(prior))
        , loading_(std::move(w))
        , offset_(std::move(b))
        , noise_(std::move(noise))
        , noise_is_diagonal_(noise_is_diagonal)
        , whitened_loading_(noise_.cholesky().triangularView<Eigen::Lower>().solve(loading_)) {
        const Eigen::Index d = latent_dim();
        const Eigen::Index obs = observed_dim();
        const Eigen::MatrixXd& lower0 = prior_.cholesky();

        Eigen::MatrixXd stacked(d + obs, d);
        stacked.topRows(d).setIdentity();
        stacked.bottomRows(obs) = whitened_loading_ * lower0;
        posterior_qr_.compute(stacked);

        // Posterior covariance L0 (R^T R)^{-1} L0^T = Y^T Y with Y = R^{-T} L0^T.
        const Eigen::MatrixXd r_factor =
            posterior_qr_.matrixQR().topRows(d).triangularView<Eigen::Upper>();
        const Eigen::MatrixXd root =
            r_factor.transpose().triangularView<Eigen::Lower>().solve(lower0.transpose());
        posterior_lower_ = detail::lower_factor_of_gram(root);

        // Marginal covariance W L0 (W L0)^T + Lp Lp^T = Y^T Y with Y = [W L0, Lp]^T.
        Eigen::MatrixXd marginal_root(d + obs, obs);
        marginal_root.topRows(d) = (loading_ * lower0).transpose();
        marginal_root.bottomRows(obs) = noise_.cholesky().transpose();
        marginal_lower_ = detail::lower_factor_of_gram(marginal_root);
    }

    static gaussian make_prior(Eigen::VectorXd mu0, const Eigen::MatrixXd& sigma0) {
        detail::require_square(sigma0, prior_name);
        detail::require_size(mu0, sigma0.rows(), "mu0 (prior mean)",
                             std::string(prior_name) + " is " +
                                 detail::format_shape(sigma0.rows(), sigma0.cols()));
        detail::require_finite(mu0, "mu0 (prior mean)");
        return gaussian::from_covariance(std::move(mu0), sigma0, prior_name);
    }

    static void check_observation_map(const gaussian& prior, const Eigen::MatrixXd& w,
                                      const Eigen::VectorXd& b, Eigen::Index observed) {
        if (w.cols() != prior.dim() || w.rows() != observed)
            throw model_error(
                std::string(loading_name) + " is " + detail::format_shape(w.rows(), w.cols()) +
                " but must be " + detail::format_shape(observed, prior.dim()) +
                " (D x d): Psi (noise covariance) is " + detail::format_shape(observed, observed) +
                " and Sigma0 (prior covariance) is " +
                detail::format_shape(prior.dim(), prior.dim()));
        detail::require_finite(w, loading_name);
        detail::require_size(b, observed, "b (observation offset)",
                             "Psi (noise covariance) is " +
                                 detail::format_shape(observed, observed));
        detail::require_finite(b, "b (observation offset)");
    }

    // Lp^{-1}(target - b): a residual of the observation map in units of the noise.
    Eigen::VectorXd whitened_residual(const Eigen::VectorXd& target) const {
        return noise_.cholesky().triangularView<Eigen::Lower>().solve(target - offset_);
    }

    void require_observation(const Eigen::VectorXd& x) const {
        detail::require_size(x, observed_dim(), "x (observation)",
                             "the model observes D = " + std::to_string(observed_dim()));
        detail::require_finite(x, "x (observation)");
    }

    void require_latent(const Eigen::VectorXd& z, std::string_view name) const {
        detail::require_size(z, latent_dim(), name,
                             "the latent dimension is d = " + std::to_string(latent_dim()));
        detail::require_finite(z, name);
    }

    void require_guide(const gaussian& q) const {
        if (q.dim() != latent_dim())
            throw model_error(
                "the guide (" + q.name() + ") is " + std::to_string(q.dim()) +
                "-dimensional but the latent dimension is d = " + std::to_string(latent_dim()));
    }

    gaussian prior_;
    Eigen::MatrixXd loading_;
    Eigen::VectorXd offset_;
    gaussian noise_;
    bool noise_is_diagonal_;
    Eigen::MatrixXd whitened_loading_; // Lp^{-1} W
    Eigen::HouseholderQR<Eigen::MatrixXd> posterior_qr_;
    Eigen::MatrixXd posterior_lower_;
    Eigen::MatrixXd marginal_lower_;
};

} // namespace elbocheck::model
