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
// Speed. Normals are made `lanes::width` Philox calls at a time (philox_lanes.hpp): the
// counters of consecutive pairs j sit in the lanes of integer vectors, the four output words
// become two vectors of uniforms, and Box–Muller runs on those vectors directly, so a group of
// 2 * width normals never leaves the registers until it is stored. The math below is written
// once, as templates over the value type, and instantiated for `double` (scalar, for tests) and
// for the lane vector `lanes::f64`: the same operations in the same order, hence the same bits.
// ln, sin/cos and sqrt are computed with plain arithmetic instead of <cmath>: libm has no
// vector versions (libmvec's round differently from the scalar calls, so a value would depend
// on the lane it was computed in), and a call would take the values out of the registers.
//
// Reproducibility assumes IEEE double arithmetic in round-to-nearest without -ffast-math. The
// Box–Muller kernels are compiled with fp-contract=off (GCC pragma below), so that with FMA
// hardware (-march=native, -mfma) GCC does not fuse a*b+c: the same seed gives the same normals
// at -O0, -O2, -O3, with or without -march=native, whatever the vector width.

#include "elbocheck/eval/philox_lanes.hpp"

#include <Random123/philox.h>
#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace elbocheck::eval {

using philox4x32_counter = std::array<std::uint32_t, 4>;
using philox4x32_key = std::array<std::uint32_t, 2>;

// The raw bijection, Random123's scalar implementation: the reference for the known-answer
// vectors and for the lane version that the generators use.
inline philox4x32_counter philox4x32_10(const philox4x32_counter& counter,
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

namespace detail {

// The integer type with the bits of V: std::uint64_t for double, lanes::u64 for lanes::f64.
template <class V>
using bits_of = std::conditional_t<std::is_same_v<V, double>, std::uint64_t, lanes::u64>;

// (2 * (bits >> 12) + 1) / 2^53, built from the bit pattern of 1 + (bits >> 12) / 2^52 minus
// (1 - 2^-53). The subtraction is exact (Sterbenz), and unlike an integer-to-double conversion
// it needs no 64-bit conversion instruction, which SSE2/AVX2 lack.
template <class V>
[[gnu::always_inline]] inline V open_uniform(bits_of<V> bits) noexcept {
    const V one_to_two = std::bit_cast<V>((bits >> 12) | 0x3ff0000000000000ULL);
    return one_to_two - 0x1.fffffffffffffp-1;
}

} // namespace detail

inline double open_uniform_from_bits(std::uint64_t bits) noexcept {
    return detail::open_uniform<double>(bits);
}

// fp-contract=off for the Box–Muller kernels only (see the header comment); push/pop keeps the
// includer's code untouched. The kernels share the option, so they still inline into each other.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC push_options
#pragma GCC optimize("fp-contract=off")
// Pre-register-allocation scheduling, off by default on x86: without it GCC emits the groups of
// a call (see `ways` below) one after another, each a single long dependency chain (ln, then
// sqrt's Newton steps), and the out-of-order window cannot reach far enough ahead to overlap
// them; interleaved, four chains run side by side (measured: 6.9 -> 3.9 ns per normal).
#pragma GCC optimize("schedule-insns")
#endif
namespace detail {

// Each kernel below is a template over V = double or lanes::f64. Comparisons and `?:` are
// written so that both read the same: for vectors, GCC's vector extension compares lane by lane
// and `mask ? a : b` selects lane by lane.

// ln(u) for u in [2^-53, 1) (normal, positive, finite: the only values the uniforms take).
// u = 2^k m with m in [sqrt(1/2), sqrt(2)); ln m = 2 atanh(s), s = f / (2 + f), f = m - 1,
// |s| <= 3 - 2 sqrt(2) ≈ 0.172. Written as f - s (f - R) with R = 2 sum_{n>=1} s^{2n} / (2n+1)
// so that the leading term f is exact; ten terms of R put the truncation below 2^-60
// relative. Accuracy is checked against std::log in tests.
template <class V>
[[gnu::always_inline]] inline V log_open_unit(V u) noexcept {
    using bits = bits_of<V>;
    // Moving the mantissa window from [1, 2) to [sqrt(1/2), sqrt(2)) keeps |s| small for u
    // just below a power of two, where the naive split would give m close to 2.
    constexpr std::uint64_t sqrt_half_high_bits = 0x3fe6a09e00000000ULL;
    const bits shifted = std::bit_cast<bits>(u) + (0x3ff0000000000000ULL - sqrt_half_high_bits);
    // k as a double via the 2^52 trick: no int64 -> double conversion, which would not vectorize.
    const V k = std::bit_cast<V>(0x4330000000000000ULL | (shifted >> 52)) - (0x1p52 + 1023.0);
    const V m = std::bit_cast<V>((shifted & 0x000fffffffffffffULL) + sqrt_half_high_bits);
    const V f = m - 1.0;
    const V s = f / (2.0 + f);
    const V z = s * s;
    const V r =
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
// Heron step on sqrt(y). std::sqrt would be exact, but it has no portable vector form, and
// changing it now would change the recorded normals (see the golden values in the tests).
template <class V>
[[gnu::always_inline]] inline V sqrt_positive(V y) noexcept {
    using bits = bits_of<V>;
    V r = std::bit_cast<V>(0x5fe6eb50c7b537a9ULL - (std::bit_cast<bits>(y) >> 1));
    const V half_y = 0.5 * y;
    // Relative error 3.5e-2 -> 1.8e-3 -> 4.8e-6 -> 3.5e-11 -> rounding.
    r = r * (1.5 - half_y * r * r);
    r = r * (1.5 - half_y * r * r);
    r = r * (1.5 - half_y * r * r);
    r = r * (1.5 - half_y * r * r);
    const V s = y * r;
    return 0.5 * (s + y / s);
}

template <class V>
struct cos_sin_of {
    V cos;
    V sin;
};
using cos_sin = cos_sin_of<double>;

// cos and sin of 2 pi u for u in (0, 1). 4u = q + t with q the nearest integer and |t| <= 1/2,
// both exact, so the angle pi/2 * t in [-pi/4, pi/4] carries no reduction error; Taylor series
// to degree 19/18 are then below 2^-57 relative. q is found by comparisons, not by a float to
// integer conversion, so that the whole function stays in double lanes.
template <class V>
[[gnu::always_inline]] inline cos_sin_of<V> cos_sin_two_pi(V u) noexcept {
    const V zero = V{} + 0.0;
    const V one = V{} + 1.0;
    const V four_u = 4.0 * u;
    const V q = (four_u >= 0.5 ? one : zero) + (four_u >= 1.5 ? one : zero) +
                (four_u >= 2.5 ? one : zero) + (four_u >= 3.5 ? one : zero);
    const V x = (four_u - q) * 0x1.921fb54442d18p0; // pi / 2
    const V x2 = x * x;
    // Coefficients (-1)^n / (2n+1)! and (-1)^n / (2n)!.
    const V sin_x =
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
    const V cos_x =
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
    const auto odd = (q == 1.0) | (q == 3.0);
    const V c = odd ? sin_x : cos_x;
    const V s = odd ? cos_x : sin_x;
    return {((q == 1.0) | (q == 2.0)) ? -c : c, ((q == 2.0) | (q == 3.0)) ? -s : s};
}

// (u_radius, u_angle) -> (r cos, r sin).
template <class V>
[[gnu::always_inline]] inline cos_sin_of<V> box_muller(V u_radius, V u_angle) noexcept {
    const V radius = sqrt_positive(-2.0 * log_open_unit(u_radius));
    const cos_sin_of<V> angle = cos_sin_two_pi(u_angle);
    return {radius * angle.cos, radius * angle.sin};
}

// Philox calls per group: one per lane of `ways` vectors. Four independent vectors in flight
// keep the vector units busy while each waits on its own chain of divisions and polynomials
// (measured at -O3 -march=native, AVX-512: 1, 2, 3, 4, 6, 8 ways -> 6.9, 5.3, 4.9, 3.9, 4.2,
// 4.0 ns per normal; more ways run out of registers).
inline constexpr std::size_t ways = 4;
inline constexpr std::size_t group_pairs = ways * lanes::width;

// The two uniforms of pairs j0, j0 + 1, ..., j0 + lanes::width - 1, as vectors: lane l of
// `first` is uniform 2 (j0 + l), lane l of `second` uniform 2 (j0 + l) + 1.
struct uniform_lanes {
    lanes::f64 first;
    lanes::f64 second;
};

[[gnu::always_inline]] inline uniform_lanes uniform_lanes_at(const lanes::philox_round_keys& keys,
                                                             std::uint64_t block,
                                                             std::uint64_t j0) noexcept {
    constexpr std::uint64_t low_half = 0xffffffffULL;
    const lanes::u64 j = (lanes::u64{} + j0) + lanes::lane_indices; // wraps like the counter
    const lanes::philox_state counter = {
        {lanes::u64{} + (block & low_half), lanes::u64{} + (block >> 32), j & low_half, j >> 32}};
    const lanes::philox_state w = lanes::philox4x32_10(counter, keys);
    // uniform 2j from the bits (w1 << 32) | w0, uniform 2j + 1 from (w3 << 32) | w2.
    return {open_uniform<lanes::f64>((w.word[1] << 32) | w.word[0]),
            open_uniform<lanes::f64>((w.word[3] << 32) | w.word[2])};
}

// Interleaves two vectors: out = a0, b0, a1, b1, ... (2 * lanes::width doubles).
[[gnu::always_inline]] inline void store_interleaved(lanes::f64 a, lanes::f64 b,
                                                     double* out) noexcept {
    for (std::size_t l = 0; l < lanes::width; ++l) {
        out[2 * l] = a[l];
        out[2 * l + 1] = b[l];
    }
}

// Values 2 j0, ..., 2 (j0 + group_pairs) - 1 of the stream: uniforms or normals.
template <bool normals>
[[gnu::always_inline]] inline void generate_group(const lanes::philox_round_keys& keys,
                                                  std::uint64_t block, std::uint64_t j0,
                                                  double* out) noexcept {
    uniform_lanes u[ways];
#pragma GCC unroll 8
    for (std::size_t w = 0; w < ways; ++w)
        u[w] = uniform_lanes_at(keys, block, j0 + w * lanes::width);
    if constexpr (normals) {
        cos_sin_of<lanes::f64> z[ways];
#pragma GCC unroll 8
        for (std::size_t w = 0; w < ways; ++w)
            z[w] = box_muller(u[w].first, u[w].second);
#pragma GCC unroll 8
        for (std::size_t w = 0; w < ways; ++w)
            store_interleaved(z[w].cos, z[w].sin, out + 2 * w * lanes::width);
    } else {
#pragma GCC unroll 8
        for (std::size_t w = 0; w < ways; ++w)
            store_interleaved(u[w].first, u[w].second, out + 2 * w * lanes::width);
    }
}

// Values first, ..., first + n - 1 of the stream (seed, block). Whole groups are written in
// place; a group cut by either end of the range is generated whole into a scratch buffer, so
// that a value never depends on where a chunk starts or ends.
template <bool normals>
inline void fill_stream(std::uint64_t seed, std::uint64_t block, std::uint64_t first, double* out,
                        std::size_t n) noexcept {
    if (n == 0)
        return;
    constexpr std::size_t group_values = 2 * group_pairs;
    const philox4x32_key key = philox_key_for_seed(seed);
    const lanes::philox_round_keys keys = lanes::philox_schedule(key[0], key[1]);
    const std::uint64_t last = first + (n - 1); // the index of the last value wanted
    std::uint64_t j0 = first / 2;
    double scratch[group_values];
    while (true) {
        const std::uint64_t group_first = 2 * j0; // index of the group's first value
        const bool whole = group_first >= first && last - group_first >= group_values - 1;
        if (whole) {
            generate_group<normals>(keys, block, j0, out + (group_first - first));
        } else {
            generate_group<normals>(keys, block, j0, scratch);
            // Offsets within the group, written so that nothing wraps at index 2^64 - 1.
            const std::uint64_t from = std::max(first, group_first) - group_first;
            const std::uint64_t to = std::min<std::uint64_t>(last - group_first, group_values - 1);
            std::copy(scratch + from, scratch + to + 1, out + (group_first + from - first));
        }
        if (last - group_first < group_values)
            break; // this group reached the last value
        j0 += group_pairs;
    }
}

} // namespace detail
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC pop_options
#endif

// Writes uniforms first, first+1, ..., first+n-1 of (seed, block) to out[0..n).
inline void fill_uniforms(std::uint64_t seed, std::uint64_t block, std::uint64_t first, double* out,
                          std::size_t n) noexcept {
    detail::fill_stream<false>(seed, block, first, out, n);
}

// Writes normals first, first+1, ..., first+n-1 of (seed, block) to out[0..n).
inline void fill_normals(std::uint64_t seed, std::uint64_t block, std::uint64_t first, double* out,
                         std::size_t n) noexcept {
    detail::fill_stream<true>(seed, block, first, out, n);
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
