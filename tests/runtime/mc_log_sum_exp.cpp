// log-sum-exp: agreement with the naive formula where it works, huge and tiny magnitudes,
// special values, and the streaming / merged form against the one-shot form.
#include <catch2/catch.hpp>
#include <cmath>
#include <elbocheck/eval/log_sum_exp.hpp>
#include <elbocheck/eval/philox_normals.hpp>
#include <limits>
#include <random>
#include <span>
#include <vector>

namespace ev = elbocheck::eval;

namespace {

constexpr double inf = std::numeric_limits<double>::infinity();
constexpr double not_a_number = std::numeric_limits<double>::quiet_NaN();

double naive_log_sum_exp(std::span<const double> xs) {
    long double sum = 0;
    for (const double x : xs) {
        sum += std::exp(static_cast<long double>(x));
    }
    return static_cast<double>(std::log(sum));
}

std::vector<double> scaled_normals(std::uint64_t block, std::size_t n, double mean, double sd) {
    std::vector<double> xs(n);
    ev::fill_normals(77, block, xs.data(), n);
    for (double& x : xs) {
        x = mean + sd * x;
    }
    return xs;
}

} // namespace

TEST_CASE("log_sum_exp matches the naive formula where that works", "[log_sum_exp]") {
    for (const std::size_t n : {1U, 2U, 3U, 10U, 1000U}) {
        const std::vector<double> xs = scaled_normals(n, n, 0.5, 3.0);
        const double naive = naive_log_sum_exp(xs);
        // Two roundings per term and the final log1p: a few ulps of the result.
        CHECK(ev::log_sum_exp(xs) == Approx(naive).epsilon(1e-14).margin(1e-14));
        CHECK(ev::log_mean_exp(xs) ==
              Approx(naive - std::log(static_cast<double>(n))).epsilon(1e-14).margin(1e-14));
    }
    const double two[] = {std::log(2.0), std::log(6.0)};
    CHECK(ev::log_sum_exp(two) == Approx(std::log(8.0)).epsilon(1e-15));
    CHECK(ev::log_mean_exp(two) == Approx(std::log(4.0)).epsilon(1e-15));
}

TEST_CASE("log_sum_exp is exact for huge and tiny magnitudes", "[log_sum_exp]") {
    // exp(1000) overflows and exp(-1000) underflows; the shifted form needs neither.
    const double big[] = {1000.0, 1000.0};
    CHECK(ev::log_sum_exp(big) == Approx(1000.0 + std::log(2.0)).epsilon(1e-15));
    CHECK(ev::log_mean_exp(big) == 1000.0);
    const double small[] = {-1000.0, -1000.0, -1000.0};
    CHECK(ev::log_sum_exp(small) == Approx(-1000.0 + std::log(3.0)).epsilon(1e-15));
    CHECK(ev::log_mean_exp(small) == -1000.0);
    const double mixed[] = {-1000.0, 1000.0};
    CHECK(ev::log_sum_exp(mixed) == 1000.0);
    // A term far below the maximum still counts: log(1 + e^-40) = e^-40 - ..., which 1 + rest
    // would round to 0.
    const double tail[] = {0.0, -40.0};
    CHECK(ev::log_sum_exp(tail) == Approx(std::exp(-40.0)).epsilon(1e-15));
    const double one[] = {-1234.5};
    CHECK(ev::log_sum_exp(one) == -1234.5);
}

TEST_CASE("log_sum_exp special values follow the documented rules", "[log_sum_exp]") {
    const std::vector<double> empty;
    CHECK(ev::log_sum_exp(empty) == -inf);
    CHECK(std::isnan(ev::log_mean_exp(empty)));

    const double all_minus_inf[] = {-inf, -inf, -inf};
    CHECK(ev::log_sum_exp(all_minus_inf) == -inf);
    CHECK(ev::log_mean_exp(all_minus_inf) == -inf);

    const double some_minus_inf[] = {-inf, std::log(2.0), -inf, std::log(2.0)};
    CHECK(ev::log_sum_exp(some_minus_inf) == Approx(std::log(4.0)).epsilon(1e-15));
    CHECK(ev::log_mean_exp(some_minus_inf) == Approx(0.0).margin(1e-15));

    const double plus_inf[] = {1.0, inf, -inf};
    CHECK(ev::log_sum_exp(plus_inf) == inf);
    CHECK(ev::log_mean_exp(plus_inf) == inf);
    const double two_plus_inf[] = {inf, inf};
    CHECK(ev::log_sum_exp(two_plus_inf) == inf);

    const double with_nan[] = {1.0, not_a_number, 2.0};
    CHECK(std::isnan(ev::log_sum_exp(with_nan)));
    const double nan_and_inf[] = {inf, not_a_number};
    CHECK(std::isnan(ev::log_sum_exp(nan_and_inf)));
    CHECK(std::isnan(ev::log_mean_exp(nan_and_inf)));

    SECTION("the accumulator agrees, value by value") {
        const std::vector<std::vector<double>> cases = {{},
                                                        {-inf, -inf},
                                                        {-inf, 3.0},
                                                        {3.0, -inf},
                                                        {inf, 1.0},
                                                        {1.0, inf, inf},
                                                        {not_a_number},
                                                        {inf, not_a_number},
                                                        {not_a_number, inf},
                                                        {-inf, not_a_number}};
        for (const std::vector<double>& xs : cases) {
            ev::log_sum_exp_accumulator acc;
            for (const double x : xs) {
                acc.push(x);
            }
            const double expected = ev::log_sum_exp(xs);
            CHECK(acc.count() == xs.size());
            if (std::isnan(expected)) {
                CHECK(std::isnan(acc.log_sum()));
            } else {
                CHECK(acc.log_sum() == expected);
            }
        }
    }
}

TEST_CASE("streaming and merged log_sum_exp equal the one-shot value", "[log_sum_exp]") {
    // Log-weights with a wide spread, as importance weights have.
    const std::vector<double> xs = scaled_normals(9, 5000, -300.0, 25.0);
    const double one_shot = ev::log_sum_exp(xs);
    const double one_shot_mean = ev::log_mean_exp(xs);
    // Every term is rescaled a bounded number of times, each with a relative rounding of eps;
    // the sum of n positive terms carries at most ~n eps relative, i.e. an absolute error in the
    // log of ~n eps ≈ 1e-12 here. Observed errors are far smaller; 1e-12 is the bound.
    const double tolerance =
        static_cast<double>(xs.size()) * std::numeric_limits<double>::epsilon();

    SECTION("value by value") {
        ev::log_sum_exp_accumulator acc;
        for (const double x : xs) {
            acc.push(x);
        }
        CHECK(acc.count() == xs.size());
        CHECK(acc.log_sum() == Approx(one_shot).margin(tolerance));
        CHECK(acc.log_mean() == Approx(one_shot_mean).margin(tolerance));
    }

    SECTION("a whole span pushed at once is the one-shot value, bit for bit") {
        ev::log_sum_exp_accumulator acc;
        acc.push(xs);
        CHECK(acc.log_sum() == one_shot);
        CHECK(acc.log_mean() == one_shot_mean);
    }

    SECTION("blocks merged left to right, in random partitions") {
        const std::span<const double> all(xs);
        std::mt19937_64 pick(8);
        for (int trial = 0; trial < 30; ++trial) {
            ev::log_sum_exp_accumulator merged;
            std::size_t at = 0;
            while (at < xs.size()) {
                const std::size_t take = std::min<std::size_t>(pick() % 600, xs.size() - at);
                merged.merge(ev::log_sum_exp_accumulator::of_span(all.subspan(at, take)));
                at += take;
            }
            REQUIRE(merged.count() == xs.size());
            REQUIRE(merged.log_sum() == Approx(one_shot).margin(tolerance));
            REQUIRE(merged.log_mean() == Approx(one_shot_mean).margin(tolerance));
        }
    }

    SECTION("merge is deterministic for a fixed order") {
        const std::span<const double> all(xs);
        auto merge_in_blocks = [&] {
            ev::log_sum_exp_accumulator merged;
            for (std::size_t at = 0; at < xs.size(); at += 128) {
                merged.merge(ev::log_sum_exp_accumulator::of_span(
                    all.subspan(at, std::min<std::size_t>(128, xs.size() - at))));
            }
            return merged.log_sum();
        };
        CHECK(merge_in_blocks() == merge_in_blocks());
    }

    SECTION("blocks holding the maximum, ties, and only -inf merge correctly") {
        const double a[] = {5.0, 1.0};
        const double b[] = {5.0, -inf};
        const double c[] = {-inf, -inf};
        const double all[] = {5.0, 1.0, 5.0, -inf, -inf, -inf};
        ev::log_sum_exp_accumulator acc = ev::log_sum_exp_accumulator::of_span(c);
        acc.merge(ev::log_sum_exp_accumulator::of_span(a));
        acc.merge(ev::log_sum_exp_accumulator::of_span(b));
        CHECK(acc.count() == 6);
        CHECK(acc.log_sum() == Approx(ev::log_sum_exp(all)).epsilon(1e-15));
        CHECK(acc.log_mean() == Approx(ev::log_mean_exp(all)).epsilon(1e-15));
        acc.merge(ev::log_sum_exp_accumulator::of_span(std::span<const double>{}));
        CHECK(acc.count() == 6);
    }
}
