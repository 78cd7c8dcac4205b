#pragma once
// Uniform and standard normal variates from Philox4x32-10 (Random123) as a pure function of
// (seed, block, index), so any thread may generate any block, in any order and in any chunking,
// and get the same bits.
//
// The mapping is a contract: results recorded with a seed stay reproducible only while it holds.
//
//   key     = { lo32(seed), hi32(seed) }
//   counter = { lo32(block), hi32(block), lo32(j), hi32(j) }          one Philox call per j
//   words w0..w3 = Philox4x32-10(counter, key)
//
//   uniform 2j   : bits = (w1 << 32) | w0
//   uniform 2j+1 : bits = (w3 << 32) | w2
//   uniform(bits) = (2 * (bits >> 12) + 1) / 2^53  ∈ [2^-53, 1 - 2^-53]
//                   (equals r123::u01fixedpt<double>(bits): 2^52 equally likely, equally spaced
//                   values, symmetric about 1/2, never 0 or 1, so log never sees 0)
//
//   normal 2j    = sqrt(-2 ln uniform 2j) * cos(2 pi uniform 2j+1)       (Box–Muller)
//   normal 2j+1  = sqrt(-2 ln uniform 2j) * sin(2 pi uniform 2j+1)
//
// Uniform i and normal i of the same (seed, block) come from the same Philox call, so a stream
// should be consumed as uniforms or as normals, not both. Indices i run over [0, 2^64); block
// and seed over all of [0, 2^64). The largest |normal| is sqrt(-2 ln 2^-53) ≈ 8.57.
//
// Vectorization, checked with GCC 12.2 `-fopt-info-vec` (x86-64 baseline SSE2): the Box–Muller
// loop (detail::box_muller_in_place) is reported "loop vectorized using 16 byte vectors" at -O2
// and -O3 (32 byte vectors with -march=native, AVX2), with no calls left in it. The Philox loop
// in fill_uniforms is vectorized at -O3 only. ln, sin/cos and sqrt are computed below with plain
// arithmetic instead of <cmath> for this reason: a libm call in the loop (and sqrt's errno
// branch, unless -fno-math-errno) stops the vectorizer, and libmvec's vector variants would
// round differently from the scalar calls that handle the loop remainder, so a value would
// depend on where a chunk starts.
//
// Reproducibility assumes IEEE double arithmetic in round-to-nearest without -ffast-math. The
// Box–Muller kernels are compiled with fp-contract=off (GCC pragma below), so that with FMA
// hardware (-march=native, -mfma) GCC neither fuses a*b+c differently in the vector body and
// the scalar remainder nor changes the bits relative to a build without FMA: the same seed gives
// the same normals at -O0, -O2, -O3, with or without -march=native.

#include <Random123/philox.h>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>

namespace elbocheck::eval {

using philox4x32_counter = std::array<std::uint32_t, 4>;
using philox4x32_key = std::array<std::uint32_t, 2>;

// The raw bijection, exposed so that the known-answer vectors can be checked through the same
// code path the generators use. Always inlined: at -O2 GCC would call it once per two uniforms
// and pass the words through memory.
[[gnu::always_inline]] inline philox4x32_counter philox4x32_10(const philox4x32_counter& counter,
                                                               const philox4x32_key& key) noexcept {
    const r123::Philox4x32::ctr_type c = {{counter[0], counter[1], counter[2], counter[3]}};
    const r123::Philox4x32::key_type k = {{key[0], key[1]}};
    const r123::Philox4x32::ctr_type r = r123::Philox4x32{}(c, k);
    return {r.v[0], r.v[1], r.v[2], r.v[3]};
}

inline constexpr philox4x32_key philox_key_for_seed(std::uint64_t seed) noexcept {
    return {static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)};
}

// j = i / 2: one Philox call yields uniforms (or normals) 2j and 2j + 1.
inline constexpr philox4x32_counter philox_counter_for(std::uint64_t block,
                                                       std::uint64_t j) noexcept {
    return {static_cast<std::uint32_t>(block), static_cast<std::uint32_t>(block >> 32),
            static_cast<std::uint32_t>(j), static_cast<std::uint32_t>(j >> 32)};
}

// (2 * (bits >> 12) + 1) / 2^53, built from the bit pattern of 1 + (bits >> 12) / 2^52 minus
// (1 - 2^-53). The subtraction is exact (Sterbenz), and unlike an integer-to-double conversion
// it needs no 64-bit conversion instruction, which SSE2/AVX2 lack.
inline double open_uniform_from_bits(std::uint64_t bits) noexcept {
    const double one_to_two = std::bit_cast<double>((bits >> 12) | 0x3ff0000000000000ULL);
    return one_to_two - 0x1.fffffffffffffp-1;
}

// fp-contract=off for the Box–Muller kernels only (see the header comment); push/pop keeps the
// includer's code untouched. The kernels share the option, so they still inline into each other.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC push_options
#pragma GCC optimize("fp-contract=off")
#endif
namespace detail {

// ln(u) for u in [2^-53, 1) (normal, positive, finite: the only values the uniforms take).
// u = 2^k m with m in [sqrt(1/2), sqrt(2)); ln m = 2 atanh(s), s = f / (2 + f), f = m - 1,
// |s| <= 3 - 2 sqrt(2) ≈ 0.172. Written as f - s (f - R) with R = 2 sum_{n>=1} s^{2n} / (2n+1)
// so that the leading term f is exact; ten terms of R put the truncation below 2^-60
// relative. Accuracy is checked against std::log in tests.
inline double log_open_unit(double u) noexcept {
    // Moving the mantissa window from [1, 2) to [sqrt(1/2), sqrt(2)) keeps |s| small for u
    // just below a power of two, where the naive split would give m close to 2.
    constexpr std::uint64_t sqrt_half_high_bits = 0x3fe6a09e00000000ULL;
    const std::uint64_t shifted =
        std::bit_cast<std::uint64_t>(u) + (0x3ff0000000000000ULL - sqrt_half_high_bits);
    // k as a double via the 2^52 trick: no int64 -> double conversion, which would not vectorize.
    const double k =
        std::bit_cast<double>(0x4330000000000000ULL | (shifted >> 52)) - (0x1p52 + 1023.0);
    const double m = std::bit_cast<double>((shifted & 0x000fffffffffffffULL) + sqrt_half_high_bits);
    const double f = m - 1.0;
    const double s = f / (2.0 + f);
    const double z = s * s;
    const double r =
        z * (2.0 / 3 +
             z * (2.0 / 5 +
                  z * (2.0 / 7 +
                       z * (2.0 / 9 +
                            z * (2.0 / 11 +
                                 z * (2.0 / 13 +
                                      z * (2.0 / 15 +
                                           z * (2.0 / 17 + z * (2.0 / 19 + z * (2.0 / 21))))))))));
    // ln 2 split so that k * ln2_high is exact for |k| < 2^20.
    constexpr double ln2_high = 0x1.62e42fee00000p-1;
    constexpr double ln2_low = 0x1.a39ef35793c76p-33;
    return k * ln2_high + (k * ln2_low + (f - s * (f - r)));
}

// sqrt(y) for normal y > 0, faithfully rounded, by Newton's iteration on 1/sqrt(y) from the
// exponent-halving bit trick (64-bit analogue of 0x5f3759df; relative error < 3.5%), then one
// Heron step on sqrt(y). std::sqrt would be exact, but with math errno it is a call in the loop.
inline double sqrt_positive(double y) noexcept {
    double r =
        std::bit_cast<double>(0x5fe6eb50c7b537a9ULL - (std::bit_cast<std::uint64_t>(y) >> 1));
    const double half_y = 0.5 * y;
    // Relative error 3.5e-2 -> 1.8e-3 -> 4.8e-6 -> 3.5e-11 -> rounding. Written out, not as a
    // loop: at -O2 GCC does not unroll it, and the loop left inside stops the vectorizer.
    r = r * (1.5 - half_y * r * r);
    r = r * (1.5 - half_y * r * r);
    r = r * (1.5 - half_y * r * r);
    r = r * (1.5 - half_y * r * r);
    const double s = y * r;
    return 0.5 * (s + y / s);
}

struct cos_sin {
    double cos;
    double sin;
};

// cos and sin of 2 pi u for u in (0, 1). 4u = q + t with q the nearest integer and |t| <= 1/2,
// both exact, so the angle pi/2 * t in [-pi/4, pi/4] carries no reduction error; Taylor series
// to degree 19/18 are then below 2^-57 relative. q is found by comparisons, not by a float to
// integer conversion, so that the whole function stays in double lanes.
inline cos_sin cos_sin_two_pi(double u) noexcept {
    const double four_u = 4.0 * u;
    const double q = (four_u >= 0.5 ? 1.0 : 0.0) + (four_u >= 1.5 ? 1.0 : 0.0) +
                     (four_u >= 2.5 ? 1.0 : 0.0) + (four_u >= 3.5 ? 1.0 : 0.0);
    const double x = (four_u - q) * 0x1.921fb54442d18p0; // pi / 2
    const double x2 = x * x;
    // Coefficients (-1)^n / (2n+1)! and (-1)^n / (2n)!.
    const double sin_x =
        x + x * x2 *
                (-1.0 / 6 +
                 x2 * (1.0 / 120 +
                       x2 * (-1.0 / 5040 +
                             x2 * (1.0 / 362880 +
                                   x2 * (-1.0 / 39916800 +
                                         x2 * (1.0 / 6227020800 +
                                               x2 * (-1.0 / 1307674368000 +
                                                     x2 * (1.0 / 355687428096000 +
                                                           x2 * (-1.0 / 121645100408832000)))))))));
    const double cos_x =
        1.0 +
        x2 * (-0.5 +
              x2 * (1.0 / 24 +
                    x2 * (-1.0 / 720 +
                          x2 * (1.0 / 40320 +
                                x2 * (-1.0 / 3628800 +
                                      x2 * (1.0 / 479001600 +
                                            x2 * (-1.0 / 87178291200 +
                                                  x2 * (1.0 / 20922789888000 +
                                                        x2 * (-1.0 / 6402373705728000)))))))));
    // Rotate by q quarter turns (q = 4 is a full turn).
    const bool odd = q == 1.0 || q == 3.0;
    const double c = odd ? sin_x : cos_x;
    const double s = odd ? cos_x : sin_x;
    return {q == 1.0 || q == 2.0 ? -c : c, q == 2.0 || q == 3.0 ? -s : s};
}

// (u_radius, u_angle) -> (r cos, r sin), in place. Always inlined: at -O2 GCC would otherwise
// keep it a call, and a call in the loop stops the vectorizer.
[[gnu::always_inline]] inline void box_muller_pair(double* pair) noexcept {
    const double radius = sqrt_positive(-2.0 * log_open_unit(pair[0]));
    const cos_sin angle = cos_sin_two_pi(pair[1]);
    pair[0] = radius * angle.cos;
    pair[1] = radius * angle.sin;
}

// Box–Muller over interleaved pairs, in place. The inner loop has a fixed trip count because
// GCC 12 at -O2 (very-cheap cost model) vectorizes only loops that need no scalar epilogue;
// 8 is a multiple of the vector length for SSE2, AVX2 and AVX-512. The remainder runs the same
// code one pair at a time, which gives the same bits (see the header comment).
inline void box_muller_in_place(double* pairs, std::size_t pair_count) noexcept {
    constexpr std::size_t batch = 8;
    std::size_t p = 0;
    for (; p + batch <= pair_count; p += batch) {
        double* const batch_start = pairs + 2 * p;
        for (std::size_t k = 0; k < batch; ++k) {
            box_muller_pair(batch_start + 2 * k);
        }
    }
    for (; p < pair_count; ++p) {
        box_muller_pair(pairs + 2 * p);
    }
}

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC pop_options
#endif

inline void uniform_pair(const philox4x32_key& key, std::uint64_t block, std::uint64_t j,
                         double* out) noexcept {
    const philox4x32_counter w = philox4x32_10(philox_counter_for(block, j), key);
    out[0] = open_uniform_from_bits((std::uint64_t{w[1]} << 32) | w[0]);
    out[1] = open_uniform_from_bits((std::uint64_t{w[3]} << 32) | w[2]);
}

} // namespace detail

// Writes uniforms first, first+1, ..., first+n-1 of (seed, block) to out[0..n).
inline void fill_uniforms(std::uint64_t seed, std::uint64_t block, std::uint64_t first, double* out,
                          std::size_t n) noexcept {
    if (n == 0) {
        return;
    }
    const philox4x32_key key = philox_key_for_seed(seed);
    double pair[2];
    if (first % 2 == 1) {
        detail::uniform_pair(key, block, first / 2, pair);
        *out++ = pair[1];
        ++first;
        --n;
    }
    const std::uint64_t first_pair = first / 2;
    const std::size_t whole_pairs = n / 2;
    for (std::size_t p = 0; p < whole_pairs; ++p) {
        detail::uniform_pair(key, block, first_pair + p, out + 2 * p);
    }
    if (n % 2 == 1) {
        detail::uniform_pair(key, block, first_pair + whole_pairs, pair);
        out[n - 1] = pair[0];
    }
}

// Writes normals first, first+1, ..., first+n-1 of (seed, block) to out[0..n). The uniforms
// are generated into out first and then transformed in place by one vectorizable loop.
inline void fill_normals(std::uint64_t seed, std::uint64_t block, std::uint64_t first, double* out,
                         std::size_t n) noexcept {
    double pair[2];
    // A chunk may start or end in the middle of a Box–Muller pair; the stray element is
    // computed from its whole pair so that it does not depend on where the chunk starts.
    if (n != 0 && first % 2 == 1) {
        fill_uniforms(seed, block, first - 1, pair, 2);
        detail::box_muller_in_place(pair, 1);
        *out++ = pair[1];
        ++first;
        --n;
    }
    const std::size_t whole_pairs = n / 2;
    fill_uniforms(seed, block, first, out, 2 * whole_pairs);
    detail::box_muller_in_place(out, whole_pairs);
    if (n % 2 == 1) {
        fill_uniforms(seed, block, first + 2 * whole_pairs, pair, 2);
        detail::box_muller_in_place(pair, 1);
        out[n - 1] = pair[0];
    }
}

// Normals 0, 1, ..., n-1 of (seed, block).
inline void fill_normals(std::uint64_t seed, std::uint64_t block, double* out,
                         std::size_t n) noexcept {
    fill_normals(seed, block, 0, out, n);
}

// One normal; for tests and scalar code paths, not for bulk use.
inline double normal_at(std::uint64_t seed, std::uint64_t block, std::uint64_t i) noexcept {
    double z = 0.0;
    fill_normals(seed, block, i, &z, 1);
    return z;
}

} // namespace elbocheck::eval
