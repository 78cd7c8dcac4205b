#pragma once
// An integrand expression type compiled into one fused loop over a batch of standard normals:
// compiled_integrand<decltype(log(p(x, z) / q(z | x)))> evaluates log w(eps) for whole batches of
// eps ~ N(0, I_d), z = m + Lq eps, for a linear-Gaussian model and a Gaussian guide.
//
// Three stages.
//   1. Compile time (integrand_translation.hpp): the expression type becomes one rational weight
//      per Gaussian log-density block (likelihood, prior, guide), and from the signs of the
//      weights the kernel's shape, a template parameter: a different integrand instantiates a
//      different loop, with no run-time dispatch over the expression.
//   2. Run time, once per (model, x, guide), the plan. Each block is a constant minus half a
//      squared norm of a residual affine in eps (whitened_blocks below):
//          log p(x | z) = -1/2 (D log 2 pi + log|Psi|    + |a - C eps|^2),
//                         a = Lp^{-1}(x - b - W m),  C = Lp^{-1} W Lq          (D x d)
//          log p(z)     = -1/2 (d log 2 pi + log|Sigma0| + |a0 + P eps|^2),
//                         a0 = L0^{-1}(m - mu0),     P = L0^{-1} Lq           (d x d)
//          log q(z)     = -1/2 (d log 2 pi + log|S|      + |eps|^2).
//      The blocks of positive weight w are stacked with their rows scaled by sqrt(w), so that
//      sum_b w_b |r_b - M_b eps|^2 = |r - M eps|^2 for the stacked r, M, and one Householder QR
//      M = Q R reduces the stack to a single upper-triangular (trapezoidal when fewer rows than d)
//      block: |r - M eps|^2 = |Q^T r - R eps|^2 (first k = min(rows, d) components) + |r_perp|^2,
//      an exact identity (a rotation and Pythagoras). Blocks of negative weight are reduced the
//      same way to a second triangular block, subtracted; the guide's identity block stays a
//      scalar coefficient of |eps|^2. For the ELBO integrand log p(x|z) + log p(z) - log q(z) the
//      likelihood's R and the prior's P become one d x d triangle: half the multiply-adds per
//      sample of evaluating them separately, and the per-sample cost does not grow with D.
//      Every part is still a sum of squares of residuals, never the expanded quadratic form
//      c + g^T eps - 1/2 eps^T H eps, which cancels catastrophically when the residuals are large;
//      |r_perp|^2 is summed from the components of Q^T r beyond k, not formed as a difference.
//   3. The kernel: tiles of `tile_lanes` samples, one vector lane per sample (GCC vector
//      extensions); a partial tile at the end of a batch is copied into a zero-padded tile.
//
// Bit-identity. Each sample's value is computed from its own normals by the same sequence of IEEE
// operations wherever it sits in a batch: the arithmetic of a lane never touches another lane,
// every sample goes through the one vectorized code path, and the padding lanes are discarded.
// The kernel is compiled with fp-contract=off. Fusing residual += c * eps into an FMA would be
// allowed by what the estimators promise (bit-identity across threads and batch sizes within one
// build), but with it the bits would differ between a build with FMA hardware enabled
// (-march=native) and one without; elbo_estimators.hpp and bench/ document that they do not, and
// in the default (SSE2) build there is no FMA to gain.

#include "elbocheck/eval/integrand_translation.hpp"
#include "elbocheck/model/gaussian.hpp"
#include "elbocheck/model/linear_gaussian.hpp"

#include <Eigen/QR>
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
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

inline double to_double(sym::rational r) {
    return static_cast<double>(r.num) / static_cast<double>(r.den);
}

} // namespace detail

// Samples evaluated together, one per vector lane: 16 with SSE2, 32 with AVX, 64 with AVX-512.
inline constexpr std::size_t integrand_tile_lanes =
    detail::vectors_per_tile * detail::doubles_per_vector;

// The model's log-density blocks in whitened guide coordinates, for one (model, x, guide): every
// residual written as target - map eps. Computed once and shared by all integrands of the triple.
struct whitened_blocks {
    Eigen::Index latent_dim = 0;
    Eigen::Index observed_dim = 0;
    Eigen::VectorXd likelihood_target; // a
    Eigen::MatrixXd likelihood_map;    // C
    Eigen::VectorXd prior_target;      // a0
    Eigen::MatrixXd prior_map;         // -P (so the prior residual a0 + P eps is a0 - (-P) eps)
    // log density_b = constant_b - 1/2 |residual_b|^2, indexed by block_kind.
    std::array<double, block_kind_count> constants{};

    whitened_blocks(const model::linear_gaussian& model, const Eigen::VectorXd& x,
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
        latent_dim = d;
        observed_dim = obs;

        // Lp^{-1} applied to the loading and the residual at the guide mean. For diagonal noise
        // the triangular solve is a row scaling (the same divisions, without the O(D^2 d) sweep
        // over zeros).
        const Eigen::MatrixXd& noise_lower = model.noise_cholesky();
        const Eigen::MatrixXd& guide_lower = q.cholesky();
        likelihood_map = model.loading() * guide_lower;
        likelihood_target = x - model.offset() - model.loading() * q.mean();
        if (model.noise_is_diagonal()) {
            likelihood_map.array().colwise() /= noise_lower.diagonal().array();
            likelihood_target.array() /= noise_lower.diagonal().array();
        } else {
            noise_lower.triangularView<Eigen::Lower>().solveInPlace(likelihood_map);
            noise_lower.triangularView<Eigen::Lower>().solveInPlace(likelihood_target);
        }

        const model::gaussian& prior = model.prior();
        const auto prior_lower = prior.cholesky().triangularView<Eigen::Lower>();
        prior_map = -prior_lower.solve(guide_lower);
        prior_target = prior_lower.solve(q.mean() - prior.mean());

        constexpr double log_two_pi = model::detail::log_two_pi;
        const double dd = static_cast<double>(d);
        const double noise_log_det = 2.0 * noise_lower.diagonal().array().log().sum();
        constants[static_cast<std::size_t>(block_kind::likelihood)] =
            -0.5 * (static_cast<double>(obs) * log_two_pi + noise_log_det);
        constants[static_cast<std::size_t>(block_kind::prior)] =
            -0.5 * (dd * log_two_pi + prior.log_det_covariance());
        constants[static_cast<std::size_t>(block_kind::guide)] =
            -0.5 * (dd * log_two_pi + q.log_det_covariance());
    }
};

// sum over rows of (constant + coefficients . eps)^2: a triangular block as the kernel reads it.
struct triangular_block {
    // One residual component: constant + sum_{j < length} coefficients[offset + j] eps_{start+j}.
    struct row {
        double constant;
        std::size_t start;
        std::size_t length;
        std::size_t offset;
    };
    std::vector<row> rows;
    std::vector<double> coefficients;
    Eigen::MatrixXd upper; // R (k x d), for the curvature

    // Reduces |target - map eps|^2 to |Q^T target - R eps|^2 (the rows) plus the returned
    // |target_perp|^2.
    double reduce(const Eigen::MatrixXd& map, const Eigen::VectorXd& target) {
        const Eigen::Index n = map.rows();
        const Eigen::Index d = map.cols();
        const Eigen::HouseholderQR<Eigen::MatrixXd> qr(map);
        const Eigen::Index k = std::min(n, d);
        const Eigen::VectorXd rotated = qr.householderQ().adjoint() * target; // all n entries
        upper = qr.matrixQR().topRows(k).triangularView<Eigen::Upper>();
        // R eps is subtracted, so its coefficients are stored negated (exact) and every residual
        // takes the form constant + sum coefficient * eps.
        for (Eigen::Index i = 0; i < k; ++i) {
            rows.push_back({rotated(i), static_cast<std::size_t>(i),
                            static_cast<std::size_t>(d - i), coefficients.size()});
            for (Eigen::Index j = i; j < d; ++j)
                coefficients.push_back(-upper(i, j));
        }
        return rotated.tail(n - k).squaredNorm();
    }
};

// The run-time part of a compiled integrand:
//     value(eps) = constant - 1/2 (|added(eps)|^2 - |subtracted(eps)|^2 + identity_weight |eps|^2).
class integrand_plan {
  public:
    integrand_plan(const whitened_blocks& w, const integrand_blocks& blocks)
        : dim_(static_cast<std::size_t>(w.latent_dim)) {
        double perpendicular_added = 0.0;
        double perpendicular_subtracted = 0.0;
        for (const int sign : {1, -1}) {
            const Eigen::Index d = w.latent_dim;
            Eigen::Index rows = 0;
            auto weight_of = [&](block_kind kind) {
                const sym::rational r = blocks.weight(kind);
                return r.sign() == sign ? std::abs(detail::to_double(r)) : 0.0;
            };
            const double likelihood = weight_of(block_kind::likelihood);
            const double prior = weight_of(block_kind::prior);
            rows += likelihood > 0.0 ? w.observed_dim : 0;
            rows += prior > 0.0 ? d : 0;
            if (rows == 0)
                continue;
            // Rows scaled by sqrt(w): w |r - M eps|^2 = |sqrt(w) r - sqrt(w) M eps|^2. A weight
            // of 1 scales by exactly 1.
            Eigen::MatrixXd map(rows, d);
            Eigen::VectorXd target(rows);
            Eigen::Index top = 0;
            auto stack = [&](double weight, const Eigen::MatrixXd& m, const Eigen::VectorXd& t) {
                if (weight == 0.0)
                    return;
                const double scale = std::sqrt(weight);
                map.middleRows(top, m.rows()) = scale * m;
                target.segment(top, t.size()) = scale * t;
                top += m.rows();
            };
            stack(likelihood, w.likelihood_map, w.likelihood_target);
            stack(prior, w.prior_map, w.prior_target);
            if (sign > 0)
                perpendicular_added = added_.reduce(map, target);
            else
                perpendicular_subtracted = subtracted_.reduce(map, target);
        }
        identity_weight_ = detail::to_double(blocks.weight(block_kind::guide));
        for (std::size_t b = 0; b < block_kind_count; ++b)
            if (!blocks.weights[b].is_zero())
                constant_ += detail::to_double(blocks.weights[b]) * w.constants[b];
        constant_ -= 0.5 * (perpendicular_added - perpendicular_subtracted);
    }

    std::size_t latent_dim() const noexcept { return dim_; }
    double constant() const noexcept { return constant_; }
    double identity_weight() const noexcept { return identity_weight_; }
    const triangular_block& added() const noexcept { return added_; }
    const triangular_block& subtracted() const noexcept { return subtracted_; }

    // H in value(eps) = value(0) + g^T eps - 1/2 eps^T H eps: R_+^T R_+ - R_-^T R_- + w_q I.
    Eigen::MatrixXd curvature() const {
        const Eigen::Index d = static_cast<Eigen::Index>(dim_);
        Eigen::MatrixXd h = identity_weight_ * Eigen::MatrixXd::Identity(d, d);
        if (added_.upper.size() != 0)
            h += added_.upper.transpose() * added_.upper;
        if (subtracted_.upper.size() != 0)
            h -= subtracted_.upper.transpose() * subtracted_.upper;
        return h;
    }

  private:
    std::size_t dim_ = 0;
    triangular_block added_;
    triangular_block subtracted_;
    double identity_weight_ = 0.0;
    double constant_ = 0.0;
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
[[gnu::always_inline]] inline void
add_squared_residuals(const triangular_block& block, const double* eps, std::size_t stride,
                      tile_vector (&squares)[vectors_per_tile]) noexcept {
    for (const auto& row : block.rows) {
        tile_vector residual[vectors_per_tile];
#pragma GCC unroll 16
        for (std::size_t v = 0; v < vectors_per_tile; ++v)
            residual[v] = tile_vector{} + row.constant;
        const double* row_coefficients = block.coefficients.data() + row.offset;
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

// One tile of `integrand_tile_lanes` samples; only the blocks of Shape are compiled in.
template <kernel_shape Shape>
inline void plan_tile(const integrand_plan& plan, const double* eps, std::size_t stride,
                      double* out) {
    tile_vector sum[vectors_per_tile] = {};
    if constexpr (Shape.added)
        add_squared_residuals(plan.added(), eps, stride, sum);
    if constexpr (Shape.subtracted) {
        tile_vector subtracted[vectors_per_tile] = {};
        add_squared_residuals(plan.subtracted(), eps, stride, subtracted);
#pragma GCC unroll 16
        for (std::size_t v = 0; v < vectors_per_tile; ++v)
            sum[v] -= subtracted[v];
    }
    if constexpr (Shape.identity) {
        tile_vector squares[vectors_per_tile] = {};
        for (std::size_t i = 0; i < plan.latent_dim(); ++i) {
#pragma GCC unroll 16
            for (std::size_t v = 0; v < vectors_per_tile; ++v) {
                const tile_vector e = load_vector(eps + i * stride + v * doubles_per_vector);
                squares[v] += e * e;
            }
        }
        // A weight of -1 (every ELBO-type integrand) multiplies exactly.
        const double weight = plan.identity_weight();
#pragma GCC unroll 16
        for (std::size_t v = 0; v < vectors_per_tile; ++v)
            sum[v] += weight * squares[v];
    }
    const double constant = plan.constant();
#pragma GCC unroll 16
    for (std::size_t v = 0; v < vectors_per_tile; ++v) {
        const tile_vector value = constant - 0.5 * sum[v];
        std::memcpy(out + v * doubles_per_vector, &value, sizeof value);
    }
}

// out[j] = value(eps_j) for j < count, coordinate i of eps_j at eps[i * stride + j].
template <kernel_shape Shape>
void evaluate_plan(const integrand_plan& plan, const double* eps, std::size_t stride,
                   std::size_t count, double* out) {
    if (count > stride)
        throw std::invalid_argument("the stride of the normals is shorter than the batch");
    constexpr std::size_t lanes = integrand_tile_lanes;
    std::size_t j = 0;
    for (; j + lanes <= count; j += lanes)
        plan_tile<Shape>(plan, eps + j, stride, out + j);
    if (j == count)
        return;
    // The partial tile runs through the same kernel on a zero-padded copy (see the header).
    const std::size_t rest = count - j;
    const std::size_t dim = plan.latent_dim();
    std::vector<double> padded(dim * lanes, 0.0);
    for (std::size_t i = 0; i < dim; ++i)
        std::copy_n(eps + i * stride + j, rest, padded.data() + i * lanes);
    double values[lanes];
    plan_tile<Shape>(plan, padded.data(), lanes, values);
    std::copy_n(values, rest, out + j);
}

} // namespace detail

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC pop_options
#endif

// The integrand E (an expression type, e.g. decltype(log(p(x | z)))) for one (model, x, guide).
template <sym::expression E>
class compiled_integrand {
  public:
    static constexpr integrand_blocks blocks = blocks_of<E>;
    static constexpr kernel_shape shape = shape_of(blocks);
    static constexpr std::size_t tile_lanes = integrand_tile_lanes;

    compiled_integrand(const model::linear_gaussian& model, const Eigen::VectorXd& x,
                       const model::gaussian& q)
        : compiled_integrand(whitened_blocks(model, x, q)) {}
    explicit compiled_integrand(const whitened_blocks& w)
        : plan_(w, blocks) {}

    std::size_t latent_dim() const noexcept { return plan_.latent_dim(); }
    const integrand_plan& plan() const noexcept { return plan_; }

    // out[j] = E(eps_j) for j < count, where coordinate i of eps_j is eps[i * stride + j]
    // (structure of arrays: one row of `stride` doubles per latent coordinate).
    void evaluate(const double* eps, std::size_t stride, std::size_t count, double* out) const {
        detail::evaluate_plan<shape>(plan_, eps, stride, count, out);
    }

    // The same for one point, through the same kernel; for tests and scalar callers.
    double operator()(const Eigen::VectorXd& eps) const {
        if (static_cast<std::size_t>(eps.size()) != latent_dim())
            throw std::invalid_argument(
                "eps has " + std::to_string(eps.size()) +
                " entries but the latent dimension is d = " + std::to_string(latent_dim()));
        double value = 0.0;
        evaluate(eps.data(), 1, 1, &value);
        return value;
    }

  private:
    integrand_plan plan_;
};

} // namespace elbocheck::eval
