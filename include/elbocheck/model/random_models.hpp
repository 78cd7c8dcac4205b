#pragma once
// Reproducible random linear-Gaussian models, observations and guides: one model can make a
// wrong identity look right, so every identity is checked on many of these.
//
// Instance `index` of seed `seed` is a pure function of (seed, index): its random numbers come
// from a Philox counter-based generator keyed by exactly that pair, so a failing instance can be
// rebuilt alone, in any order, on any standard library (std::normal_distribution's output is
// implementation-defined; Philox followed by Box-Muller is not).
//
// The discrete features of an instance follow from the index by residues with coprime moduli,
// so any run of consecutive indices covers them all:
//     d - 1          = index mod 8,
//     D - 1          = (index / 8) mod 8          (every (d, D) pair in each block of 64),
//     guide          = index mod 7                (prior, posterior, near full, near diagonal,
//                                                  far, wide at the likelihood's peak, wide and
//                                                  shifted),
//     Sigma0         = index mod 3                (condition ~1..10, 1e3, 1e6),
//     Psi            = index mod 11               (0..6: diagonal or full, condition ~1..10,
//                                                  1e3, 1e6, noise scale 1/20..1; 7..10: small
//                                                  observations, diagonal or full, ~1..10).
// Condition numbers stop at 1e6, well inside max_trusted_condition_number, and the scales are
// chosen so that the derived posterior and marginal covariances stay trusted too.
//
// The small-observation regimes exist because wrong claims can hide behind a narrow family: a
// density is not a probability, and log p(x) <= 0, E_q[log p(x|z)] <= 0 or "ELBO <= -KL(q ||
// p(z|x))" (log p(x) dropped) are true on every model whose evidence density is below 1. With x
// measured in units 20..100 times smaller (W, b and the noise's standard deviation scaled
// together), with the standard noise or with noise variances of 1e-3..1e-2 in those units, p(x)
// exceeds 1 on most of them (when D <= d a density above 1 needs a small W Sigma0 W^T + Psi, not
// only a small Psi). The wide guides (3..10 prior standard deviations, centred where the likelihood
// peaks, or shifted from there) make E_q[q / p(z)] and E_q[q / p(z|x)] diverge and reverse the sign
// of E_q[log p(x|z)] - log p(x) against the near guides, which refutes claims that happen to hold
// for guides no wider than the prior.

#include "elbocheck/model/gaussian.hpp"
#include "elbocheck/model/linear_gaussian.hpp"

#include <Eigen/QR>
#include <Random123/boxmuller.hpp>
#include <Random123/philox.h>
#include <Random123/uniform.hpp>
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <string>
#include <utility>

namespace elbocheck::model {

// Standard normals and uniforms from Philox4x64-10 keyed by (seed, stream), counter = block
// number; Box-Muller turns each pair of 64-bit words into two normals.
class philox_stream {
  public:
    philox_stream(std::uint64_t seed, std::uint64_t stream)
        : key_{{seed, stream}} {}

    // Uniform on (0, 1], never 0, so log(uniform()) is always finite.
    double uniform() { return r123::u01<double>(next_word()); }

    double normal() {
        if (has_spare_) {
            has_spare_ = false;
            return spare_;
        }
        const std::uint64_t first = next_word();
        const std::uint64_t second = next_word();
        const r123::double2 pair = r123::boxmuller(first, second);
        spare_ = pair.y;
        has_spare_ = true;
        return pair.x;
    }

    Eigen::VectorXd normals(Eigen::Index n) {
        Eigen::VectorXd values(n);
        for (Eigen::Index i = 0; i < n; ++i)
            values(i) = normal();
        return values;
    }

    Eigen::MatrixXd normal_matrix(Eigen::Index rows, Eigen::Index cols) {
        Eigen::MatrixXd values(rows, cols);
        for (Eigen::Index j = 0; j < cols; ++j)
            for (Eigen::Index i = 0; i < rows; ++i)
                values(i, j) = normal();
        return values;
    }

    // exp of a uniform on [log lo, log hi]: scales spread evenly over orders of magnitude.
    double log_uniform(double lo, double hi) {
        return std::exp(std::log(lo) + (std::log(hi) - std::log(lo)) * uniform());
    }

  private:
    std::uint64_t next_word() {
        if (used_ == block_.size()) {
            const r123::Philox4x64::ctr_type counter{{block_number_++, 0, 0, 0}};
            const r123::Philox4x64::ctr_type block = r123::Philox4x64{}(counter, key_);
            std::copy(block.begin(), block.end(), block_.begin());
            used_ = 0;
        }
        return block_[used_++];
    }

    r123::Philox4x64::key_type key_;
    std::uint64_t block_number_ = 0;
    std::array<std::uint64_t, 4> block_{};
    std::size_t used_ = 4;
    double spare_ = 0.0;
    bool has_spare_ = false;
};

enum class guide_kind {
    prior,
    posterior,
    near_full,
    near_diagonal,
    far,
    wide_at_likelihood_peak,
    wide_shifted
};
enum class conditioning { well, moderate, ill };
// standard: noise eigenvalues 1/20..1. small_units: x measured in units 20..100 times smaller
// (W and b scaled by the unit, the noise's eigenvalues by its square): the posterior of a
// standard model, a larger evidence density. small_noise: the same units, and noise eigenvalues
// of 1e-3..1e-2 before scaling (a sharp likelihood, a narrow posterior).
enum class observation_scale { standard, small_noise, small_units };

struct instance_recipe {
    Eigen::Index latent_dim;
    Eigen::Index observed_dim;
    guide_kind guide;
    conditioning prior_conditioning;
    conditioning noise_conditioning;
    bool diagonal_noise;
    observation_scale observations = observation_scale::standard;
};

inline constexpr std::uint64_t guide_kind_count = 7;

struct model_instance {
    linear_gaussian model;
    Eigen::VectorXd x;
    gaussian guide;
    std::string description;
};

inline constexpr std::uint64_t default_model_seed = 20140101; // Kingma & Welling's arXiv year

inline instance_recipe recipe_for(std::uint64_t index) {
    constexpr guide_kind guides[guide_kind_count] = {
        guide_kind::prior,         guide_kind::posterior, guide_kind::near_full,
        guide_kind::near_diagonal, guide_kind::far,       guide_kind::wide_at_likelihood_peak,
        guide_kind::wide_shifted};
    constexpr conditioning levels[] = {conditioning::well, conditioning::moderate,
                                       conditioning::ill};
    const std::uint64_t noise = index % 11;
    // 0,1 well; 2,3 moderate; 4,5 ill; 6 well; 7..10 small observations, well-conditioned (a
    // noise condition of 1e3 with eigenvalues near 1e-3 would push the posterior's past 1e10).
    const observation_scale observations = noise < 7   ? observation_scale::standard
                                           : noise < 9 ? observation_scale::small_noise
                                                       : observation_scale::small_units;
    return {static_cast<Eigen::Index>(1 + index % 8),
            static_cast<Eigen::Index>(1 + (index / 8) % 8),
            guides[index % guide_kind_count],
            levels[index % 3],
            noise < 7 ? levels[noise / 2 % 3] : conditioning::well,
            noise % 2 == 0,
            observations};
}

namespace detail {

inline const char* describe(guide_kind kind) {
    switch (kind) {
    case guide_kind::prior:
        return "guide = prior";
    case guide_kind::posterior:
        return "guide = exact posterior";
    case guide_kind::near_full:
        return "guide near the posterior (full S)";
    case guide_kind::near_diagonal:
        return "guide near the posterior (diagonal S)";
    case guide_kind::far:
        return "guide far from prior and posterior";
    case guide_kind::wide_at_likelihood_peak:
        return "guide much wider than the prior, at the likelihood's peak";
    case guide_kind::wide_shifted:
        return "guide much wider than the prior, shifted from the likelihood's peak";
    }
    return "";
}

inline const char* describe(observation_scale scale) {
    switch (scale) {
    case observation_scale::standard:
        return "";
    case observation_scale::small_noise:
        return " small noise";
    case observation_scale::small_units:
        return " small units";
    }
    return "";
}

inline double condition_number_of(conditioning level, philox_stream& stream) {
    switch (level) {
    case conditioning::well:
        return stream.log_uniform(1.0, 10.0);
    case conditioning::moderate:
        return 1e3;
    case conditioning::ill:
        return 1e6;
    }
    return 1.0;
}

// Eigenvalues scale * condition^(t - 1/2) with t = 0 and t = 1 both present, so the condition
// number is exactly `condition` (for n > 1) and `scale` is the geometric centre of the spectrum.
inline Eigen::VectorXd spectrum(Eigen::Index n, double condition, double scale,
                                philox_stream& stream) {
    Eigen::VectorXd values(n);
    for (Eigen::Index i = 0; i < n; ++i) {
        const double t = n == 1 ? 0.5 : i == 0 ? 0.0 : i == n - 1 ? 1.0 : stream.uniform();
        values(i) = scale * std::pow(condition, t - 0.5);
    }
    return values;
}

// Q diag(spectrum) Q^T with Q orthogonal from the QR factorization of a Gaussian matrix.
inline Eigen::MatrixXd random_covariance(Eigen::Index n, double condition, double scale,
                                         philox_stream& stream) {
    const Eigen::VectorXd eigenvalues = spectrum(n, condition, scale, stream);
    const Eigen::MatrixXd rotation =
        Eigen::HouseholderQR<Eigen::MatrixXd>(stream.normal_matrix(n, n)).householderQ();
    const Eigen::MatrixXd covariance = rotation * eigenvalues.asDiagonal() * rotation.transpose();
    return 0.5 * (covariance + covariance.transpose());
}

// A lower-triangular factor near the identity with a positive diagonal: multiplying a Cholesky
// factor by it gives another Cholesky factor, of a covariance distorted by at most
// exp(2 * diagonal_spread) per direction.
inline Eigen::MatrixXd random_distortion(Eigen::Index n, double diagonal_spread,
                                         double off_diagonal, philox_stream& stream) {
    Eigen::MatrixXd factor = Eigen::MatrixXd::Zero(n, n);
    for (Eigen::Index j = 0; j < n; ++j) {
        factor(j, j) = std::exp(diagonal_spread * (2.0 * stream.uniform() - 1.0));
        for (Eigen::Index i = j + 1; i < n; ++i)
            factor(i, j) = off_diagonal * stream.normal();
    }
    return factor;
}

inline std::string describe(conditioning level) {
    switch (level) {
    case conditioning::well:
        return "well-conditioned";
    case conditioning::moderate:
        return "condition 1e3";
    case conditioning::ill:
        return "condition 1e6";
    }
    return "";
}

// Where the likelihood p(x | z) peaks: the point nearest `anchor` (in the prior's whitened
// units) that minimizes |Lp^{-1} (x - b - W z)|. For D >= d (W of full column rank) it is the
// maximum-likelihood estimate; for D < d the likelihood is flat along the null space of W, and
// the anchor's position along it is kept.
inline Eigen::VectorXd likelihood_peak(const linear_gaussian& model, const Eigen::VectorXd& x,
                                       const Eigen::VectorXd& anchor) {
    const auto noise = model.noise_cholesky().triangularView<Eigen::Lower>();
    const Eigen::MatrixXd& prior_lower = model.prior().cholesky();
    const Eigen::MatrixXd whitened = noise.solve(model.loading() * prior_lower);
    const Eigen::VectorXd residual = noise.solve(x - model.offset() - model.loading() * anchor);
    const Eigen::VectorXd step =
        Eigen::CompleteOrthogonalDecomposition<Eigen::MatrixXd>(whitened).solve(residual);
    return anchor + prior_lower * step;
}

} // namespace detail

inline model_instance random_instance(std::uint64_t seed, std::uint64_t index) {
    const instance_recipe recipe = recipe_for(index);
    philox_stream stream(seed, index);
    const Eigen::Index d = recipe.latent_dim;
    const Eigen::Index obs = recipe.observed_dim;

    // Prior eigenvalues centred on [1/4, 4], noise on [1/20, 1]: with |W| = O(sqrt(dD)) this keeps
    // the posterior and marginal covariances below a condition number of about 1e10.
    const double prior_condition = detail::condition_number_of(recipe.prior_conditioning, stream);
    const Eigen::MatrixXd sigma0 =
        detail::random_covariance(d, prior_condition, stream.log_uniform(0.25, 4.0), stream);
    const Eigen::VectorXd mu0 = stream.normals(d);
    Eigen::MatrixXd w = stream.normal_matrix(obs, d);
    Eigen::VectorXd b = stream.normals(obs);
    const double noise_condition = detail::condition_number_of(recipe.noise_conditioning, stream);
    double noise_scale = 0.0;
    switch (recipe.observations) {
    case observation_scale::standard:
        noise_scale = stream.log_uniform(0.05, 1.0);
        break;
    case observation_scale::small_noise:
    case observation_scale::small_units: {
        // x / unit follows a model with the standard W and b: W, b and the noise's standard
        // deviation shrink together, which leaves the posterior as it is and adds D log(1 /
        // unit) to log p(x). Small noise has, in those units, variances of 1e-3..1e-2 instead
        // of 0.05..1: a sharp likelihood and a narrow posterior.
        const double unit = stream.log_uniform(0.01, 0.05);
        w *= unit;
        b *= unit;
        noise_scale =
            unit * unit *
            (recipe.observations == observation_scale::small_noise ? stream.log_uniform(1e-3, 1e-2)
                                                                   : stream.log_uniform(0.05, 1.0));
        break;
    }
    }
    linear_gaussian model =
        recipe.diagonal_noise
            ? linear_gaussian::with_diagonal_noise(
                  mu0, sigma0, w, b, detail::spectrum(obs, noise_condition, noise_scale, stream))
            : linear_gaussian::with_full_noise(
                  mu0, sigma0, w, b,
                  detail::random_covariance(obs, noise_condition, noise_scale, stream));

    const Eigen::VectorXd z = model.prior().sample(stream.normals(d));
    Eigen::VectorXd x = model.sample_observation(z, stream.normals(obs));

    constexpr std::string_view guide_name = "S (guide covariance)";
    const gaussian posterior = model.posterior(x);
    auto guide = [&]() -> gaussian {
        switch (recipe.guide) {
        case guide_kind::prior:
            return gaussian::from_cholesky(mu0, model.prior().cholesky(), guide_name);
        case guide_kind::posterior:
            return gaussian::from_cholesky(posterior.mean(), posterior.cholesky(), guide_name);
        case guide_kind::near_full: {
            const Eigen::VectorXd m = posterior.sample(0.5 * stream.normals(d));
            return gaussian::from_cholesky(
                m, posterior.cholesky() * detail::random_distortion(d, 0.3, 0.2, stream),
                guide_name);
        }
        case guide_kind::near_diagonal: {
            const Eigen::VectorXd m = posterior.sample(0.5 * stream.normals(d));
            Eigen::VectorXd variances = posterior.covariance().diagonal();
            for (Eigen::Index i = 0; i < d; ++i)
                variances(i) *= std::exp(0.6 * (2.0 * stream.uniform() - 1.0));
            return gaussian::from_variances(m, variances, guide_name);
        }
        case guide_kind::far: {
            // Five prior standard deviations from the prior mean (in whitened prior units), on
            // the side away from the posterior mean. As Sigma_post^{-1} >= Sigma0^{-1}, the mean
            // terms alone then make both KL(q || p(z)) and KL(q || p(z|x)) at least 5^2 / 2.
            const Eigen::VectorXd towards_posterior =
                model.prior().cholesky().triangularView<Eigen::Lower>().solve(posterior.mean() -
                                                                              mu0);
            Eigen::VectorXd direction = stream.normals(d);
            if (direction.norm() == 0.0)
                direction(0) = 1.0;
            direction.normalize();
            if (direction.dot(towards_posterior) > 0.0)
                direction = -direction;
            const Eigen::VectorXd m = model.prior().sample(5.0 * direction);
            // A covariance up to e^3 wider or narrower than the prior's along each axis.
            const Eigen::MatrixXd distortion = detail::random_distortion(d, 1.5, 0.5, stream);
            const Eigen::MatrixXd lower = model.prior().cholesky() * distortion;
            if (index / guide_kind_count % 2 == 0)
                return gaussian::from_cholesky(m, lower, guide_name);
            return gaussian::from_variances(m, (lower * lower.transpose()).diagonal(), guide_name);
        }
        case guide_kind::wide_at_likelihood_peak:
        case guide_kind::wide_shifted: {
            // 3..10 prior standard deviations wide, stretched by up to e^0.2 along the prior's
            // Cholesky axes so that it is not a multiple of the prior: at least 9 e^-0.4 > 6
            // times the prior's variance along every direction, so E_q[q / p(z)] and E_q[q /
            // p(z|x)] diverge (they need less than twice).
            const double width = stream.log_uniform(3.0, 10.0);
            const Eigen::MatrixXd lower =
                width * model.prior().cholesky() * detail::random_distortion(d, 0.2, 0.0, stream);
            Eigen::VectorXd m = detail::likelihood_peak(model, x, posterior.mean());
            if (recipe.guide == guide_kind::wide_shifted) {
                // 2..6 prior standard deviations away, in a random direction.
                Eigen::VectorXd direction = stream.normals(d);
                if (direction.norm() == 0.0)
                    direction(0) = 1.0;
                direction.normalize();
                m += model.prior().cholesky() * (stream.log_uniform(2.0, 6.0) * direction);
            }
            if (index / guide_kind_count % 2 == 0)
                return gaussian::from_cholesky(m, lower, guide_name);
            // Mean-field: d times the diagonal of that covariance, which is at least the
            // covariance itself (S <= d diag(S) for any positive semi-definite S), so the guide
            // stays wider than the prior along every direction.
            return gaussian::from_variances(
                m, static_cast<double>(d) * (lower * lower.transpose()).diagonal(), guide_name);
        }
        }
        return gaussian::from_cholesky(mu0, model.prior().cholesky(), guide_name);
    }();

    std::string description = "seed " + std::to_string(seed) + " index " + std::to_string(index) +
                              ": d = " + std::to_string(d) + ", D = " + std::to_string(obs) +
                              ", Sigma0 " + detail::describe(recipe.prior_conditioning) + ", Psi " +
                              (recipe.diagonal_noise ? "diagonal " : "full ") +
                              detail::describe(recipe.noise_conditioning) +
                              detail::describe(recipe.observations) + ", " +
                              detail::describe(recipe.guide);
    return {std::move(model), std::move(x), std::move(guide), std::move(description)};
}

// The reference model used in the documentation (d = 2, D = 3):
//     mu0 = (0.5, -1)^T,      Sigma0 = [[1, 0.3], [0.3, 0.5]],
//     W = [[1, 0], [0.5, -1], [0, 2]],   b = (0, 0.5, -0.5)^T,   Psi = diag(0.1, 0.2, 0.3),
//     x = (1, -0.5, 2)^T,     guide q = N((1, 1)^T, diag(0.1, 0.05)) (mean-field, near p(z|x)).
// Its exact values, pinned to 1e-12 by the test "the reference model's documented values" in
// tests/runtime/model_linear_gaussian.cpp (and checked against quadrature there):
//     log p(x)          = -7.807808765569        E_q[log p(x|z)] = -2.261317694737
//     ELBO(q)           = -7.885409025686        KL(q || p(z))   =  5.624091330949
//     KL(q || p(z|x))   =  0.077600260117        (ELBO + KL(q || p(z|x)) = log p(x))
//     posterior mean (0.984055600981, 1.061120196239),
//     posterior covariance [[0.083565004088, 0.013000817661], [0.013000817661, 0.050163532298]].
inline model_instance reference_instance() {
    Eigen::VectorXd mu0(2);
    mu0 << 0.5, -1.0;
    Eigen::MatrixXd sigma0(2, 2);
    sigma0 << 1.0, 0.3, 0.3, 0.5;
    Eigen::MatrixXd w(3, 2);
    w << 1.0, 0.0, 0.5, -1.0, 0.0, 2.0;
    Eigen::VectorXd b(3);
    b << 0.0, 0.5, -0.5;
    Eigen::VectorXd psi(3);
    psi << 0.1, 0.2, 0.3;
    Eigen::VectorXd x(3);
    x << 1.0, -0.5, 2.0;
    Eigen::VectorXd m(2);
    m << 1.0, 1.0;
    Eigen::VectorXd s(2);
    s << 0.1, 0.05;
    return {linear_gaussian::with_diagonal_noise(mu0, sigma0, w, b, psi), x,
            gaussian::from_variances(m, s, "S (guide covariance)"),
            "reference model: d = 2, D = 3, diagonal Psi, diagonal guide"};
}

} // namespace elbocheck::model
