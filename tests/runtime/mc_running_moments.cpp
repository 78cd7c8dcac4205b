// running_moments: agreement with a two-pass computation, merges over arbitrary partitions, and
// a sample whose mean dwarfs its spread.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <elbocheck/eval/philox_normals.hpp>
#include <elbocheck/eval/running_moments.hpp>
#include <random>
#include <span>
#include <vector>

namespace ev = elbocheck::eval;

namespace {

struct reference_moments {
    long double mean;
    long double variance;
};

// Two passes in long double: the textbook-accurate reference.
reference_moments two_pass(std::span<const double> xs) {
    long double sum = 0;
    for (const double x : xs) {
        sum += x;
    }
    const long double mean = sum / xs.size();
    long double squares = 0;
    for (const double x : xs) {
        squares += (x - mean) * (x - mean);
    }
    return {mean, squares / (xs.size() - 1)};
}

double relative_difference(long double a, long double b) {
    return static_cast<double>(std::abs(a - b) / std::abs(b));
}

std::vector<double> normal_sample(std::uint64_t block, std::size_t n, double mean, double sd) {
    std::vector<double> xs(n);
    ev::fill_normals(2024, block, xs.data(), n);
    for (double& x : xs) {
        x = mean + sd * x;
    }
    return xs;
}

} // namespace

TEST_CASE("running_moments matches a two-pass computation", "[moments]") {
    const std::vector<double> xs = normal_sample(1, 10000, 3.0, 2.0);
    ev::running_moments m;
    m.push(xs);
    const reference_moments ref = two_pass(xs);
    CHECK(m.count() == xs.size());
    CHECK(relative_difference(m.mean(), ref.mean) < 1e-14);
    CHECK(relative_difference(m.variance(), ref.variance) < 1e-13);
    CHECK(m.standard_error() == std::sqrt(m.variance() / static_cast<double>(xs.size())));
    CHECK(m.sum_of_squared_deviations() == m.variance() * static_cast<double>(xs.size() - 1));

    SECTION("small exact cases") {
        ev::running_moments small;
        for (const double x : {2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0}) {
            small.push(x);
        }
        CHECK(small.mean() == 5.0);
        CHECK(small.variance() == Approx(32.0 / 7.0).epsilon(1e-15));
    }
}

TEST_CASE("running_moments reports NaN where a moment is undefined", "[moments]") {
    ev::running_moments m;
    CHECK(m.count() == 0);
    CHECK(std::isnan(m.mean()));
    CHECK(std::isnan(m.variance()));
    CHECK(std::isnan(m.standard_error()));
    m.push(1.5);
    CHECK(m.mean() == 1.5);
    CHECK(std::isnan(m.variance()));
    m.push(2.5);
    CHECK(m.variance() == 0.5);
}

TEST_CASE("merging blocks of any partition agrees with one pass", "[moments]") {
    const std::vector<double> xs = normal_sample(2, 20000, -7.0, 0.5);
    ev::running_moments whole;
    whole.push(xs);
    const std::span<const double> all(xs);

    std::mt19937_64 pick(42);
    for (int trial = 0; trial < 50; ++trial) {
        // Random cut points, including empty and single-element blocks.
        ev::running_moments merged;
        std::size_t at = 0;
        while (at < xs.size()) {
            const std::uint64_t kind = pick() % 4;
            const std::size_t size = kind == 0 ? 0 : kind == 1 ? 1 : 1 + pick() % 3000;
            const std::size_t take = std::min(size, xs.size() - at);
            ev::running_moments block;
            block.push(all.subspan(at, take));
            merged.merge(block);
            at += take;
        }
        REQUIRE(merged.count() == whole.count());
        REQUIRE(relative_difference(merged.mean(), whole.mean()) < 1e-12);
        REQUIRE(relative_difference(merged.variance(), whole.variance()) < 1e-12);
    }

    SECTION("a tree of merges, as a parallel reduction would do") {
        std::vector<ev::running_moments> level;
        for (std::size_t at = 0; at < xs.size(); at += 100) {
            ev::running_moments block;
            block.push(all.subspan(at, 100));
            level.push_back(block);
        }
        while (level.size() > 1) {
            std::vector<ev::running_moments> next;
            for (std::size_t i = 0; i < level.size(); i += 2) {
                ev::running_moments pair = level[i];
                if (i + 1 < level.size()) {
                    pair.merge(level[i + 1]);
                }
                next.push_back(pair);
            }
            level = next;
        }
        CHECK(relative_difference(level[0].mean(), whole.mean()) < 1e-12);
        CHECK(relative_difference(level[0].variance(), whole.variance()) < 1e-12);
    }

    SECTION("merging with empty accumulators changes nothing") {
        ev::running_moments m = whole;
        m.merge(ev::running_moments{});
        ev::running_moments empty;
        empty.merge(whole);
        CHECK(m.mean() == whole.mean());
        CHECK(m.variance() == whole.variance());
        CHECK(empty.mean() == whole.mean());
        CHECK(empty.variance() == whole.variance());
    }
}

TEST_CASE("a mean of 1e9 with unit spread keeps the variance accurate", "[moments]") {
    // x = 1e9 + N(0, 1): the naive formula (sum x^2 - (sum x)^2 / n) cancels about 18 digits of
    // 10^18-sized terms and loses everything. The reference is two-pass on x - 1e9, which is
    // exact (Sterbenz) and has the same variance.
    constexpr double offset = 1e9;
    const std::vector<double> xs = normal_sample(3, 100000, offset, 1.0);
    std::vector<double> shifted;
    for (const double x : xs) {
        shifted.push_back(x - offset);
    }
    const reference_moments ref = two_pass(shifted);

    ev::running_moments m;
    m.push(xs);
    // Condition number of the variance: kappa = sqrt(1 + mean^2 / variance) ≈ 1e9, so the data's
    // own rounding (ulp(1e9) ≈ 1.2e-7) allows relative errors of order kappa * eps ≈ 1e-7 in any
    // updating algorithm; 1e-6 leaves a factor 10.
    CHECK(relative_difference(m.variance(), ref.variance) < 1e-6);
    // The mean is rounded to ulp(1e9) / 2 at every update and the errors add up like a random
    // walk, ~ eps * sqrt(n / 3) ≈ 2e-14 relative here; harmless next to the standard error.
    CHECK(relative_difference(m.mean(), offset + ref.mean) < 1e-13);

    // Merging blocks of such data stays just as accurate.
    ev::running_moments merged;
    const std::span<const double> all(xs);
    for (std::size_t at = 0; at < xs.size(); at += 777) {
        ev::running_moments block;
        block.push(all.subspan(at, std::min<std::size_t>(777, xs.size() - at)));
        merged.merge(block);
    }
    CHECK(relative_difference(merged.variance(), ref.variance) < 1e-6);

    // The case is genuinely hard: the naive formula is off by more than 1%.
    double sum = 0.0;
    double sum_squares = 0.0;
    for (const double x : xs) {
        sum += x;
        sum_squares += x * x;
    }
    const double n = static_cast<double>(xs.size());
    const double naive = (sum_squares - sum * sum / n) / (n - 1.0);
    CHECK(relative_difference(naive, ref.variance) > 1e-2);
}
