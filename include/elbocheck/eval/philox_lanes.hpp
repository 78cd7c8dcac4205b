#pragma once
// Philox4x32-10 (Random123's bijection) evaluated on several counters at once, one counter per
// vector lane, so that the generator runs at the speed of the vector units instead of one
// 32 x 32 -> 64-bit multiply at a time.
//
// Why not Random123's own code in a loop: r123::Philox4x32 works on one counter held as four
// 32-bit words, and GCC 12 does not turn a loop of such calls into good vector code (measured:
// ~5 ns per double uniform at -O3 -march=native on an AVX-512 Xeon, against well under 1 ns
// here). Random123 ships SIMD versions of Threefry and ARS/AES, not of Philox.
//
// Layout. Each 32-bit word of the Philox state sits in the low half of a 64-bit lane, so that
// one unsigned 32 x 32 -> 64-bit lane multiply (x86 PMULUDQ) yields both halves of a round's
// product. The upper halves of the lanes are never cleaned inside the rounds: PMULUDQ reads
// only the low halves, a round's XORs act bit by bit, so garbage above bit 31 never reaches a
// low half; `philox4x32_10` clears it once at the end. The high word of a product is moved down
// by a dword shuffle (PSHUFD, port 5 on Intel) rather than a 64-bit shift (port 0, which the
// multiplies already saturate). A plain 64-bit vector multiply would be wrong-footed: with
// AVX-512DQ, GCC compiles `(x & 0xffffffff) * m` to VPMULLQ (three micro-ops) instead of
// PMULUDQ (one), hence the intrinsics. The arithmetic is on integers, so every lane width and
// instruction set gives the same bits as the scalar r123::Philox4x32; tests compare them.

#include <cstddef>
#include <cstdint>
#include <utility>

#if defined(__SSE2__)
#include <immintrin.h>
#endif

namespace elbocheck::eval::lanes {

// Counters per vector: the widest 64-bit integer vector of the including translation unit.
#if defined(__AVX512F__)
inline constexpr std::size_t width = 8;
#elif defined(__AVX2__)
inline constexpr std::size_t width = 4;
#else
inline constexpr std::size_t width = 2; // SSE2 (every x86-64), or GCC's generic lowering
#endif

using u64 = std::uint64_t __attribute__((vector_size(width * sizeof(std::uint64_t))));
using f64 = double __attribute__((vector_size(width * sizeof(double))));
// What comparing two f64 yields: all ones or all zeros per lane.
using mask = std::int64_t __attribute__((vector_size(width * sizeof(std::int64_t))));

template <std::size_t... I>
constexpr u64 lane_indices_of(std::index_sequence<I...>) noexcept {
    return u64{I...};
}
// {0, 1, ..., width - 1}: the offsets of the lanes' counters.
inline constexpr u64 lane_indices = lane_indices_of(std::make_index_sequence<width>{});

// The low 32 bits of each lane of `a` times the 32-bit constant m: the exact 64-bit product.
[[gnu::always_inline]] inline u64 multiply_low_halves(u64 a, std::uint32_t m) noexcept {
    const u64 multiplier = u64{} + m;
#if defined(__AVX512F__)
    // The zero-masking form with an all-ones mask is the same instruction; the unmasked
    // intrinsic trips GCC 12's -Wuninitialized inside its own header.
    return reinterpret_cast<u64>(_mm512_maskz_mul_epu32(0xff, reinterpret_cast<__m512i>(a),
                                                        reinterpret_cast<__m512i>(multiplier)));
#elif defined(__AVX2__)
    return reinterpret_cast<u64>(
        _mm256_mul_epu32(reinterpret_cast<__m256i>(a), reinterpret_cast<__m256i>(multiplier)));
#elif defined(__SSE2__)
    return reinterpret_cast<u64>(
        _mm_mul_epu32(reinterpret_cast<__m128i>(a), reinterpret_cast<__m128i>(multiplier)));
#else
    return (a & 0xffffffffULL) * multiplier;
#endif
}

// Bits 32..63 of each lane moved to bits 0..31 (bits 32..63 of the result are garbage).
template <std::size_t... I>
[[gnu::always_inline]] inline u64 high_halves_of(u64 p, std::index_sequence<I...>) noexcept {
    using u32 = std::uint32_t __attribute__((vector_size(width * sizeof(std::uint64_t))));
    using i32 = std::int32_t __attribute__((vector_size(width * sizeof(std::uint64_t))));
    return reinterpret_cast<u64>(__builtin_shuffle(reinterpret_cast<u32>(p), i32{(I | 1)...}));
}
[[gnu::always_inline]] inline u64 high_halves(u64 p) noexcept {
    return high_halves_of(p, std::make_index_sequence<2 * width>{});
}

struct philox_state {
    u64 word[4];
};

// The ten round keys of a Philox4x32-10 key, each broadcast to all lanes once per call of the
// generator instead of once per round and group: the key bumped by the Weyl constants between
// rounds, as in Random123's philox.h (Salmon et al., "Parallel random numbers: as easy as 1, 2,
// 3", SC11).
struct philox_round_keys {
    u64 key[10][2];
};

inline philox_round_keys philox_schedule(std::uint32_t key0, std::uint32_t key1) noexcept {
    constexpr std::uint32_t weyl0 = 0x9E3779B9;
    constexpr std::uint32_t weyl1 = 0xBB67AE85;
    philox_round_keys keys;
    for (auto& round : keys.key) {
        round[0] = u64{} + key0;
        round[1] = u64{} + key1;
        key0 += weyl0;
        key1 += weyl1;
    }
    return keys;
}

// Philox4x32-10 of `width` counters (one 32-bit word per lane's low half) under one key.
[[gnu::always_inline]] inline philox_state philox4x32_10(philox_state s,
                                                         const philox_round_keys& keys) noexcept {
    constexpr std::uint32_t multiplier0 = 0xD2511F53;
    constexpr std::uint32_t multiplier1 = 0xCD9E8D57;
#pragma GCC unroll 10
    for (const auto& key : keys.key) {
        const u64 product0 = multiply_low_halves(s.word[0], multiplier0);
        const u64 product2 = multiply_low_halves(s.word[2], multiplier1);
        s = {{high_halves(product2) ^ s.word[1] ^ key[0], product2,
              high_halves(product0) ^ s.word[3] ^ key[1], product0}};
    }
    constexpr std::uint64_t low_half = 0xffffffffULL;
    return {
        {s.word[0] & low_half, s.word[1] & low_half, s.word[2] & low_half, s.word[3] & low_half}};
}

} // namespace elbocheck::eval::lanes
