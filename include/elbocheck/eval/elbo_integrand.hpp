#pragma once
// The ELBO integrand of a linear-Gaussian model under a Gaussian guide, prepared once and then
// evaluated for whole batches of standard normals in one fused loop:
//
//     log w(eps) = log p(x | z) + log p(z) - log q(z),      z = m + Lq eps,  eps ~ N(0, I_d).
//
// Every term is a squared norm of a whitened residual (no densities are called per sample):
//     log p(x | z) = -1/2 (D log 2 pi + log|Psi| + |Lp^{-1}(x - b - W z)|^2)
//     log p(z)     = -1/2 (d log 2 pi + log|Sigma0| + |L0^{-1}(z - mu0)|^2)
//     log q(z)     = -1/2 (d log 2 pi + log|S| + |eps|^2).
// With z = m + Lq eps the residuals are affine in eps:
//     Lp^{-1}(x - b - W z) = a - C eps,   a = Lp^{-1}(x - b - W m),  C = Lp^{-1} W Lq  (D x d)
//     L0^{-1}(z - mu0)     = a0 + P eps,  a0 = L0^{-1}(m - mu0),     P = L0^{-1} Lq    (d x d,
//     lower).
//
// Why the per-sample cost does not grow with D. C has rank at most d, so with the thin QR
// factorization C = Q R (Q orthonormal D x k, R upper trapezoidal k x d, k = min(D, d)) and the
// orthogonal split of a into Q Q^T a and its complement a_perp,
//     |a - C eps|^2 = |Q^T a - R eps|^2 + |a_perp|^2,
// an exact identity (a rotation of the residual plus Pythagoras), not an approximation. The
// likelihood residual is therefore evaluated in the basis Q: k rows of a triangular system
// instead of D rows of a dense one, and |a_perp|^2 joins the constant. Both squared norms are
// still sums of squares of residuals, so nothing cancels the way the expanded quadratic form
// c + h^T eps - 1/2 eps^T B eps would cancel when |a| is large; and |a_perp|^2 is summed from
// the components of Q^T a beyond k, not formed as |a|^2 - |Q^T a|^2.
//
// Bit-identity. Each sample's value is computed from its own normals by the same sequence of
// IEEE operations wherever it sits in a batch: the batch is cut into tiles of `tile_lanes`
// samples, one lane per sample, and the arithmetic of a lane never touches another lane; a
// partial tile at the end of a batch is copied into a zero-padded tile, so every sample goes
// through the one vectorized code path and the padding lanes are discarded. The kernels are
// compiled with fp-contract=off (as in philox_normals.hpp), so that GCC does not fuse a*b + c
// into an FMA in one place and not in another (vector body vs. scalar code, or a build with
// -march=native vs. one without): a value is then a function of the normals alone, not of the
// batch size, the position in the batch, the thread, or the instruction set.

#include "elbocheck/model/gaussian.hpp"
#include "elbocheck/model/linear_gaussian.hpp"

#include <Eigen/Cholesky>
#include <Eigen/QR>
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

namespace elbocheck::eval {

namespace detail {

// The widest double vector the including translation unit is compiled for. It only sets how many
// samples are processed together; a sample's value is the same for every width (see above).
#if defined(__AVX512F__)
inline constexpr std::size_t doubles_per_vector = 8;
#elif defined(__AVX__)
inline constexpr std::size_t doubles_per_vector = 4;
#else
inline constexpr std::size_t doubles_per_vector = 2;
#endif
// Eight independent accumulators per residual: enough to cover the latency of the addition in
// residual += c * eps with the throughput of the multiply and add units.
inline constexpr std::size_t vectors_per_tile = 8;
using tile_vector = double __attribute__((vector_size(doubles_per_vector * sizeof(double))));

[[gnu::always_inline]] inline tile_vector load_vector(const double* p) noexcept {
    tile_vector v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

} // namespace detail

// Which function of eps a batch evaluation returns.
enum class integrand_part {
    log_weight,    // log p(x, z) - log q(z): estimator A, IWAE, log E_q[w]
    log_likelihood // log p(x | z): estimator B
};

class elbo_integrand {
  public:
    // Samples evaluated together, one per vector lane: 16 with SSE2, 32 with AVX, 64 with
    // AVX-512.
    static constexpr std::size_t tile_lanes = detail::vectors_per_tile * detail::doubles_per_vector;

    elbo_integrand(const model::linear_gaussian& model, const Eigen::VectorXd& x,
                   const model::gaussian& q) {
        const Eigen::Index d = model.latent_dim();
        const Eigen::Index obs = model.observed_dim();
        if (q.dim() != d)
            throw std::invalid_argument(
                "the guide is " + std::to_string(q.dim()) +
                "-dimensional but the latent dimension is d = " + std::to_string(d));
        if (x.size() != obs)
            throw std::invalid_argument(
                "x (observation) has " + std::to_string(x.size()) +
                " entries but the model observes D = " + std::to_string(obs));
        if (!x.allFinite())
            throw std::invalid_argument("x (observation) has a non-finite entry");
        kl_to_prior_ = model.kl_to_prior(q);
        dim_ = static_cast<std::size_t>(d);

        // Lp^{-1} applied to the loading and the residual at the guide mean. For diagonal noise
        // the triangular solve is a row scaling (the same divisions, without the O(D^2 d) sweep
        // over zeros).
        const Eigen::MatrixXd& noise_lower = model.noise_cholesky();
        const Eigen::MatrixXd& guide_lower = q.cholesky();
        Eigen::MatrixXd c = model.loading() * guide_lower;
        Eigen::VectorXd a = x - model.offset() - model.loading() * q.mean();
        if (model.noise_is_diagonal()) {
            c.array().colwise() /= noise_lower.diagonal().array();
            a.array() /= noise_lower.diagonal().array();
        } else {
            noise_lower.triangularView<Eigen::Lower>().solveInPlace(c);
            noise_lower.triangularView<Eigen::Lower>().solveInPlace(a);
        }

        const Eigen::HouseholderQR<Eigen::MatrixXd> qr(c);
        const Eigen::Index k = std::min(obs, d);
        const Eigen::VectorXd rotated = qr.householderQ().adjoint() * a; // Q^T a, all D entries
        const double perpendicular = rotated.tail(obs - k).squaredNorm();
        // R eps is subtracted, so its coefficients are stored negated (exact) and both residuals
        // take the form constant + sum coefficient * eps.
        for (Eigen::Index i = 0; i < k; ++i) {
            likelihood_rows_.push_back({rotated(i), static_cast<std::size_t>(i),
                                        static_cast<std::size_t>(d - i),
                                        likelihood_coefficients_.size()});
            for (Eigen::Index j = i; j < d; ++j)
                likelihood_coefficients_.push_back(-qr.matrixQR()(i, j));
        }

        const model::gaussian& prior = model.prior();
        const auto prior_lower = prior.cholesky().triangularView<Eigen::Lower>();
        const Eigen::MatrixXd p = prior_lower.solve(guide_lower);
        const Eigen::VectorXd a0 = prior_lower.solve(q.mean() - prior.mean());
        for (Eigen::Index i = 0; i < d; ++i) {
            prior_rows_.push_back(
                {a0(i), 0, static_cast<std::size_t>(i + 1), prior_coefficients_.size()});
            for (Eigen::Index j = 0; j <= i; ++j)
                prior_coefficients_.push_back(p(i, j));
        }

        constexpr double log_two_pi = model::detail::log_two_pi;
        const double dd = static_cast<double>(d);
        likelihood_constant_ =
            -0.5 * (static_cast<double>(obs) * log_two_pi + noise_log_det(model) + perpendicular);
        weight_constant_ = likelihood_constant_ -
                           0.5 * (dd * log_two_pi + prior.log_det_covariance()) +
                           0.5 * (dd * log_two_pi + q.log_det_covariance());

        // Var_q[w] is finite iff E_q[w^2] is, i.e. iff 2 (R^T R + P^T P) - I is positive definite
        // (in eps coordinates log w = const - 1/2 eps^T (R^T R + P^T P - I) eps + linear).
        const Eigen::MatrixXd r_upper = qr.matrixQR().topRows(k).triangularView<Eigen::Upper>();
        const Eigen::MatrixXd precision = r_upper.transpose() * r_upper + p.transpose() * p;
        const Eigen::MatrixXd doubled = 2.0 * precision - Eigen::MatrixXd::Identity(d, d);
        const Eigen::LLT<Eigen::MatrixXd> llt(doubled);
        weight_variance_finite_ = llt.info() == Eigen::Success && llt.rcond() > 1e-12;
    }

    std::size_t latent_dim() const noexcept { return dim_; }

    // The exact KL(q || p(z)), which estimator B subtracts.
    double kl_to_prior() const noexcept { return kl_to_prior_; }
    // Whether Var_q[w] < infinity (the guide is wider than half the posterior in every
    // direction): the condition under which the delta-method interval for log E_q[w] means
    // anything.
    bool weight_variance_finite() const noexcept { return weight_variance_finite_; }

    // out[j] = part(eps_j) for j < count, where coordinate i of eps_j is eps[i * stride + j]
    // (structure of arrays: one row of `stride` doubles per latent coordinate).
    void evaluate(integrand_part part, const double* eps, std::size_t stride, std::size_t count,
                  double* out) const;

    // The same for one point, through the same kernel; for tests and scalar callers.
    double operator()(integrand_part part, const Eigen::VectorXd& eps) const {
        if (static_cast<std::size_t>(eps.size()) != dim_)
            throw std::invalid_argument(
                "eps has " + std::to_string(eps.size()) +
                " entries but the latent dimension is d = " + std::to_string(dim_));
        double value = 0.0;
        evaluate(part, eps.data(), 1, 1, &value);
        return value;
    }

  private:
    // One residual component: constant + sum_{j < length} coefficients[offset + j] eps_{start+j}.
    struct residual_row {
        double constant;
        std::size_t start;
        std::size_t length;
        std::size_t offset;
    };

    static double noise_log_det(const model::linear_gaussian& model) {
        return 2.0 * model.noise_cholesky().diagonal().array().log().sum();
    }

    template <bool with_prior_and_guide>
    void tile(const double* eps, std::size_t stride, double* out) const;

    std::size_t dim_ = 0;
    std::vector<residual_row> likelihood_rows_;
    std::vector<double> likelihood_coefficients_;
    std::vector<residual_row> prior_rows_;
    std::vector<double> prior_coefficients_;
    double likelihood_constant_ = 0.0;
    double weight_constant_ = 0.0;
    double kl_to_prior_ = 0.0;
    bool weight_variance_finite_ = false;
};

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC push_options
#pragma GCC optimize("fp-contract=off")
#endif

namespace detail {

// sum over rows of (constant + coefficients . eps)^2 for the lanes of one tile, added to
// `squares`. A tile is an array of native vectors (GCC/Clang vector extension), one lane per
// sample. Written as plain loops over lanes instead, GCC 12 vectorizes the wrong loop (the one
// over coefficients, with a horizontal sum per row); a single wide generic vector instead stays
// in memory. An array of native vectors, indexed by constants once the loops over it are
// unrolled, stays in registers. Every lane sees the same IEEE operations in the same order as
// a scalar evaluation would.
template <class Rows>
[[gnu::always_inline]] inline void
add_squared_residuals(const Rows& rows, const double* coefficients, const double* eps,
                      std::size_t stride, tile_vector (&squares)[vectors_per_tile]) noexcept {
    for (const auto& row : rows) {
        tile_vector residual[vectors_per_tile];
#pragma GCC unroll 16
        for (std::size_t v = 0; v < vectors_per_tile; ++v)
            residual[v] = tile_vector{} + row.constant;
        const double* row_coefficients = coefficients + row.offset;
        const double* row_eps = eps + row.start * stride;
        for (std::size_t j = 0; j < row.length; ++j, row_eps += stride) {
            const double c = row_coefficients[j];
#pragma GCC unroll 16
            for (std::size_t v = 0; v < vectors_per_tile; ++v)
                residual[v] += c * load_vector(row_eps + v * doubles_per_vector);
        }
#pragma GCC unroll 16
        for (std::size_t v = 0; v < vectors_per_tile; ++v)
            squares[v] += residual[v] * residual[v];
    }
}

} // namespace detail

template <bool with_prior_and_guide>
inline void elbo_integrand::tile(const double* eps, std::size_t stride, double* out) const {
    using detail::doubles_per_vector;
    using detail::load_vector;
    using detail::tile_vector;
    using detail::vectors_per_tile;
    tile_vector likelihood[vectors_per_tile] = {};
    detail::add_squared_residuals(likelihood_rows_, likelihood_coefficients_.data(), eps, stride,
                                  likelihood);
    if constexpr (with_prior_and_guide) {
        tile_vector prior[vectors_per_tile] = {};
        detail::add_squared_residuals(prior_rows_, prior_coefficients_.data(), eps, stride, prior);
        tile_vector guide[vectors_per_tile] = {};
        for (std::size_t i = 0; i < dim_; ++i) {
#pragma GCC unroll 16
            for (std::size_t v = 0; v < vectors_per_tile; ++v) {
                const tile_vector e = load_vector(eps + i * stride + v * doubles_per_vector);
                guide[v] += e * e;
            }
        }
#pragma GCC unroll 16
        for (std::size_t v = 0; v < vectors_per_tile; ++v) {
            const tile_vector value =
                weight_constant_ - 0.5 * ((likelihood[v] + prior[v]) - guide[v]);
            std::memcpy(out + v * doubles_per_vector, &value, sizeof value);
        }
    } else {
#pragma GCC unroll 16
        for (std::size_t v = 0; v < vectors_per_tile; ++v) {
            const tile_vector value = likelihood_constant_ - 0.5 * likelihood[v];
            std::memcpy(out + v * doubles_per_vector, &value, sizeof value);
        }
    }
}

inline void elbo_integrand::evaluate(integrand_part part, const double* eps, std::size_t stride,
                                     std::size_t count, double* out) const {
    if (count > stride)
        throw std::invalid_argument("the stride of the normals is shorter than the batch");
    const bool weight = part == integrand_part::log_weight;
    std::size_t j = 0;
    for (; j + tile_lanes <= count; j += tile_lanes) {
        if (weight)
            tile<true>(eps + j, stride, out + j);
        else
            tile<false>(eps + j, stride, out + j);
    }
    if (j == count)
        return;
    // The partial tile runs through the same kernel on a zero-padded copy (see the header).
    const std::size_t rest = count - j;
    std::vector<double> padded(dim_ * tile_lanes, 0.0);
    for (std::size_t i = 0; i < dim_; ++i)
        std::copy_n(eps + i * stride + j, rest, padded.data() + i * tile_lanes);
    double values[tile_lanes];
    if (weight)
        tile<true>(padded.data(), tile_lanes, values);
    else
        tile<false>(padded.data(), tile_lanes, values);
    std::copy_n(values, rest, out + j);
}

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC pop_options
#endif

} // namespace elbocheck::eval
