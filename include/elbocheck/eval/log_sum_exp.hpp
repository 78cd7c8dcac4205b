#pragma once
// log(sum_i exp(x_i)) and log(mean_i exp(x_i)) without overflow or underflow, as one-shot
// functions over a span and as a mergeable accumulator for bounds computed block by block
// (the IWAE bound L_K = E[log mean_k w_k] with log-weights produced in blocks).
//
// Special values follow the value of the sum in extended arithmetic:
//   - any NaN          -> NaN   (NaN wins over +inf: a NaN log-weight means the integrand was not
//                                evaluated correctly, and that must not be hidden by an inf)
//   - else any +inf    -> +inf
//   - all -inf         -> -inf  (a sum of zeros; also the value for an empty span)
//   - log_mean of nothing is NaN (0 / 0).
// -inf entries are zeros of the sum and are otherwise ignored.
//
// Accuracy: the sum is kept as max + log1p(rest), where rest = sum of exp(x_i - max) over all
// entries but one maximal one. Keeping the maximal term's 1 out of `rest` keeps the small terms
// that 1 + rest would round away (e.g. {0, -40}).
//
// Reproducibility: merge is deterministic but not associative in floating point; merge blocks
// in a fixed order to get the same bits for any number of threads.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>

namespace elbocheck::eval {

class log_sum_exp_accumulator {
  public:
    void push(double x) noexcept {
        ++count_;
        if (std::isnan(x)) {
            has_nan_ = true;
        } else if (x == infinity) {
            has_positive_infinity_ = true;
        } else if (x == -infinity) {
            // exp(-inf) = 0 adds nothing; handled apart because -inf - -inf would be NaN.
        } else if (x <= max_) {
            rest_ += std::exp(x - max_);
        } else {
            // The old maximum joins `rest`; with no old maximum exp(-inf - x) = 0 drops it.
            rest_ = (rest_ + 1.0) * std::exp(max_ - x);
            max_ = x;
        }
    }

    // Two passes over the span (one exp per element), then a merge: cheaper and more accurate
    // than pushing the elements one by one, which rescales `rest` whenever the maximum grows.
    void push(std::span<const double> xs) noexcept { merge(of_span(xs)); }

    void merge(const log_sum_exp_accumulator& other) noexcept {
        count_ += other.count_;
        has_nan_ = has_nan_ || other.has_nan_;
        has_positive_infinity_ = has_positive_infinity_ || other.has_positive_infinity_;
        if (other.max_ == -infinity) {
            return;
        }
        if (max_ == -infinity) {
            max_ = other.max_;
            rest_ = other.rest_;
        } else if (other.max_ <= max_) {
            rest_ += (other.rest_ + 1.0) * std::exp(other.max_ - max_);
        } else {
            rest_ = (rest_ + 1.0) * std::exp(max_ - other.max_) + other.rest_;
            max_ = other.max_;
        }
    }

    // Number of values pushed, including NaN and infinite ones.
    std::uint64_t count() const noexcept { return count_; }

    double log_sum() const noexcept {
        if (has_nan_) {
            return std::numeric_limits<double>::quiet_NaN();
        }
        if (has_positive_infinity_) {
            return infinity;
        }
        if (max_ == -infinity) {
            return -infinity;
        }
        return max_ + std::log1p(rest_);
    }

    double log_mean() const noexcept {
        if (count_ == 0) {
            return std::numeric_limits<double>::quiet_NaN();
        }
        return log_sum() - std::log(static_cast<double>(count_));
    }

    static log_sum_exp_accumulator of_span(std::span<const double> xs) noexcept {
        log_sum_exp_accumulator block;
        block.count_ = xs.size();
        std::size_t argmax = 0;
        for (std::size_t i = 0; i < xs.size(); ++i) {
            const double x = xs[i];
            if (std::isnan(x)) {
                block.has_nan_ = true;
            } else if (x == infinity) {
                block.has_positive_infinity_ = true;
            } else if (x > block.max_) {
                block.max_ = x;
                argmax = i;
            }
        }
        // With a NaN or +inf the result no longer depends on the finite values.
        if (block.has_nan_ || block.has_positive_infinity_ || block.max_ == -infinity) {
            return block;
        }
        double rest = 0.0;
        for (std::size_t i = 0; i < argmax; ++i) {
            rest += std::exp(xs[i] - block.max_);
        }
        for (std::size_t i = argmax + 1; i < xs.size(); ++i) {
            rest += std::exp(xs[i] - block.max_);
        }
        block.rest_ = rest;
        return block;
    }

  private:
    static constexpr double infinity = std::numeric_limits<double>::infinity();

    std::uint64_t count_ = 0;
    double max_ = -infinity; // largest finite value; -inf while there is none
    double rest_ = 0.0;      // sum of exp(x - max_) over finite x, less one term for max_ itself
    bool has_nan_ = false;
    bool has_positive_infinity_ = false;
};

inline double log_sum_exp(std::span<const double> xs) noexcept {
    return log_sum_exp_accumulator::of_span(xs).log_sum();
}

inline double log_mean_exp(std::span<const double> xs) noexcept {
    return log_sum_exp_accumulator::of_span(xs).log_mean();
}

} // namespace elbocheck::eval
