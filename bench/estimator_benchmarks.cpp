// Samples per second of four ways to estimate the ELBO of a linear-Gaussian model by Monte Carlo,
// for (d, D) in {(1,1), (2,2), (8,32), (32,784)} on 1 and 2 threads:
//
//   fused     estimate_elbo_a (elbo_estimators.hpp): Philox normals in bulk, the fused
//             structure-of-arrays integrand, whole blocks per thread, ordered reduction.
//   naive     what a user of the library would write: std::mt19937_64 and
//             std::normal_distribution, one sample at a time, the model's own log-densities
//             (Eigen calls per sample), Welford's running moments.
//   boost_mc  boost::math::quadrature::naive_monte_carlo on the same integrand. It integrates
//             over a box, so the ELBO integrand is moved to the unit cube by eps_i = Phi^{-1}(u_i):
//             E_{eps ~ N(0,I)}[f(m + L eps)] = int_{[0,1]^d} f(m + L Phi^{-1}(u)) du, and the
//             integrand at u is the naive per-sample code at eps = Phi^{-1}(u) (Boost.Math's
//             normal quantile). Its samples are its own mt19937_64 uniforms.
//   roofline  the floor any ELBO estimator pays: the same Philox normals, in the same blocks and
//             batches, plus one dense product z = m + L eps by Eigen, and nothing else.
//   normals   the roofline without the product: the Philox normals alone, to show how much of
//             every kind's time is spent drawing eps (not one of the four kinds).
//   setup     building the fused integrand from (model, x, q) once: O(D^2 d) for full noise,
//             O(D d^2) here (diagonal noise); not included in `fused`.
//
// Every benchmark reports items_per_second = samples per second (wall clock: the work runs on
// threads the benchmark spawns), so ns/sample = 1e9 / items_per_second. `estimate` and `exact`
// counters show that the estimators compute the same quantity. cpu_ns_per_sample is the CPU
// time of all threads per sample. `fused` also reports same_bits_as_t1 = 1 when its estimate
// equals, bit for bit, the one computed on one thread.
//
// The model (shared, formula for formula, with bench/torch_elbo.py):
//   mu0 = 0, Sigma0 = I_d,   W_ij = sin(0.37 (i+1) + 1.1 (j+1)) / sqrt(d),
//   b_i = 0.1 cos(0.5 i),    Psi = diag(0.2 + 0.1 (1 + cos(0.3 i))),   x_i = sin(0.2 i + 0.4),
//   guide m_j = 0.2 cos(0.7 j),  Lq_jj = 0.5 + 0.1 cos(j),  Lq_jk = 0.05 sin(j + 2k) (k < j).
#include <Eigen/Core>
#include <benchmark/benchmark.h>
#include <bit>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/quadrature/naive_monte_carlo.hpp>
#include <cmath>
#include <cstdint>
#include <ctime>
#include <elbocheck/eval/elbo_estimators.hpp>
#include <elbocheck/eval/philox_normals.hpp>
#include <elbocheck/eval/running_moments.hpp>
#include <elbocheck/eval/sample_blocks.hpp>
#include <elbocheck/model/gaussian.hpp>
#include <elbocheck/model/linear_gaussian.hpp>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace ev = elbocheck::eval;
namespace em = elbocheck::model;

namespace {

struct bench_case {
    em::linear_gaussian model;
    Eigen::VectorXd x;
    em::gaussian guide;
    double exact_elbo;
};

bench_case make_case(int d, int obs) {
    Eigen::MatrixXd w(obs, d);
    for (int i = 0; i < obs; ++i)
        for (int j = 0; j < d; ++j)
            w(i, j) = std::sin(0.37 * (i + 1) + 1.1 * (j + 1)) / std::sqrt(static_cast<double>(d));
    Eigen::VectorXd b(obs), psi(obs), x(obs);
    for (int i = 0; i < obs; ++i) {
        b(i) = 0.1 * std::cos(0.5 * i);
        psi(i) = 0.2 + 0.1 * (1.0 + std::cos(0.3 * i));
        x(i) = std::sin(0.2 * i + 0.4);
    }
    Eigen::VectorXd m(d);
    Eigen::MatrixXd lq = Eigen::MatrixXd::Zero(d, d);
    for (int j = 0; j < d; ++j) {
        m(j) = 0.2 * std::cos(0.7 * j);
        lq(j, j) = 0.5 + 0.1 * std::cos(j);
        for (int k = 0; k < j; ++k)
            lq(j, k) = 0.05 * std::sin(j + 2 * k);
    }
    em::linear_gaussian model = em::linear_gaussian::with_diagonal_noise(
        Eigen::VectorXd::Zero(d), Eigen::MatrixXd::Identity(d, d), w, b, psi);
    em::gaussian guide = em::gaussian::from_cholesky(m, lq, "S (guide covariance)");
    const double elbo = model.elbo(x, guide);
    return {std::move(model), std::move(x), std::move(guide), elbo};
}

// Built on first use: the (32, 784) model costs O(D^3) to set up, which a filtered run skips.
const bench_case& case_for(int d, int obs) {
    static std::map<std::pair<int, int>, std::unique_ptr<bench_case>> cache;
    auto& slot = cache[{d, obs}];
    if (!slot)
        slot = std::make_unique<bench_case>(make_case(d, obs));
    return *slot;
}

constexpr std::uint64_t seed = 20240601;

// Samples per benchmark iteration: some tens of milliseconds of work, so that starting the second
// thread (tens of microseconds) and a time slice lost to another process on a shared machine are
// small against one iteration.
std::uint64_t samples_for(const char* kind, int d) {
    const std::string k = kind;
    if (k == "naive")
        return d >= 32 ? 256 : d >= 8 ? 16'000 : 64'000;
    return d >= 32 ? 64'000 : d >= 8 ? 256'000 : 1'024'000;
}

// CPU time of the whole process (every thread), for cpu_ns_per_sample: on a machine shared with
// other work the wall clock of a threaded run includes time slices lost to other processes, the
// CPU time per sample does not (on an idle machine it is about threads x wall ns/sample).
double process_cpu_seconds() {
    return static_cast<double>(std::clock()) / CLOCKS_PER_SEC;
}

void report_cpu(benchmark::State& state, double cpu_start, double samples) {
    state.counters["cpu_ns_per_sample"] = (process_cpu_seconds() - cpu_start) * 1e9 / samples;
}

void report(benchmark::State& state, std::uint64_t samples_per_iteration, double estimate,
            double exact) {
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                            static_cast<std::int64_t>(samples_per_iteration));
    state.counters["estimate"] = estimate;
    state.counters["exact"] = exact;
}

void fused(benchmark::State& state, int d, int obs, unsigned threads) {
    const bench_case& c = case_for(d, obs);
    const ev::elbo_integrand integrand(c.model, c.x, c.guide);
    ev::mc_estimator_options options;
    options.seed = seed;
    options.samples = samples_for("fused", d);
    options.threads = threads;
    double estimate = 0.0;
    double standard_error = 0.0;
    const double cpu_start = process_cpu_seconds();
    for (auto _ : state) {
        const ev::mc_estimate e = ev::estimate_elbo_a(integrand, options);
        estimate = e.mean;
        standard_error = e.standard_error;
        benchmark::DoNotOptimize(estimate);
    }
    // How far `estimate` may be from `exact` by chance alone.
    state.counters["standard_error"] = standard_error;
    report_cpu(state, cpu_start,
               static_cast<double>(state.iterations()) * static_cast<double>(options.samples));
    report(state, options.samples, estimate, c.exact_elbo);
    // Outside the timed loop: the same estimate on one thread must have the same bits.
    ev::mc_estimator_options one_thread = options;
    one_thread.threads = 1;
    const double single = ev::estimate_elbo_a(integrand, one_thread).mean;
    state.counters["same_bits_as_t1"] =
        std::bit_cast<std::uint64_t>(single) == std::bit_cast<std::uint64_t>(estimate) ? 1.0 : 0.0;
}

// The per-sample integrand a user would write with the model's API.
double naive_integrand(const bench_case& c, const Eigen::VectorXd& eps) {
    const Eigen::VectorXd z = c.guide.sample(eps);
    return c.model.log_joint(c.x, z) - c.guide.log_density(z);
}

void naive(benchmark::State& state, int d, int obs, unsigned threads) {
    const bench_case& c = case_for(d, obs);
    const std::uint64_t samples = samples_for("naive", d);
    double estimate = 0.0;
    std::uint64_t round = 0;
    const double cpu_start = process_cpu_seconds();
    for (auto _ : state) {
        std::vector<ev::running_moments> parts(threads);
        {
            std::vector<std::jthread> pool;
            for (unsigned t = 0; t < threads; ++t)
                pool.emplace_back([&, t] {
                    std::mt19937_64 generator(seed + 1000 * round + t);
                    std::normal_distribution<double> normal;
                    Eigen::VectorXd eps(d);
                    for (std::uint64_t i = t; i < samples; i += threads) {
                        for (int k = 0; k < d; ++k)
                            eps(k) = normal(generator);
                        parts[t].push(naive_integrand(c, eps));
                    }
                });
        }
        ev::running_moments total;
        for (const ev::running_moments& part : parts)
            total.merge(part);
        estimate = total.mean();
        benchmark::DoNotOptimize(estimate);
        ++round;
    }
    report_cpu(state, cpu_start,
               static_cast<double>(state.iterations()) * static_cast<double>(samples));
    report(state, samples, estimate, c.exact_elbo);
}

void boost_mc(benchmark::State& state, int d, int obs, unsigned threads) {
    const bench_case& c = case_for(d, obs);
    const auto integrand = [&c, d](std::vector<double>& u) {
        const boost::math::normal_distribution<double> standard;
        Eigen::VectorXd eps(d);
        for (int k = 0; k < d; ++k)
            eps(k) = boost::math::quantile(standard, u[static_cast<std::size_t>(k)]);
        return naive_integrand(c, eps);
    };
    const std::vector<std::pair<double, double>> unit_cube(static_cast<std::size_t>(d), {0.0, 1.0});
    // naive_monte_carlo runs until its error estimate meets the goal, polled every 100 ms. A goal
    // of infinity stops it at the first poll after 2048 calls; the throughput is then its calls
    // over the wall time of the whole run (construction, threads, polling, final chunk).
    const double error_goal = std::numeric_limits<double>::infinity();
    std::uint64_t calls = 0;
    double estimate = 0.0;
    std::uint64_t round = 0;
    const double cpu_start = process_cpu_seconds();
    for (auto _ : state) {
        boost::math::quadrature::naive_monte_carlo<double, decltype(integrand)> mc(
            integrand, unit_cube, error_goal, /*singular=*/true, threads, seed + round);
        estimate = mc.integrate().get();
        calls += mc.calls();
        benchmark::DoNotOptimize(estimate);
        ++round;
    }
    report_cpu(state, cpu_start, static_cast<double>(calls));
    state.SetItemsProcessed(static_cast<std::int64_t>(calls));
    state.counters["estimate"] = estimate;
    state.counters["exact"] = c.exact_elbo;
}

template <bool with_product>
void roofline(benchmark::State& state, int d, int obs, unsigned threads) {
    const bench_case& c = case_for(d, obs);
    const Eigen::MatrixXd lower = c.guide.cholesky(); // used as a dense d x d matrix
    const Eigen::VectorXd& mean = c.guide.mean();
    // The same blocks and batches as `fused` with default options.
    const ev::block_partition blocks{samples_for("roofline", d),
                                     ev::mc_estimator_options{}.block_size};
    const std::size_t batch =
        ev::detail::batch_for(0, static_cast<std::size_t>(d), blocks.block_size);
    using row_major = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    double checksum = 0.0;
    const double cpu_start = process_cpu_seconds();
    for (auto _ : state) {
        const std::vector<double> per_block =
            ev::evaluate_blocks<double>(blocks.block_count(), threads, [&] {
                return [&, eps = row_major(d, static_cast<Eigen::Index>(batch)),
                        z = row_major(d, static_cast<Eigen::Index>(batch))](
                           std::uint64_t block) mutable {
                    const std::uint64_t draws = blocks.size_of(block);
                    double sum = 0.0;
                    for (std::uint64_t first = 0; first < draws; first += batch) {
                        const std::size_t n =
                            static_cast<std::size_t>(std::min<std::uint64_t>(batch, draws - first));
                        for (int k = 0; k < d; ++k)
                            ev::fill_normals(seed, block,
                                             static_cast<std::uint64_t>(k) * blocks.block_size +
                                                 first,
                                             eps.row(k).data(), n);
                        if constexpr (with_product) {
                            z.noalias() = lower * eps;
                            z.colwise() += mean;
                            sum += z(0, 0);
                        } else {
                            sum += eps(0, 0);
                        }
                    }
                    return sum;
                };
            });
        checksum = per_block.front();
        benchmark::DoNotOptimize(checksum);
    }
    report_cpu(state, cpu_start,
               static_cast<double>(state.iterations()) * static_cast<double>(blocks.samples));
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                            static_cast<std::int64_t>(blocks.samples));
}

void setup(benchmark::State& state, int d, int obs) {
    const bench_case& c = case_for(d, obs);
    for (auto _ : state) {
        const ev::elbo_integrand integrand(c.model, c.x, c.guide);
        benchmark::DoNotOptimize(integrand.kl_to_prior());
    }
}

} // namespace

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    const std::pair<int, int> shapes[] = {{1, 1}, {2, 2}, {8, 32}, {32, 784}};
    using runner = void (*)(benchmark::State&, int, int, unsigned);
    const std::pair<const char*, runner> kinds[] = {{"fused", fused},
                                                    {"naive", naive},
                                                    {"boost_mc", boost_mc},
                                                    {"roofline", roofline<true>},
                                                    {"normals", roofline<false>}};
    for (const auto& [d, obs] : shapes) {
        const std::string shape = "/d:" + std::to_string(d) + "/D:" + std::to_string(obs);
        for (const auto& [kind, run] : kinds)
            for (const unsigned threads : {1u, 2u}) {
                const std::string name = kind + shape + "/t:" + std::to_string(threads);
                benchmark::RegisterBenchmark(name.c_str(), run, d, obs, threads)
                    ->MinTime(0.2)
                    ->UseRealTime()
                    ->Unit(benchmark::kMillisecond);
            }
        benchmark::RegisterBenchmark(("setup" + shape).c_str(), setup, d, obs)
            ->MinTime(0.2)
            ->Unit(benchmark::kMillisecond);
    }
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
