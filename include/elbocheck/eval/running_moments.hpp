#pragma once
// Mean and variance accumulated one value at a time (Welford 1962) and combined across blocks
// (Chan, Golub & LeVeque 1979, pairwise update), without the cancellation of the
// sum-of-squares formula.
//
// Reproducibility: push and merge are deterministic, but merge is not associative in floating
// point, so a threaded caller gets the same bits for any number of threads only if it gives
// each block its own running_moments and merges the blocks in a fixed order (e.g. by block
// index), not in the order the threads finish.

#include <cmath>
#include <cstdint>
#include <limits>
#include <span>

namespace elbocheck::eval {

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC push_options
#pragma GCC optimize("fp-contract=off")
#endif
namespace detail {

// (count, mean, m2 = sum of squared deviations) of a sample with a second sample appended:
// the pairwise update of Chan, Golub & LeVeque (1979). The one implementation behind
// running_moments::merge and the block reduction of sample_blocks.hpp. Compiled without FMA
// contraction, so that the threaded estimators' results (which merge block summaries with it)
// do not change with -march flags.
inline void merge_moments(std::uint64_t& count, double& mean, double& m2, std::uint64_t other_count,
                          double other_mean, double other_m2) noexcept {
    if (other_count == 0)
        return;
    if (count == 0) {
        count = other_count;
        mean = other_mean;
        m2 = other_m2;
        return;
    }
    // Counts as doubles: the product na * nb of two large counts would overflow 64 bits.
    const double na = static_cast<double>(count);
    const double nb = static_cast<double>(other_count);
    const double n = na + nb;
    const double delta = other_mean - mean;
    mean += delta * (nb / n);
    m2 += other_m2 + delta * delta * (na * (nb / n));
    count += other_count;
}

} // namespace detail
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC pop_options
#endif

class running_moments {
  public:
    void push(double x) noexcept {
        ++count_;
        const double delta = x - mean_;
        mean_ += delta / static_cast<double>(count_);
        m2_ += delta * (x - mean_);
    }

    void push(std::span<const double> xs) noexcept {
        for (const double x : xs) {
            push(x);
        }
    }

    // Afterwards *this describes the union of both samples, as if all of `other` had been pushed
    // after everything in *this (up to rounding).
    void merge(const running_moments& other) noexcept {
        detail::merge_moments(count_, mean_, m2_, other.count_, other.mean_, other.m2_);
    }

    std::uint64_t count() const noexcept { return count_; }

    // NaN for an empty sample.
    double mean() const noexcept {
        return count_ == 0 ? std::numeric_limits<double>::quiet_NaN() : mean_;
    }

    // sum_i (x_i - mean)^2.
    double sum_of_squared_deviations() const noexcept { return m2_; }

    // Unbiased sample variance (divisor n - 1); NaN with fewer than two values.
    double variance() const noexcept {
        return count_ < 2 ? std::numeric_limits<double>::quiet_NaN()
                          : m2_ / static_cast<double>(count_ - 1);
    }

    // Estimated standard deviation of the mean, sqrt(variance / n); NaN with fewer than two
    // values.
    double standard_error() const noexcept {
        return std::sqrt(variance() / static_cast<double>(count_));
    }

  private:
    std::uint64_t count_ = 0;
    double mean_ = 0.0;
    double m2_ = 0.0;
};

} // namespace elbocheck::eval
