// Integrand expression types compiled into the fused Monte Carlo loop (compiled_integrand.hpp):
// the compile-time translation of each expression into weighted Gaussian blocks, the compiled
// values against the model's own log-densities (Eigen) at random points, a planted wrong weight
// caught by the same comparison, and bit-identical values for any batch size.
#include <algorithm>
#include <bit>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <elbocheck/eval/compiled_integrand.hpp>
#include <elbocheck/eval/elbo_integrand.hpp>
#include <elbocheck/eval/philox_normals.hpp>
#include <elbocheck/model/random_models.hpp>
#include <elbocheck/sym/symbols.hpp>
#include <string>
#include <vector>

namespace ev = elbocheck::eval;
namespace em = elbocheck::model;
using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;

namespace {

using ev::block_kind;

constexpr ev::integrand_blocks weights(rational likelihood, rational prior, rational guide) {
    ev::integrand_blocks b;
    b.weights = {likelihood, prior, guide};
    return b;
}

// The integrands under test, with the weights their translation must give.
using elbo_quotient = decltype(log(p(x, z) / q(z | x)));
using elbo_difference = decltype(log(p(x, z)) - log(q(z | x)));
using likelihood_only = decltype(log(p(x | z)));
using prior_only = decltype(log(p(z)));
using doubled_likelihood = decltype(num<2> * log(p(x | z)) - log(q(z | x)));
// The beta-VAE objective, log p(x|z) - beta (log q(z|x) - log p(z)), at the stated beta = 4.
using beta_weighted = decltype(log(p(x | z)) - beta * (log(q(z | x)) - log(p(z))));
using excess_weighted = decltype(log(p(x | z) * p(z)) - (num<1> + excess) * log(q(z)));
// A negative non-identity block: log q - log p(z), the integrand of KL(q || p(z)).
using kl_integrand = decltype(log(q(z | x) / p(z)));
using chain_rule = decltype(log(p(z, x)) / num<3> + log(q(z)) * num<-1, 3>);
using named_weight = decltype(define<900, "w">(log(p(x, z) / q(z | x))));

static_assert(ev::blocks_of<elbo_quotient> == weights(1, 1, -1));
static_assert(ev::blocks_of<elbo_difference> == weights(1, 1, -1));
static_assert(ev::blocks_of<likelihood_only> == weights(1, 0, 0));
static_assert(ev::blocks_of<prior_only> == weights(0, 1, 0));
static_assert(ev::blocks_of<doubled_likelihood> == weights(2, 0, -1));
static_assert(ev::blocks_of<beta_weighted> == weights(1, 4, -4));
static_assert(ev::blocks_of<excess_weighted> == weights(1, 1, -4));
static_assert(ev::blocks_of<kl_integrand> == weights(0, -1, 1));
static_assert(ev::blocks_of<chain_rule> == weights({1, 3}, {1, 3}, {-1, 3}));
static_assert(ev::blocks_of<named_weight> == weights(1, 1, -1));
static_assert(ev::blocks_of<decltype(log(p(x | z)) - (beta - excess) * log(q(z)))> ==
              weights(1, 0, -1));
static_assert(ev::blocks_of<decltype(-(log(p(x, z)) / (num<1> + num<1>)))> ==
              weights({-1, 2}, {-1, 2}, 0));

// A different expression, a different loop: the shape is part of the type.
static_assert(ev::compiled_integrand<elbo_quotient>::shape ==
              ev::kernel_shape{.added = true, .subtracted = false, .identity = true});
static_assert(ev::compiled_integrand<likelihood_only>::shape ==
              ev::kernel_shape{.added = true, .subtracted = false, .identity = false});
static_assert(ev::compiled_integrand<kl_integrand>::shape ==
              ev::kernel_shape{.added = false, .subtracted = true, .identity = true});

em::model_instance instance(std::uint64_t index) {
    return em::random_instance(em::default_model_seed, index);
}

double to_double(rational r) {
    return static_cast<double>(r.num) / static_cast<double>(r.den);
}

// The model's own log-densities at z = m + L eps (Eigen, model/*.hpp), one per block.
struct reference_terms {
    double likelihood;
    double prior;
    double guide;
};

reference_terms reference_at(const em::model_instance& in, const Eigen::VectorXd& eps) {
    const Eigen::VectorXd z = in.guide.sample(eps);
    return {in.model.log_likelihood(in.x, z), in.model.log_prior(z), in.guide.log_density(z)};
}

double weighted(const ev::integrand_blocks& w, const reference_terms& t) {
    return to_double(w.weight(block_kind::likelihood)) * t.likelihood +
           to_double(w.weight(block_kind::prior)) * t.prior +
           to_double(w.weight(block_kind::guide)) * t.guide;
}

// Rounding allowance, relative to the weighted terms summed, not to their (possibly cancelling)
// sum: the project's 1e-9 for exact values.
double tolerance(const ev::integrand_blocks& w, const reference_terms& t) {
    const double scale = std::abs(to_double(w.weight(block_kind::likelihood)) * t.likelihood) +
                         std::abs(to_double(w.weight(block_kind::prior)) * t.prior) +
                         std::abs(to_double(w.weight(block_kind::guide)) * t.guide);
    return 1e-9 * std::max(1.0, scale);
}

Eigen::VectorXd random_point(std::uint64_t instance_index, std::uint64_t point, Eigen::Index d) {
    Eigen::VectorXd eps(d);
    ev::fill_normals(11, instance_index, point * static_cast<std::uint64_t>(d), eps.data(),
                     static_cast<std::size_t>(d));
    return eps * (1.0 + static_cast<double>(point % 4)); // reach into the tails too
}

// Compares the compiled integrand E with the weighted model log-densities on 64 random models
// (d, D in 1..8, every guide kind and conditioning) at 6 points each; returns how many points a
// planted weight error `planted` (added to the reference weights) was caught at.
template <class E>
int check_against_model(const ev::integrand_blocks& planted) {
    constexpr ev::integrand_blocks w = ev::blocks_of<E>;
    int caught = 0;
    for (std::uint64_t i = 0; i < 64; ++i) {
        const em::model_instance in = instance(i);
        INFO(in.description);
        const ev::compiled_integrand<E> f(in.model, in.x, in.guide);
        REQUIRE(f.latent_dim() == static_cast<std::size_t>(in.model.latent_dim()));
        for (std::uint64_t point = 0; point < 6; ++point) {
            const Eigen::VectorXd eps = random_point(i, point, in.model.latent_dim());
            const reference_terms t = reference_at(in, eps);
            const double value = f(eps);
            CHECK(std::abs(value - weighted(w, t)) <= tolerance(w, t));
            const ev::integrand_blocks wrong = w + planted;
            if (std::abs(value - weighted(wrong, t)) > tolerance(wrong, t))
                ++caught;
        }
    }
    return caught;
}

std::uint64_t bits(double v) {
    return std::bit_cast<std::uint64_t>(v);
}

// Evaluates n points in chunks of `batch` (the last one partial) and returns the values.
template <class E>
std::vector<double> in_batches(const ev::compiled_integrand<E>& f, const std::vector<double>& eps,
                               std::size_t stride, std::size_t n, std::size_t batch) {
    std::vector<double> out(n);
    for (std::size_t first = 0; first < n; first += batch)
        f.evaluate(eps.data() + first, stride, std::min(batch, n - first), out.data() + first);
    return out;
}

template <class E>
void check_bit_identity(std::uint64_t index) {
    const em::model_instance in = instance(index);
    INFO(in.description);
    const ev::compiled_integrand<E> f(in.model, in.x, in.guide);
    const std::size_t d = f.latent_dim();
    constexpr std::size_t lanes = ev::compiled_integrand<E>::tile_lanes;
    constexpr std::size_t n = 3 * lanes + 5;
    constexpr std::size_t stride = n + 3;
    std::vector<double> eps(d * stride, 0.0);
    for (std::size_t k = 0; k < d; ++k)
        ev::fill_normals(5, index, k * n, eps.data() + k * stride, n);
    const std::vector<double> reference = in_batches(f, eps, stride, n, n);
    for (const std::size_t batch : {std::size_t{1}, std::size_t{7}, lanes, n}) {
        INFO("batch " << batch);
        const std::vector<double> values = in_batches(f, eps, stride, n, batch);
        for (std::size_t j = 0; j < n; ++j)
            REQUIRE(bits(values[j]) == bits(reference[j]));
    }
    for (std::size_t j = 0; j < n; j += 13) {
        Eigen::VectorXd point(static_cast<Eigen::Index>(d));
        for (std::size_t k = 0; k < d; ++k)
            point(static_cast<Eigen::Index>(k)) = eps[k * stride + j];
        REQUIRE(bits(f(point)) == bits(reference[j]));
    }
}

} // namespace

TEST_CASE("compiled integrands equal the weighted log-densities of the model",
          "[estimators][compiled]") {
    // Each planted error is a weight off by 1/10 on a block the integrand uses: it must be
    // caught at almost every point (a miss needs that block's log-density to be near 0).
    constexpr int points = 64 * 6;
    CHECK(check_against_model<elbo_quotient>(weights(0, 0, {1, 10})) >= points * 9 / 10);
    CHECK(check_against_model<elbo_difference>(weights(0, {1, 10}, 0)) >= points * 9 / 10);
    CHECK(check_against_model<likelihood_only>(weights({1, 10}, 0, 0)) >= points * 9 / 10);
    CHECK(check_against_model<prior_only>(weights(0, {1, 10}, 0)) >= points * 9 / 10);
    CHECK(check_against_model<doubled_likelihood>(weights({-1, 10}, 0, 0)) >= points * 9 / 10);
    CHECK(check_against_model<beta_weighted>(weights(0, {1, 10}, 0)) >= points * 9 / 10);
    CHECK(check_against_model<excess_weighted>(weights(0, 0, {1, 10})) >= points * 9 / 10);
    CHECK(check_against_model<kl_integrand>(weights(0, {-1, 10}, 0)) >= points * 9 / 10);
    CHECK(check_against_model<chain_rule>(weights({1, 10}, 0, 0)) >= points * 9 / 10);
    CHECK(check_against_model<named_weight>(weights(0, 0, {1, 10})) >= points * 9 / 10);
}

TEST_CASE("the compiled ELBO integrands are the ones elbo_integrand evaluates",
          "[estimators][compiled]") {
    for (std::uint64_t i = 0; i < 16; ++i) {
        const em::model_instance in = instance(i);
        const ev::elbo_integrand f(in.model, in.x, in.guide);
        const ev::compiled_integrand<elbo_difference> weight(in.model, in.x, in.guide);
        const ev::compiled_integrand<likelihood_only> likelihood(in.model, in.x, in.guide);
        const Eigen::VectorXd eps = random_point(i, 1, in.model.latent_dim());
        // The same blocks with the same weights give the same plan, hence the same bits.
        CHECK(bits(f(ev::integrand_part::log_weight, eps)) == bits(weight(eps)));
        CHECK(bits(f(ev::integrand_part::log_likelihood, eps)) == bits(likelihood(eps)));
    }
}

TEST_CASE("compiled integrands are exact at a large observation dimension",
          "[estimators][compiled]") {
    // (d, D) = (32, 784), the benchmark's largest size: the likelihood's 784 rows and the prior's
    // 32 collapse into one 32 x 32 triangle, and the values still match the model's.
    const Eigen::Index d = 32;
    const Eigen::Index obs = 784;
    Eigen::MatrixXd w = Eigen::MatrixXd::Zero(obs, d);
    for (Eigen::Index r = 0; r < obs; ++r)
        for (Eigen::Index c = 0; c < d; ++c)
            w(r, c) = std::sin(static_cast<double>(r * d + c + 1));
    const em::linear_gaussian model = em::linear_gaussian::with_diagonal_noise(
        Eigen::VectorXd::Constant(d, 0.5), Eigen::MatrixXd::Identity(d, d), w,
        Eigen::VectorXd::Zero(obs), Eigen::VectorXd::Constant(obs, 0.3));
    Eigen::VectorXd x(obs);
    for (Eigen::Index r = 0; r < obs; ++r)
        x(r) = std::cos(static_cast<double>(r));
    const em::gaussian guide = em::gaussian::from_variances(
        Eigen::VectorXd::Constant(d, 0.1), Eigen::VectorXd::Constant(d, 0.02), "S (guide)");
    const ev::compiled_integrand<elbo_quotient> f(model, x, guide);
    REQUIRE(f.plan().added().rows.size() == static_cast<std::size_t>(d));
    REQUIRE(f.plan().subtracted().rows.empty());
    REQUIRE(f.plan().added().coefficients.size() == static_cast<std::size_t>(d * (d + 1) / 2));
    for (std::uint64_t point = 0; point < 8; ++point) {
        const Eigen::VectorXd eps = random_point(99, point, d);
        const Eigen::VectorXd z = guide.sample(eps);
        const reference_terms t{model.log_likelihood(x, z), model.log_prior(z),
                                guide.log_density(z)};
        const ev::integrand_blocks weights_of = ev::blocks_of<elbo_quotient>;
        CHECK(std::abs(f(eps) - weighted(weights_of, t)) <= tolerance(weights_of, t));
    }
}

TEST_CASE("compiled values do not depend on the batch size", "[estimators][compiled]") {
    for (const std::uint64_t i : {0u, 13u, 39u, 63u}) {
        check_bit_identity<elbo_quotient>(i);
        check_bit_identity<likelihood_only>(i);
        check_bit_identity<beta_weighted>(i);
        check_bit_identity<kl_integrand>(i);
    }
}
