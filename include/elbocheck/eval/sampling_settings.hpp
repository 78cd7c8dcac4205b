#pragma once
// How the checker samples when a term has no closed form (the importance-weighted bounds) and
// when it cross-checks a closed form by Monte Carlo. One small struct so that the CLI
// (--samples, --threads), the report and the evaluators agree on the meaning of each knob
// without including each other.

#include <cstdint>

namespace elbocheck::eval {

inline constexpr std::uint64_t default_sampling_seed = 20150901; // Burda et al., IWAE, v1

struct sampling_settings {
    // Seed of the Philox streams. Together with `samples` it fixes every sampled value: the
    // same seed gives the same bits on any number of threads.
    std::uint64_t seed = default_sampling_seed;
    // Draws of the latent variables per Monte Carlo term and model instance. The default keeps
    // `elbocheck check` over all derivations on 101 models well under 2 s on one thread (the
    // importance-weighted bound's three sampled steps cost about 0.5 s of it: `time elbocheck
    // check`); at z = 6 it still resolves a difference of 0.13 standard deviations of the
    // sampled integrand.
    std::uint64_t samples = 2'000;
    // Worker threads; 0 uses every hardware thread. Changes no bit of any result.
    unsigned threads = 1;
};

} // namespace elbocheck::eval
