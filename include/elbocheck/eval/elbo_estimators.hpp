#pragma once
// Monte Carlo estimators of the ELBO and its relatives for a linear-Gaussian model under a
// Gaussian guide q = N(m, S), each with a standard error and a confidence interval:
//
//   estimate_elbo_a             mean of log p(x, z) - log q(z), z ~ q   (Kingma & Welling's
//                               estimator A; unbiased for the ELBO)
//   estimate_elbo_b             mean of log p(x | z), minus the exact KL(q || p(z))
//                               (estimator B; unbiased for the ELBO)
//   estimate_iwae_bound         mean over groups of log (1/K) sum_k w_k, w = p(x, z) / q(z)
//                               (Burda et al.'s L_K; unbiased for L_K; L_1 is the ELBO)
//   estimate_log_mean_weight    log of the mean weight, log (1/n) sum w_i (consistent for
//                               log E_q[w] = log p(x), biased low by about r^2 / 2, see below)
//
// How a sample is drawn. The n draws are split into blocks of options.block_size (block_partition
// in sample_blocks.hpp). Block b takes its normals from Philox block options.first_block + b
// (philox_normals.hpp): coordinate i of draw j of the block is normal i * block_draws + j, so a
// batch of draws needs d contiguous runs of normals, one per coordinate, which is exactly the
// structure-of-arrays layout that elbo_integrand::evaluate reads. Normals are generated in bulk,
// one batch at a time, and the batch's log-weights written to the block's buffer.
//
// Bit-identity for any number of threads and any batch size, in three links:
//   1. a normal is a pure function of (seed, Philox block, index) — philox_normals.hpp;
//   2. a per-sample value is a pure function of its normals — compiled_integrand.hpp (same code
//      path for every lane, padded partial tiles, fp-contract=off);
//   3. a block's summary is a function of the block's buffer alone, computed in index order, and
//      the summaries are merged in block order after all threads have joined — sample_blocks.hpp.
// options.threads and options.batch change none of these, so they change no bit of a result.
// options.block_size and options.first_block do change the result (they choose the streams).
//
// The log of the mean weight. With w-hat the sample mean of n weights and r = sd(w) / (sqrt(n)
// E[w]) its relative standard error, the delta method gives log w-hat ~ log E[w] + delta with
// sd(delta) ~ r, and E[log w-hat] = log E[w] - r^2 / 2 + O(r^3) (Jensen: the log of an unbiased
// estimate is biased low). The estimate is reported uncorrected, with standard error r-hat; its
// interval is the delta-method interval with the upper end raised by bias_bound = r-hat^2 (twice
// the leading bias term, leaving room for the error of r-hat itself and for the next order).
// This is meaningful only while r-hat is small (say below 0.1) and Var_q[w] is finite; the
// latter is known exactly for this model and reported as variance_finite (false when the guide
// is narrower than half the posterior in some direction: then the weights have a Pareto tail and
// the sample standard error is too small with high probability).

#include "elbocheck/eval/confidence_interval.hpp"
#include "elbocheck/eval/elbo_integrand.hpp"
#include "elbocheck/eval/log_sum_exp.hpp"
#include "elbocheck/eval/philox_normals.hpp"
#include "elbocheck/eval/sample_blocks.hpp"
#include "elbocheck/model/gaussian.hpp"
#include "elbocheck/model/linear_gaussian.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace elbocheck::eval {

inline constexpr std::uint64_t default_estimator_seed = 20150901; // Burda et al., IWAE, v1

struct mc_estimator_options {
    std::uint64_t seed = default_estimator_seed;
    std::uint64_t first_block = 0;    // block b of the sample uses Philox block first_block + b
    std::uint64_t samples = 64'000;   // draws of z (for L_K: rounded down to whole groups of K)
    std::uint64_t block_size = 4'000; // draws per block (for L_K: rounded down to whole groups)
    std::size_t batch = 0;   // draws evaluated together; 0 picks one from d. Changes no result bit.
    unsigned threads = 0;    // 0 uses every hardware thread. Changes no result bit.
    double z = refutation_z; // interval half-width in standard errors (t quantile when n small)
};

struct mc_estimate {
    double mean = std::numeric_limits<double>::quiet_NaN(); // the estimate
    double standard_error = std::numeric_limits<double>::quiet_NaN();
    // Sample variance of the values averaged: per draw (A, B), per group of K (L_K), or of the
    // weights divided by their mean (log E_q[w]).
    double variance = std::numeric_limits<double>::quiet_NaN();
    std::uint64_t count = 0;     // values averaged: draws, or groups for L_K
    std::uint64_t draws = 0;     // draws of z used
    double bias_bound = 0.0;     // allowance for a known bias, already inside `interval`
    bool variance_finite = true; // false: the standard error and interval mean nothing
    confidence_interval interval{std::numeric_limits<double>::quiet_NaN(),
                                 std::numeric_limits<double>::quiet_NaN()};
};

namespace detail {

inline void require_estimator_options(const mc_estimator_options& options) {
    if (options.block_size == 0)
        throw std::invalid_argument("block_size must be positive");
    if (!(options.z >= 0.0))
        throw std::invalid_argument("z must be non-negative");
}

// Draws per batch when the caller leaves it to us: about 64 KiB of normals (d rows of `batch`
// doubles), so a batch stays in L2 while the kernel sweeps it row by row, in whole tiles.
inline std::size_t batch_for(std::size_t requested, std::size_t latent_dim,
                             std::uint64_t block_draws) {
    constexpr std::size_t lanes = elbo_integrand::tile_lanes;
    std::size_t batch = requested;
    if (batch == 0) {
        batch = std::clamp<std::size_t>(8192 / std::max<std::size_t>(latent_dim, 1), lanes, 1024);
        batch -= batch % lanes;
    }
    return static_cast<std::size_t>(std::min<std::uint64_t>(batch, block_draws));
}

// One thread's sampler: draws whole blocks and returns their per-draw values.
class block_sampler {
  public:
    block_sampler(const elbo_integrand& integrand, integrand_part part,
                  const mc_estimator_options& options, std::uint64_t block_draws)
        : integrand_(integrand)
        , part_(part)
        , seed_(options.seed)
        , first_block_(options.first_block)
        , block_draws_(block_draws)
        , batch_(batch_for(options.batch, integrand.latent_dim(), block_draws))
        , normals_(integrand.latent_dim() * batch_)
        , values_(static_cast<std::size_t>(block_draws)) {}

    // The values of the first `draws` draws of `block`, in draw order.
    std::span<const double> draw(std::uint64_t block, std::uint64_t draws) {
        const std::size_t dim = integrand_.latent_dim();
        for (std::uint64_t first = 0; first < draws; first += batch_) {
            const std::size_t n =
                static_cast<std::size_t>(std::min<std::uint64_t>(batch_, draws - first));
            for (std::size_t i = 0; i < dim; ++i)
                fill_normals(seed_, first_block_ + block, i * block_draws_ + first,
                             normals_.data() + i * batch_, n);
            integrand_.evaluate(part_, normals_.data(), batch_, n, values_.data() + first);
        }
        return {values_.data(), static_cast<std::size_t>(draws)};
    }

  private:
    const elbo_integrand& integrand_;
    integrand_part part_;
    std::uint64_t seed_;
    std::uint64_t first_block_;
    std::uint64_t block_draws_;
    std::size_t batch_;
    std::vector<double> normals_;
    std::vector<double> values_;
};

// Runs `summarize(values of block b, scratch)` for every block and returns the summaries in
// block order; `draws_of(b)` is the number of draws block b holds.
template <class Summary, class DrawsOf, class Summarize>
std::vector<Summary> summarize_blocks(const elbo_integrand& integrand, integrand_part part,
                                      const mc_estimator_options& options,
                                      std::uint64_t block_count, std::uint64_t block_draws,
                                      DrawsOf draws_of, Summarize summarize) {
    return evaluate_blocks<Summary>(block_count, options.threads, [&] {
        return
            [sampler = block_sampler(integrand, part, options, block_draws),
             scratch = std::vector<double>(), &draws_of, &summarize](std::uint64_t block) mutable {
                return summarize(sampler.draw(block, draws_of(block)), scratch);
            };
    });
}

inline mc_estimate estimate_from_moments(const sample_moments& moments, std::uint64_t draws,
                                         double z) {
    if (moments.count < 2)
        throw std::invalid_argument("an estimate with a standard error needs at least two "
                                    "values (samples, or groups of K for L_K)");
    mc_estimate e;
    e.mean = moments.mean;
    e.variance = moments.variance();
    e.standard_error = moments.standard_error();
    e.count = moments.count;
    e.draws = draws;
    e.interval = mean_confidence_interval_at_z(e.mean, e.standard_error, e.count, z);
    return e;
}

// Mean of per-draw values of `part` over the whole sample.
inline sample_moments moments_of_draws(const elbo_integrand& integrand, integrand_part part,
                                       const mc_estimator_options& options) {
    require_estimator_options(options);
    const block_partition blocks{options.samples, options.block_size};
    const std::vector<sample_moments> summaries = summarize_blocks<sample_moments>(
        integrand, part, options, blocks.block_count(), blocks.block_size,
        [&](std::uint64_t b) { return blocks.size_of(b); },
        [](std::span<const double> values, std::vector<double>&) {
            return sample_moments::of(values);
        });
    sample_moments total;
    for (const sample_moments& block : summaries)
        total.merge(block);
    return total;
}

// Mean and spread of weights held relative to a scale: w = exp(log_scale) * v, so that weights
// of any magnitude are summed without overflow, and blocks with different scales merge.
struct scaled_weight_moments {
    double log_scale = -std::numeric_limits<double>::infinity(); // -inf: every weight is 0
    sample_moments relative;                                     // moments of v

    void merge(scaled_weight_moments other) noexcept {
        if (other.relative.count == 0)
            return;
        if (relative.count == 0) {
            *this = other;
            return;
        }
        if (other.log_scale > log_scale) {
            std::swap(*this, other);
        }
        // Now log_scale >= other.log_scale; rescale `other` unless it is all zeros.
        if (other.log_scale != -std::numeric_limits<double>::infinity()) {
            const double factor = std::exp(other.log_scale - log_scale);
            other.relative.mean *= factor;
            other.relative.squared_deviations *= factor * factor;
        }
        relative.merge(other.relative);
    }
};

struct weight_block_summary {
    log_sum_exp_accumulator log_sum;
    scaled_weight_moments weights;
};

} // namespace detail

// Estimator A: mean of log p(x, z) - log q(z) over z ~ q.
inline mc_estimate estimate_elbo_a(const elbo_integrand& integrand,
                                   const mc_estimator_options& options = {}) {
    const sample_moments m =
        detail::moments_of_draws(integrand, integrand_part::log_weight, options);
    return detail::estimate_from_moments(m, m.count, options.z);
}

// Estimator B: mean of log p(x | z) over z ~ q, minus the exact KL(q || p(z)). Its variance is
// Var_q[log p(x | z)], which is not zero at q = posterior (unlike estimator A's).
inline mc_estimate estimate_elbo_b(const elbo_integrand& integrand,
                                   const mc_estimator_options& options = {}) {
    const sample_moments m =
        detail::moments_of_draws(integrand, integrand_part::log_likelihood, options);
    mc_estimate e = detail::estimate_from_moments(m, m.count, options.z);
    const double kl = integrand.kl_to_prior();
    e.mean -= kl;
    e.interval = mean_confidence_interval_at_z(e.mean, e.standard_error, e.count, options.z);
    return e;
}

// L_K: the mean over floor(samples / K) groups of K consecutive draws of log mean_k w_k (each
// group's log-mean-exp is stable and NaN/inf-safe, log_sum_exp.hpp). Groups never straddle
// blocks: a block holds max(1, floor(block_size / K)) whole groups. When K divides block_size
// the draws are those of estimator A with the same options, so L_1 reproduces estimator A bit
// for bit, and for K | K' the estimates satisfy L_K <= L_K' draw by draw (Jensen within each
// group of K').
inline mc_estimate estimate_iwae_bound(const elbo_integrand& integrand, std::uint64_t k,
                                       const mc_estimator_options& options = {}) {
    detail::require_estimator_options(options);
    if (k == 0)
        throw std::invalid_argument("the IWAE bound needs K >= 1 weights per group");
    const std::uint64_t groups_per_block = std::max<std::uint64_t>(1, options.block_size / k);
    const block_partition groups{options.samples / k, groups_per_block};
    const std::vector<sample_moments> summaries = detail::summarize_blocks<sample_moments>(
        integrand, integrand_part::log_weight, options, groups.block_count(), groups_per_block * k,
        [&](std::uint64_t b) { return groups.size_of(b) * k; },
        [k](std::span<const double> log_weights, std::vector<double>& group_values) {
            const std::size_t group_count = log_weights.size() / k;
            group_values.resize(group_count);
            for (std::size_t g = 0; g < group_count; ++g)
                group_values[g] = log_mean_exp(log_weights.subspan(g * k, k));
            return sample_moments::of(group_values);
        });
    sample_moments total;
    for (const sample_moments& block : summaries)
        total.merge(block);
    return detail::estimate_from_moments(total, total.count * k, options.z);
}

// log of the mean weight, log (1/n) sum w_i, an estimate of log E_q[w] = log p(x); see the
// header comment for its bias and interval.
inline mc_estimate estimate_log_mean_weight(const elbo_integrand& integrand,
                                            const mc_estimator_options& options = {}) {
    detail::require_estimator_options(options);
    const block_partition blocks{options.samples, options.block_size};
    const std::vector<detail::weight_block_summary> summaries =
        detail::summarize_blocks<detail::weight_block_summary>(
            integrand, integrand_part::log_weight, options, blocks.block_count(), blocks.block_size,
            [&](std::uint64_t b) { return blocks.size_of(b); },
            [](std::span<const double> log_weights, std::vector<double>& relative) {
                detail::weight_block_summary s;
                s.log_sum = log_sum_exp_accumulator::of_span(log_weights);
                double largest = -std::numeric_limits<double>::infinity();
                for (const double l : log_weights)
                    if (std::isfinite(l))
                        largest = std::max(largest, l);
                relative.resize(log_weights.size());
                for (std::size_t i = 0; i < log_weights.size(); ++i)
                    relative[i] = largest == -std::numeric_limits<double>::infinity()
                                      ? std::exp(log_weights[i]) // 0 unless NaN or +inf
                                      : std::exp(log_weights[i] - largest);
                s.weights.log_scale = largest;
                s.weights.relative = sample_moments::of(relative);
                return s;
            });
    detail::weight_block_summary total;
    for (const detail::weight_block_summary& block : summaries) {
        total.log_sum.merge(block.log_sum);
        total.weights.merge(block.weights);
    }
    const sample_moments& v = total.weights.relative;
    if (v.count < 2)
        throw std::invalid_argument("an estimate with a standard error needs at least two samples");
    mc_estimate e;
    e.mean = total.log_sum.log_mean();
    e.count = v.count;
    e.draws = v.count;
    e.variance = v.variance() / (v.mean * v.mean);
    e.variance_finite = integrand.weight_variance_finite();
    if (!std::isfinite(e.mean) || !(v.mean > 0.0)) {
        // A NaN or infinite log-weight, or all weights zero: no spread to speak of.
        e.standard_error = std::numeric_limits<double>::quiet_NaN();
        e.interval = {std::numeric_limits<double>::quiet_NaN(),
                      std::numeric_limits<double>::quiet_NaN()};
        return e;
    }
    e.standard_error = std::sqrt(e.variance / static_cast<double>(e.count));
    e.bias_bound = e.standard_error * e.standard_error;
    const confidence_interval delta =
        mean_confidence_interval_at_z(e.mean, e.standard_error, e.count, options.z);
    e.interval = {delta.lower, delta.upper + e.bias_bound};
    return e;
}

// The same four, preparing the integrand from the model, the observation and the guide. Prepare
// an elbo_integrand once instead when estimating repeatedly: its set-up costs O(D^2 d).
inline mc_estimate estimate_elbo_a(const model::linear_gaussian& model, const Eigen::VectorXd& x,
                                   const model::gaussian& q,
                                   const mc_estimator_options& options = {}) {
    return estimate_elbo_a(elbo_integrand(model, x, q), options);
}
inline mc_estimate estimate_elbo_b(const model::linear_gaussian& model, const Eigen::VectorXd& x,
                                   const model::gaussian& q,
                                   const mc_estimator_options& options = {}) {
    return estimate_elbo_b(elbo_integrand(model, x, q), options);
}
inline mc_estimate estimate_iwae_bound(const model::linear_gaussian& model,
                                       const Eigen::VectorXd& x, const model::gaussian& q,
                                       std::uint64_t k, const mc_estimator_options& options = {}) {
    return estimate_iwae_bound(elbo_integrand(model, x, q), k, options);
}
inline mc_estimate estimate_log_mean_weight(const model::linear_gaussian& model,
                                            const Eigen::VectorXd& x, const model::gaussian& q,
                                            const mc_estimator_options& options = {}) {
    return estimate_log_mean_weight(elbo_integrand(model, x, q), options);
}

} // namespace elbocheck::eval
