// Philox normals: the generator against its published answers, the documented
// (seed, block, i) mapping, bit-identical results under any chunking and order, accuracy of the
// vectorizable math kernels, and the distribution of the normals.
#include <Random123/philox.h>
#include <Random123/uniform.hpp>
#include <algorithm>
#include <bit>
#include <boost/math/distributions/normal.hpp>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <elbocheck/eval/philox_normals.hpp>
#include <numeric>
#include <random>
#include <vector>

namespace ev = elbocheck::eval;

namespace {

constexpr std::uint64_t test_seed = 0x005e'ed0f'e1b0'c4ecULL;

// Bitwise equality, so that -0.0 vs 0.0 or two different NaNs would count as a difference.
bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

std::vector<double> normals(std::uint64_t seed, std::uint64_t block, std::uint64_t first,
                            std::size_t n) {
    std::vector<double> out(n);
    ev::fill_normals(seed, block, first, out.data(), n);
    return out;
}

double ulp_distance(double a, double b) {
    return static_cast<double>(std::bit_cast<std::int64_t>(a) - std::bit_cast<std::int64_t>(b));
}

} // namespace

// Known-answer vectors for Philox4x32-10 from the Random123 1.14 distribution,
// examples/kat_vectors (D. E. Shaw Research; the same three lines appear verbatim in the
// libraries that port Random123, e.g. the Rust and Go ports' KAT tests). Columns: counter[4],
// key[2], expected output[4].
TEST_CASE("Philox4x32-10 reproduces the Random123 known-answer vectors", "[philox]") {
    struct kat {
        ev::philox4x32_counter counter;
        ev::philox4x32_key key;
        ev::philox4x32_counter expected;
    };
    const kat vectors[] = {
        {{0x00000000, 0x00000000, 0x00000000, 0x00000000},
         {0x00000000, 0x00000000},
         {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}},
        {{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff},
         {0xffffffff, 0xffffffff},
         {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}},
        // Hex digits of pi.
        {{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344},
         {0xa4093822, 0x299f31d0},
         {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}},
    };
    for (const kat& v : vectors) {
        CHECK(ev::philox4x32_10(v.counter, v.key) == v.expected);
    }
}

TEST_CASE("uniforms follow the documented (seed, block, i) mapping", "[philox]") {
    SECTION("end to end through the known-answer vectors") {
        // All-zero vector: seed 0, block 0, Philox call j = 0 -> uniforms 0 and 1.
        double u[2];
        ev::fill_uniforms(0, 0, 0, u, 2);
        CHECK(u[0] == r123::u01fixedpt<double>(0xe169c58d'6627e8d5ULL));
        CHECK(u[1] == r123::u01fixedpt<double>(0x9b00dbd8'bc57ac4cULL));

        // Pi-digits vector: counter = {lo(block), hi(block), lo(j), hi(j)}, key = {lo, hi}(seed).
        const std::uint64_t seed = 0x299f31d0'a4093822ULL;
        const std::uint64_t block = 0x85a308d3'243f6a88ULL;
        const std::uint64_t j = 0x03707344'13198a2eULL;
        ev::fill_uniforms(seed, block, 2 * j, u, 2);
        CHECK(u[0] == r123::u01fixedpt<double>(0x94fdcceb'd16cfe09ULL));
        CHECK(u[1] == r123::u01fixedpt<double>(0x24126ea1'5001e420ULL));
    }

    SECTION("against Random123 called directly, at random indices") {
        std::mt19937_64 pick(12345);
        for (int trial = 0; trial < 1000; ++trial) {
            const std::uint64_t seed = pick();
            const std::uint64_t block = pick();
            const std::uint64_t i = pick();
            const r123::Philox4x32::ctr_type ctr = {
                {static_cast<std::uint32_t>(block), static_cast<std::uint32_t>(block >> 32),
                 static_cast<std::uint32_t>(i / 2), static_cast<std::uint32_t>(i / 2 >> 32)}};
            const r123::Philox4x32::key_type key = {
                {static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)}};
            const auto w = r123::Philox4x32{}(ctr, key);
            const std::uint64_t bits = i % 2 == 0 ? (std::uint64_t{w.v[1]} << 32) | w.v[0]
                                                  : (std::uint64_t{w.v[3]} << 32) | w.v[2];
            double u = 0.0;
            ev::fill_uniforms(seed, block, i, &u, 1);
            REQUIRE(u == r123::u01fixedpt<double>(bits));
        }
    }

    SECTION("whole vector groups match Random123 lane by lane, across counter carries") {
        // The generator evaluates detail::group_pairs Philox calls at once, one per vector lane,
        // with the counter words built per lane. Ranges of several groups that cross the carry
        // from the low to the high counter word (j = 2^32) and end at the last index 2^64 - 1
        // catch a lane given the wrong counter, word or key.
        const std::uint64_t seed = 0x0123'4567'89ab'cdefULL;
        const std::uint64_t block = 0xfedc'ba98'7654'3210ULL;
        const std::size_t n = 6 * 2 * ev::detail::group_pairs + 3;
        for (const std::uint64_t first :
             {2 * ((std::uint64_t{1} << 32) - ev::detail::group_pairs) + 1,
              ~std::uint64_t{0} - (n - 1), std::uint64_t{5}}) {
            std::vector<double> u(n);
            ev::fill_uniforms(seed, block, first, u.data(), n);
            for (std::size_t k = 0; k < n; ++k) {
                const std::uint64_t i = first + k;
                const std::uint64_t j = i / 2;
                const r123::Philox4x32::ctr_type ctr = {
                    {static_cast<std::uint32_t>(block), static_cast<std::uint32_t>(block >> 32),
                     static_cast<std::uint32_t>(j), static_cast<std::uint32_t>(j >> 32)}};
                const r123::Philox4x32::key_type key = {
                    {static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)}};
                const auto w = r123::Philox4x32{}(ctr, key);
                const std::uint64_t bits = i % 2 == 0 ? (std::uint64_t{w.v[1]} << 32) | w.v[0]
                                                      : (std::uint64_t{w.v[3]} << 32) | w.v[2];
                INFO("index " << i);
                REQUIRE(u[k] == r123::u01fixedpt<double>(bits));
            }
        }
    }

    SECTION("the integer-to-uniform map is open at both ends and equals u01fixedpt") {
        CHECK(ev::open_uniform_from_bits(0) == 0x1p-53);
        CHECK(ev::open_uniform_from_bits(~std::uint64_t{0}) == 1.0 - 0x1p-53);
        CHECK(ev::open_uniform_from_bits(std::uint64_t{1} << 63) == 0.5 + 0x1p-53);
        CHECK(ev::open_uniform_from_bits((std::uint64_t{1} << 63) - 1) == 0.5 - 0x1p-53);
        std::mt19937_64 pick(777);
        for (int trial = 0; trial < 100000; ++trial) {
            const std::uint64_t bits = pick();
            REQUIRE(ev::open_uniform_from_bits(bits) == r123::u01fixedpt<double>(bits));
        }
    }
}

TEST_CASE("normals are bit-identical for any chunking and generation order", "[philox]") {
    constexpr std::size_t n = 20000;
    const std::vector<double> whole = normals(test_seed, 3, 0, n);

    SECTION("random chunk sizes, odd starts and ends included") {
        std::mt19937_64 pick(99);
        for (int round = 0; round < 20; ++round) {
            std::vector<double> pieces(n);
            std::size_t at = 0;
            while (at < n) {
                // Sizes straddle the 8-pair vector batch and the Box–Muller pairs.
                const std::size_t size = std::min<std::size_t>(n - at, 1 + pick() % 41);
                ev::fill_normals(test_seed, 3, at, pieces.data() + at, size);
                at += size;
            }
            REQUIRE(same_bits(pieces, whole));
        }
    }

    SECTION("chunks generated back to front") {
        std::vector<double> pieces(n);
        constexpr std::size_t chunk = 333; // odd, so every other chunk starts mid-pair
        for (std::size_t end = n; end > 0;) {
            const std::size_t begin = end > chunk ? end - chunk : 0;
            ev::fill_normals(test_seed, 3, begin, pieces.data() + begin, end - begin);
            end = begin;
        }
        CHECK(same_bits(pieces, whole));
    }

    SECTION("one value at a time") {
        for (std::size_t i = 0; i < 2000; ++i) {
            REQUIRE(std::bit_cast<std::uint64_t>(ev::normal_at(test_seed, 3, i)) ==
                    std::bit_cast<std::uint64_t>(whole[i]));
        }
    }

    SECTION("blocks generated in any order") {
        constexpr std::size_t blocks = 8;
        constexpr std::size_t per_block = 1001;
        std::vector<std::vector<double>> in_order;
        for (std::size_t b = 0; b < blocks; ++b) {
            in_order.push_back(normals(test_seed, b, 0, per_block));
        }
        std::vector<std::size_t> order(blocks);
        std::iota(order.begin(), order.end(), std::size_t{0});
        std::shuffle(order.begin(), order.end(), std::mt19937_64(5));
        for (const std::size_t b : order) {
            CHECK(same_bits(normals(test_seed, b, 0, per_block), in_order[b]));
        }
    }

    SECTION("uniforms too") {
        std::vector<double> u_whole(n);
        ev::fill_uniforms(test_seed, 3, 0, u_whole.data(), n);
        std::vector<double> u_pieces(n);
        for (std::size_t at = 0; at < n; at += 7) {
            ev::fill_uniforms(test_seed, 3, at, u_pieces.data() + at,
                              std::min<std::size_t>(7, n - at));
        }
        CHECK(same_bits(u_pieces, u_whole));
    }
}

TEST_CASE("seed and block select independent streams", "[philox]") {
    constexpr std::size_t n = 100000;
    const std::vector<double> base = normals(test_seed, 0, 0, n);
    const std::vector<double> others[] = {normals(test_seed, 1, 0, n),
                                          normals(test_seed + 1, 0, 0, n),
                                          normals(test_seed, std::uint64_t{1} << 32, 0, n)};
    for (const std::vector<double>& other : others) {
        CHECK_FALSE(same_bits(other, base));
        // Sample correlation of independent standard normals has standard error 1 / sqrt(n).
        const double correlation =
            std::inner_product(base.begin(), base.end(), other.begin(), 0.0) /
            static_cast<double>(n);
        CHECK(std::abs(correlation) < 6.0 / std::sqrt(static_cast<double>(n)));
    }
}

TEST_CASE("the vectorizable math kernels are as accurate as libm", "[philox]") {
    constexpr std::size_t n = 1 << 20;
    std::vector<double> u(n);
    ev::fill_uniforms(test_seed, 11, 0, u.data(), n);
    // Extremes of the uniforms and the points where the kernels switch branch.
    for (const double edge : {0x1p-53, 1.0 - 0x1p-53, 0.5, 0.5 - 0x1p-53, 0.5 + 0x1p-53,
                              0x1.6a09e667f3bcdp-1, 0x1.6a09e667f3bccp-1, 0.25, 0.75,
                              0.125 - 0x1p-53, 0.125 + 0x1p-53, 0.375 + 0x1p-53, 0.625 - 0x1p-53}) {
        u.push_back(edge);
    }
    double worst_log = 0.0;
    double worst_sqrt = 0.0;
    double worst_cos = 0.0;
    double worst_sin = 0.0;
    for (const double x : u) {
        worst_log =
            std::max(worst_log, std::abs(ulp_distance(ev::detail::log_open_unit(x), std::log(x))));
        const double y = -2.0 * std::log(x);
        worst_sqrt = std::max(worst_sqrt,
                              std::abs(ulp_distance(ev::detail::sqrt_positive(y), std::sqrt(y))));
        // Long double reference; its own error (~1e-19 absolute) is far below the bound.
        const long double angle = 2.0L * 3.141592653589793238462643383279502884L * x;
        const ev::detail::cos_sin cs = ev::detail::cos_sin_two_pi(x);
        worst_cos = std::max(worst_cos, std::abs(cs.cos - static_cast<double>(std::cos(angle))));
        worst_sin = std::max(worst_sin, std::abs(cs.sin - static_cast<double>(std::sin(angle))));
    }
    // Faithful rounding: at most one unit in the last place.
    CHECK(worst_log <= 1.0);
    CHECK(worst_sqrt <= 1.0);
    // Absolute, because relative error is meaningless at the zeros of cos and sin. Bound: one
    // rounding of the reduced angle (<= pi/4 * 2^-53) plus the Horner sum and its final
    // rounding (< 2^-53), below 2 * 2^-53.
    CHECK(worst_cos <= 0x1p-52);
    CHECK(worst_sin <= 0x1p-52);
}

TEST_CASE("normals are Box–Muller of the uniforms", "[philox]") {
    constexpr std::size_t n = 200000;
    std::vector<double> u(n);
    ev::fill_uniforms(test_seed, 4, 0, u.data(), n);
    const std::vector<double> z = normals(test_seed, 4, 0, n);
    double worst = 0.0;
    for (std::size_t j = 0; j < n / 2; ++j) {
        const long double radius = std::sqrt(-2.0L * std::log(static_cast<long double>(u[2 * j])));
        const long double angle = 2.0L * 3.141592653589793238462643383279502884L * u[2 * j + 1];
        const double scale = std::max(1.0L, radius);
        worst = std::max(worst, std::abs(z[2 * j] - static_cast<double>(radius * std::cos(angle))) /
                                    scale);
        worst = std::max(
            worst, std::abs(z[2 * j + 1] - static_cast<double>(radius * std::sin(angle))) / scale);
    }
    // Radius: 1 ulp from ln (halved by sqrt) + 1 ulp from sqrt <= 1.5 * 2^-52 relative; cos/sin
    // <= 2^-52 absolute (previous test); the product's rounding <= 2^-53 relative.
    CHECK(worst <= 3 * 0x1p-52);
}

TEST_CASE("one million normals have the moments and distribution of N(0, 1)", "[philox]") {
    constexpr std::size_t n = 1'000'000;
    const std::vector<double> z = normals(test_seed, 0, 0, n);
    const double count = static_cast<double>(n);

    // Central moments about the known mean 0; sums in long double so that rounding is far
    // below the statistical tolerance.
    long double s1 = 0, s2 = 0, s3 = 0, s4 = 0, lag1 = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const long double x = z[i];
        s1 += x;
        s2 += x * x;
        s3 += x * x * x;
        s4 += x * x * x * x;
        if (i + 1 < n) {
            lag1 += x * z[i + 1];
        }
    }
    const double mean = static_cast<double>(s1 / count);
    const double second = static_cast<double>(s2 / count);
    const double skewness = static_cast<double>(s3 / count) / std::pow(second, 1.5);
    const double kurtosis = static_cast<double>(s4 / count) / (second * second);
    // Asymptotic standard errors for N(0,1) samples: mean 1/sqrt(n), second moment sqrt(2/n),
    // skewness sqrt(6/n), kurtosis sqrt(24/n); each check allows 6 of them (two-sided false-alarm
    // rate 2e-9 each).
    const double z6 = 6.0 / std::sqrt(count);
    CHECK(std::abs(mean) < z6);
    CHECK(std::abs(second - 1.0) < z6 * std::sqrt(2.0));
    CHECK(std::abs(skewness) < z6 * std::sqrt(6.0));
    CHECK(std::abs(kurtosis - 3.0) < z6 * std::sqrt(24.0));
    // Neighbours, including the cos/sin halves of one Box–Muller pair, are uncorrelated.
    CHECK(std::abs(static_cast<double>(lag1 / count)) < z6);

    // Kolmogorov–Smirnov against Boost.Math's normal CDF. Under H0, P(sqrt(n) D > lambda) ->
    // 2 sum_k (-1)^(k-1) exp(-2 k^2 lambda^2) <= 2 exp(-2 lambda^2); lambda = 3.5 gives a
    // false-alarm rate below 5e-11, so a failure means a defect, not bad luck.
    std::vector<double> sorted = z;
    std::sort(sorted.begin(), sorted.end());
    const boost::math::normal_distribution<double> standard_normal;
    double d = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
        const double f = boost::math::cdf(standard_normal, sorted[i]);
        d = std::max(
            {d, static_cast<double>(i + 1) / count - f, f - static_cast<double>(i) / count});
    }
    CHECK(std::sqrt(count) * d < 3.5);
    // And the extremes stay within the reach of 53-bit uniforms.
    CHECK(std::abs(sorted.front()) < 8.58);
    CHECK(std::abs(sorted.back()) < 8.58);
}

TEST_CASE("one million uniforms are uniform on (0, 1)", "[philox]") {
    constexpr std::size_t n = 1'000'000;
    std::vector<double> u(n);
    ev::fill_uniforms(test_seed, 0, 0, u.data(), n);
    std::sort(u.begin(), u.end());
    CHECK(u.front() > 0.0);
    CHECK(u.back() < 1.0);
    const double count = static_cast<double>(n);
    double d = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
        d = std::max(
            {d, static_cast<double>(i + 1) / count - u[i], u[i] - static_cast<double>(i) / count});
    }
    CHECK(std::sqrt(count) * d < 3.5); // same threshold and reasoning as for the normals
}

// Golden values: the (seed, block, i) -> normal map is a reproducibility contract (recorded
// results name their seed), so any change to the mapping or to the Box–Muller kernels must show
// up here. Recorded with GCC 12.2; the same at -O0, -O2, -O3 and -O3 -march=native.
TEST_CASE("the normals of a fixed seed never change", "[philox]") {
    CHECK(ev::normal_at(test_seed, 7, 0) == -0x1.bdd0d58040e2bp-2);
    CHECK(ev::normal_at(test_seed, 7, 1) == -0x1.1b15d691cf8acp+0);
    CHECK(ev::normal_at(test_seed, 7, 2) == -0x1.e42a829ca20fdp-1);
    CHECK(ev::normal_at(test_seed, 7, 3) == 0x1.ae2c8dda6522p+0);
    CHECK(ev::normal_at(test_seed, 7, 999999) == -0x1.04851451a4e52p-7);
    CHECK(ev::normal_at(test_seed, 7, (std::uint64_t{1} << 40) + 1) == 0x1.d568a1ea84f23p+0);

    // FNV-1a over the bytes of the first 2^16 normals.
    const std::vector<double> z = normals(test_seed, 7, 0, std::size_t{1} << 16);
    std::uint64_t hash = 0xcbf29ce484222325ULL;
    for (const double x : z) {
        const auto bits = std::bit_cast<std::uint64_t>(x);
        for (int byte = 0; byte < 8; ++byte) {
            hash = (hash ^ ((bits >> (8 * byte)) & 0xff)) * 0x100000001b3ULL;
        }
    }
    CHECK(hash == 0x2b90280b049e139aULL);
}
