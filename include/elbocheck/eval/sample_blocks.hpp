#pragma once
// A Monte Carlo sample split into fixed blocks, the blocks evaluated on any number of threads,
// and the per-block summaries reduced in block order: the deterministic threaded reduction.
//
// Why the result does not depend on the number of threads. Floating-point addition is not
// associative, so a sum reduced in the order threads happen to finish changes its last bits
// from run to run. Here the partition into blocks is fixed by the sample size and the block
// size alone; a thread takes whole blocks (claimed from a shared counter, so a busy core does
// not hold up the others), writes each block's summary into that block's own slot, and only
// after all threads have joined are the slots combined, one after another in block order. Which
// thread computed a block, and when, never enters the arithmetic.
//
// Why the summaries are computed here rather than with running_moments: Welford's update
// divides once per value and chains every value to the previous mean, so it runs at the
// latency of a division per sample, slower than the whole fused integrand at small d. Within a
// block the values already sit in a buffer, so the mean and the sum of squared deviations are
// computed by the (corrected) two-pass algorithm instead, with a fixed set of partial sums that
// the compiler can vectorize without reassociating anything; the blocks are then combined with
// the pairwise update of Chan, Golub & LeVeque (1979), detail::merge_moments, the same code as
// running_moments::merge. Both stages
// are stable: no sum-of-squares cancellation.

#include "elbocheck/eval/running_moments.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <limits>
#include <span>
#include <stdexcept>
#include <thread>
#include <vector>

namespace elbocheck::eval {

// `samples` values split into blocks of `block_size` (the last block may be shorter).
struct block_partition {
    std::uint64_t samples = 0;
    std::uint64_t block_size = 1;

    std::uint64_t block_count() const noexcept {
        return block_size == 0 ? 0 : samples / block_size + (samples % block_size != 0);
    }
    std::uint64_t size_of(std::uint64_t block) const noexcept {
        return std::min(block_size, samples - block * block_size);
    }
};

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC push_options
#pragma GCC optimize("fp-contract=off")
#endif

// Count, mean and sum of squared deviations of a sample; mergeable.
struct sample_moments {
    std::uint64_t count = 0;
    double mean = 0.0;
    double squared_deviations = 0.0; // sum (x - mean)^2

    // Corrected two-pass algorithm (Chan, Golub & LeVeque 1983, eq. 1.7): the second pass also
    // sums the deviations, whose total would be 0 but for the rounding of the first mean, and
    // uses it to correct both the mean and the squared deviations.
    static sample_moments of(std::span<const double> xs) noexcept {
        sample_moments m;
        m.count = xs.size();
        if (xs.empty())
            return m;
        constexpr std::size_t ways = 8; // partial sums, combined in a fixed tree below
        const std::size_t n = xs.size();
        const std::size_t whole = n - n % ways;
        double sums[ways] = {};
        for (std::size_t i = 0; i < whole; i += ways)
            for (std::size_t t = 0; t < ways; ++t)
                sums[t] += xs[i + t];
        for (std::size_t i = whole; i < n; ++i)
            sums[i - whole] += xs[i];
        const double count = static_cast<double>(n);
        const double first_mean = combine(sums) / count;

        double deviations[ways] = {};
        double squares[ways] = {};
        for (std::size_t i = 0; i < whole; i += ways)
            for (std::size_t t = 0; t < ways; ++t) {
                const double delta = xs[i + t] - first_mean;
                deviations[t] += delta;
                squares[t] += delta * delta;
            }
        for (std::size_t i = whole; i < n; ++i) {
            const double delta = xs[i] - first_mean;
            deviations[i - whole] += delta;
            squares[i - whole] += delta * delta;
        }
        const double correction = combine(deviations);
        m.mean = first_mean + correction / count;
        m.squared_deviations = combine(squares) - correction * (correction / count);
        // The correction can overshoot by rounding when all values are equal.
        if (m.squared_deviations < 0.0)
            m.squared_deviations = 0.0;
        return m;
    }

    // As if `other`'s values had been appended (Chan, Golub & LeVeque 1979).
    void merge(const sample_moments& other) noexcept {
        detail::merge_moments(count, mean, squared_deviations, other.count, other.mean,
                              other.squared_deviations);
    }

    // Unbiased sample variance; NaN with fewer than two values.
    double variance() const noexcept {
        return count < 2 ? std::numeric_limits<double>::quiet_NaN()
                         : squared_deviations / static_cast<double>(count - 1);
    }
    double standard_error() const noexcept {
        return std::sqrt(variance() / static_cast<double>(count));
    }

  private:
    static double combine(const double (&s)[8]) noexcept {
        return ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
    }
};

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC pop_options
#endif

// Threads to use: `requested`, or the hardware's count when 0, never more than there are
// blocks (an idle thread costs a spawn and adds nothing).
inline unsigned thread_count_for(unsigned requested, std::uint64_t blocks) noexcept {
    unsigned threads =
        requested != 0 ? requested : std::max(1u, std::thread::hardware_concurrency());
    return static_cast<unsigned>(
        std::max<std::uint64_t>(1, std::min<std::uint64_t>(threads, blocks)));
}

// results[b] = work(b) for every block b < block_count, on `threads` threads (the caller's
// thread is one of them). make_worker() is called once per thread, on that thread, and returns
// the callable `Result(std::uint64_t block)` that owns the thread's scratch buffers. If workers
// throw, the other threads stop claiming blocks, and the exception of the lowest block (a
// failure in make_worker counts as block 0) is rethrown once all threads have stopped.
template <class Result, class MakeWorker>
std::vector<Result> evaluate_blocks(std::uint64_t block_count, unsigned threads,
                                    MakeWorker&& make_worker) {
    std::vector<Result> results(block_count);
    if (block_count == 0)
        return results;
    struct failure {
        std::uint64_t block = std::numeric_limits<std::uint64_t>::max();
        std::exception_ptr exception;
    };
    const unsigned count = thread_count_for(threads, block_count);
    std::vector<failure> failures(count); // one slot per thread: no two threads share one
    std::atomic<std::uint64_t> next{0};
    std::atomic<bool> failed{false};
    auto run = [&](unsigned thread) {
        std::uint64_t block = 0;
        try {
            auto work = make_worker();
            while (!failed.load(std::memory_order_relaxed) &&
                   (block = next.fetch_add(1, std::memory_order_relaxed)) < block_count)
                results[block] = work(block);
        } catch (...) {
            failures[thread] = {block, std::current_exception()};
            failed.store(true, std::memory_order_relaxed);
        }
    };
    {
        std::vector<std::jthread> helpers;
        helpers.reserve(count - 1);
        for (unsigned t = 1; t < count; ++t)
            helpers.emplace_back(run, t);
        run(0);
    } // the jthreads join here, so their writes to `results` happen before what follows
    const auto first =
        std::min_element(failures.begin(), failures.end(),
                         [](const failure& a, const failure& b) { return a.block < b.block; });
    if (first->exception)
        std::rethrow_exception(first->exception);
    return results;
}

} // namespace elbocheck::eval
