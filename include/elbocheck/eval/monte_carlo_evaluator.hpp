#pragma once
// The Monte Carlo evaluator: an estimate (mean, standard error, sample count) of a term in any
// latent dimension, so that a caller can ask whether an exact value lies inside the z >= 6
// confidence interval (confidence_interval.hpp). Monte Carlo can refute an exact value, never
// prove it.
//
// Binders.
//   E_{z ~ g}[f]  plain Monte Carlo with z = mu_g + L_g eps, eps ~ N(0, I) (reparameterization),
//                 g the expectation's own distribution (prior, guide or posterior);
//   int f dz      importance sampling from the guide: E_q[f / q];
//   KL(a || b)    E_{z ~ a}[log a(z) - log b(z)].
// The integrand is evaluated by pointwise_evaluator.hpp, in batches.
//
// Several binders. A term is a function of its binders' values. Binder k (counted depth-first,
// left to right, from first_block) draws its normals from Philox block first_block + k, so every
// binder has its own reproducible stream, and the same seed gives the same bits on any machine
// and in any order of evaluation. The blocks are independent streams, so the estimates of
// different binders are independent and the variances of a sum add:
//     Var(sum c_k B_k) = sum c_k^2 Var(B_k).
// This is exactly right for independent blocks (two occurrences of the same expectation get two
// blocks, and are therefore estimated independently, never as one correlated difference).
// A product is formed only when at most one factor is random (the others exact).
//
// Non-linear functions of a binder. The log of a Monte Carlo mean is biased:
//     E[log m] = log mu - r^2 / 2 + O(r^3),    r = se / mu (relative standard error).
// log(binder) is evaluated by the delta method, log m with standard error r, only when m > 0
// and r <= max_relative_error_for_log (0.05), and the estimate then carries bias_bound = r^2 (twice
// the leading term, for the error of r itself and the higher orders), at most 5% of its
// standard error, which a caller adds to the interval as slack. exp, powers other than 1, and
// products of two estimates are reported not evaluable, as are binders nested inside binders.
//
// Heavy tails and missed mass. A standard error means something only when the integrand has a
// finite variance under the sampling distribution and the sample has seen where its mass is.
// Importance weights p(x, z) / q(z | x) have an infinite variance when the guide is narrower
// than the posterior by a factor of two in variance along some direction (their tail is Pareto
// with index 1 - lambda for a variance ratio lambda), and under a guide far from the posterior
// the mass sits where no sample goes (log-weights spread over 1e5). In both cases the sample
// standard error is far too small, so each binder's samples are tested twice:
//   - Kish's effective sample size (sum |f|)^2 / sum f^2 must be at least min_effective_fraction
//     (1%) of n: otherwise a few samples carry the whole sum;
//   - for an integrand with an exponential factor (a density or exp not under a log: the only
//     kind whose variance can be infinite; a polynomial in z has every moment under a
//     Gaussian), the generalized-Pareto tail index k-hat of both tails (Zhang & Stephens 2009,
//     as in Pareto-smoothed importance sampling, Vehtari et al. 2024) must be at most
//     max_tail_index (0.3; a finite variance needs k < 0.5, a trustworthy sample variance
//     k < 0.25).
// A binder that fails either is reported not evaluable. Neither test can prove that a sample
// has seen all the mass (nothing computed from the sample can), but together they catch the
// failures of the guides in the tests (see tests/runtime/eval_monte_carlo.cpp).
//
// Rounding. An integrand that is constant in z (a guide equal to the posterior) has a standard
// error of 0, and its estimate differs from the exact value by rounding alone: rounding of the
// terms that cancel inside the integrand (log q - log p(z) is 0 when q is the prior, but its
// terms are not). Each estimate carries rounding_slack = rounding_tolerance * mean envelope
// (1e-9, the project's tolerance for exact values, times the mean of the pointwise evaluator's
// majorant of |integrand|, which counts those terms) for this.

#include "elbocheck/eval/confidence_interval.hpp"
#include "elbocheck/eval/philox_normals.hpp"
#include "elbocheck/eval/pointwise_evaluator.hpp"
#include "elbocheck/eval/running_moments.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

namespace elbocheck::eval {

inline constexpr std::uint64_t default_monte_carlo_seed = 20131220; // Kingma & Welling, v1

// The count of an estimate that involved no sampling (a term without binders): exact up to
// rounding, treated as infinitely many samples by the confidence interval.
inline constexpr std::uint64_t no_sampling = std::numeric_limits<std::uint64_t>::max();

struct monte_carlo_options {
    std::uint64_t seed = default_monte_carlo_seed;
    std::uint64_t first_block = 0;    // binder k uses Philox block first_block + k
    std::uint64_t samples = 1u << 15; // per binder
    std::size_t batch = 1024;         // points evaluated together
    double max_relative_error_for_log = 0.05;
    double max_tail_index = 0.3;
    double min_effective_fraction = 0.01; // Kish's effective sample size of |integrand|, over n
    double rounding_tolerance = 1e-9;
};

struct monte_carlo_estimate {
    double mean = 0.0;
    double standard_error = 0.0;
    std::uint64_t count = no_sampling; // samples per binder, the smallest over binders
    double bias_bound = 0.0;           // from the delta method (log of a mean)
    double rounding_slack = 0.0;
    std::size_t binders = 0;
    double tail_index = -std::numeric_limits<double>::infinity(); // largest k-hat over binders

    double slack() const { return bias_bound + rounding_slack; }

    // The value is inside the z-standard-error interval (widened by the slack): not refuted.
    bool consistent_with(double value, double z = refutation_z) const {
        return inside_refutation_interval(value, mean, standard_error, count, z, slack());
    }
};
using monte_carlo_result = or_reason<monte_carlo_estimate>;

namespace detail {

// Shape k of a generalized Pareto distribution fitted to positive exceedances y (ascending),
// by the profile-likelihood quadrature of Zhang & Stephens (2009), with the weak prior toward
// 0.5 of Vehtari et al. (PSIS), which errs toward calling a tail heavy.
inline double generalized_pareto_shape(const std::vector<double>& y) {
    const std::size_t n = y.size();
    const double count = static_cast<double>(n);
    const std::size_t grid = 30 + static_cast<std::size_t>(std::sqrt(count));
    double quartile = y[std::max<std::size_t>(1, static_cast<std::size_t>(count / 4 + 0.5)) - 1];
    if (!(quartile > 0.0))
        quartile = *std::upper_bound(y.begin(), y.end(), 0.0);
    std::vector<double> theta(grid), profile(grid);
    for (std::size_t j = 0; j < grid; ++j) {
        theta[j] = 1.0 / y.back() +
                   (1.0 - std::sqrt(static_cast<double>(grid) / (static_cast<double>(j) + 0.5))) /
                       (3.0 * quartile);
        double k = 0.0;
        for (const double v : y)
            k += std::log1p(-theta[j] * v);
        k /= count;
        profile[j] = count * (std::log(-theta[j] / k) - k - 1.0);
    }
    double theta_hat = 0.0;
    for (std::size_t j = 0; j < grid; ++j) {
        double denominator = 0.0;
        for (std::size_t i = 0; i < grid; ++i)
            denominator += std::exp(profile[i] - profile[j]);
        theta_hat += theta[j] / denominator;
    }
    double k = 0.0;
    for (const double v : y)
        k += std::log1p(-theta_hat * v);
    k /= count;
    return (count * k + 10.0 * 0.5) / (count + 10.0);
}

// k-hat of the upper tail of xs: the largest min(n/5, 3 sqrt n) values over the next one.
// -inf for a tail that is flat to rounding (a constant integrand), NaN for too few samples.
inline double upper_tail_index(std::vector<double> xs) {
    const std::size_t n = xs.size();
    const std::size_t m = std::min(n / 5, static_cast<std::size_t>(3.0 * std::sqrt(double(n))));
    if (m < 10)
        return std::numeric_limits<double>::quiet_NaN();
    std::partial_sort(xs.begin(), xs.begin() + static_cast<std::ptrdiff_t>(m + 1), xs.end(),
                      std::greater<>());
    const double threshold = xs[m];
    const double spread = xs[0] - threshold;
    if (!(spread > 1e-12 * std::max(std::abs(xs[0]), std::abs(threshold))))
        return -std::numeric_limits<double>::infinity();
    std::vector<double> y(m);
    for (std::size_t i = 0; i < m; ++i)
        y[i] = xs[m - 1 - i] - threshold; // ascending
    // Most of the tail at the threshold itself (values that underflowed next to a few huge
    // ones): no shape can be fitted, and the tail is as heavy as it gets.
    if (y[m / 2] <= 0.0)
        return std::numeric_limits<double>::infinity();
    return generalized_pareto_shape(y);
}

inline double tail_index(const std::vector<double>& xs) {
    std::vector<double> negated(xs.size());
    std::transform(xs.begin(), xs.end(), negated.begin(), std::negate<>());
    return std::max(upper_tail_index(xs), upper_tail_index(std::move(negated)));
}

// An estimate in units of exp(log_scale), so that estimates of exp(-800)-sized integrals keep
// their digits until a log brings them back.
struct mc_value {
    double mean = 0.0;
    double standard_error = 0.0;
    double bias = 0.0;
    double rounding = 0.0;
    double log_scale = 0.0;
    bool random = false;
    std::uint64_t count = no_sampling;
    std::size_t binders = 0;
    double tail = -std::numeric_limits<double>::infinity();

    bool is_exact_zero() const {
        return mean == 0.0 && standard_error == 0.0 && bias == 0.0 && rounding == 0.0;
    }
    mc_value rescaled(double new_log_scale) const {
        mc_value v = *this;
        const double f = std::exp(log_scale - new_log_scale);
        v.mean *= f;
        v.standard_error *= f;
        v.bias *= f;
        v.rounding *= f;
        v.log_scale = new_log_scale;
        return v;
    }
};

inline bool contains_binder(const sym::term& t) {
    if (t.is(sym::op::expectation) || t.is(sym::op::integral) || t.is(sym::op::kl))
        return true;
    return std::any_of(t.kids.begin(), t.kids.end(), contains_binder);
}

} // namespace detail

class monte_carlo_evaluator {
  public:
    explicit monte_carlo_evaluator(const model_binding& binding, monte_carlo_options options = {})
        : points_(binding)
        , options_(options) {}

    const monte_carlo_options& options() const { return options_; }

    monte_carlo_result evaluate(const sym::term& t) const {
        if (options_.samples < 2 || options_.batch == 0)
            return monte_carlo_result::fail("Monte Carlo needs at least two samples per binder");
        std::uint64_t block = options_.first_block;
        auto v = walk(t, block);
        if (!v.ok())
            return monte_carlo_result::fail(v.why_not());
        const detail::mc_value w = v.value().rescaled(0.0);
        if (!std::isfinite(w.mean) || !std::isfinite(w.standard_error))
            return monte_carlo_result::fail("the estimate is not finite as a double");
        monte_carlo_estimate e;
        e.mean = w.mean;
        e.standard_error = w.standard_error;
        e.count = w.count;
        e.bias_bound = w.bias;
        e.rounding_slack = w.rounding;
        e.binders = w.binders;
        e.tail_index = w.tail;
        return e;
    }

  private:
    using value_result = or_reason<detail::mc_value>;

    value_result exact(const sym::term& t) const {
        auto f = points_.compile(t);
        if (!f.ok())
            return value_result::fail(f.why_not());
        if (f.value().depends_on_z())
            return value_result::fail(
                "the term depends on z outside any expectation or integral: it is a function of "
                "z, not a number");
        const scaled_real v = f.value().constant_value().value;
        if (!v.is_finite())
            return value_result::fail("a part of the term that needs no sampling is not finite");
        detail::mc_value out;
        out.mean = v.mantissa;
        out.log_scale = v.log_scale;
        return out;
    }

    static value_result add(const detail::mc_value& a, const detail::mc_value& b) {
        if (a.is_exact_zero())
            return b;
        if (b.is_exact_zero())
            return a;
        const double e = std::max(a.log_scale, b.log_scale);
        const detail::mc_value x = a.rescaled(e), y = b.rescaled(e);
        detail::mc_value s;
        s.mean = x.mean + y.mean;
        // Independent blocks: variances add.
        s.standard_error = std::hypot(x.standard_error, y.standard_error);
        s.bias = x.bias + y.bias;
        s.rounding = x.rounding + y.rounding;
        s.log_scale = e;
        s.random = a.random || b.random;
        s.count = std::min(a.count, b.count);
        s.binders = a.binders + b.binders;
        s.tail = std::max(a.tail, b.tail);
        return s;
    }

    static value_result multiply(const detail::mc_value& a, const detail::mc_value& b) {
        if (a.random && b.random)
            return value_result::fail("a product of two Monte Carlo estimates is not evaluable "
                                      "by Monte Carlo here");
        const detail::mc_value& c = a.random ? b : a; // exact
        const detail::mc_value& r = a.random ? a : b;
        detail::mc_value p = r;
        p.mean = c.mean * r.mean;
        p.standard_error = std::abs(c.mean) * r.standard_error;
        p.bias = std::abs(c.mean) * r.bias;
        p.rounding = std::abs(c.mean) * r.rounding + std::abs(r.mean) * c.rounding;
        p.log_scale = c.log_scale + r.log_scale;
        if (p.mean != 0.0 && std::isfinite(p.mean)) { // keep the mean near 1 in its units
            const double shift = std::log(std::abs(p.mean));
            if (std::abs(shift) > 300.0)
                p = p.rescaled(p.log_scale + shift);
        }
        return p;
    }

    value_result log_of(const detail::mc_value& v) const {
        if (!(v.mean > 0.0))
            return value_result::fail("the log of an estimate that is not positive");
        detail::mc_value out = v;
        out.mean = std::log(v.mean) + v.log_scale;
        out.log_scale = 0.0;
        out.rounding = v.rounding / v.mean;
        if (!v.random)
            return out;
        const double r = v.standard_error / v.mean;
        if (!(r <= options_.max_relative_error_for_log))
            return value_result::fail(
                "the log of a Monte Carlo mean whose relative standard error is " +
                std::to_string(r) + " > " + std::to_string(options_.max_relative_error_for_log) +
                ": the delta method's bias (about r^2 / 2) would not be negligible");
        out.standard_error = r;
        out.bias = v.bias / v.mean + r * r;
        return out;
    }

    value_result walk(const sym::term& t, std::uint64_t& block) const {
        using sym::op;
        if (!detail::contains_binder(t))
            return exact(t);
        switch (t.kind) {
        case op::named:
            if (t.kids.empty())
                return value_result::fail("the name " + std::string(t.latex.view()) +
                                          " has no definition");
            return walk(t.kids.front(), block);
        case op::add:
        case op::mul: {
            auto total = walk(t.kids.front(), block);
            for (std::size_t i = 1; i < t.kids.size() && total.ok(); ++i) {
                auto next = walk(t.kids[i], block);
                if (!next.ok())
                    return next;
                total = t.is(op::add) ? add(total.value(), next.value())
                                      : multiply(total.value(), next.value());
            }
            return total;
        }
        case op::power: {
            auto base = walk(t.kids.front(), block);
            if (!base.ok() || t.value == sym::rational(1))
                return base;
            return value_result::fail("a power of a Monte Carlo estimate is biased and is not "
                                      "evaluable by Monte Carlo here");
        }
        case op::log: {
            auto inner = walk(t.kids.front(), block);
            if (!inner.ok())
                return inner;
            return log_of(inner.value());
        }
        case op::exp:
            return value_result::fail("exp of a Monte Carlo estimate is biased and is not "
                                      "evaluable by Monte Carlo here");
        case op::expectation:
        case op::integral:
        case op::kl:
            return estimate(t, block++);
        default:
            return value_result::fail("unknown term");
        }
    }

    static bool latent(const sym::term& variable) {
        return variable.role == static_cast<std::uint8_t>(sym::variable_role::latent);
    }

    value_result estimate(const sym::term& binder, std::uint64_t block) const {
        using sym::op;
        const model_binding& b = points_.binding();
        const model::gaussian* sampler = nullptr;
        sym::term integrand;
        switch (binder.kind) {
        case op::expectation:
            if (!latent(binder.kids[0]))
                return value_result::fail("an expectation over the observed variable " +
                                          std::string(binder.kids[0].latex.view()) +
                                          " has no value here (x is data, fixed)");
            sampler = b.latent_gaussian(model_binding::classify(binder.kids[1]));
            if (!sampler)
                return value_result::fail("the expectation is over a distribution that is not "
                                          "a Gaussian in z of this model");
            integrand = binder.kids[2];
            break;
        case op::integral: {
            if (!latent(binder.kids[0]))
                return value_result::fail("an integral over the observed variable " +
                                          std::string(binder.kids[0].latex.view()) +
                                          " has no value here (x is data, fixed)");
            sampler = &b.guide();
            const sym::symbol guide_family{
                0, "q", static_cast<std::uint8_t>(sym::family_role::guide), {}};
            integrand = sym::make_quotient(binder.kids[1],
                                           sym::make_density(guide_family, {binder.kids[0]}, {}));
            break;
        }
        case op::kl: {
            const sym::term& first = binder.kids[0];
            const sym::term& second = binder.kids[1];
            sampler = b.latent_gaussian(model_binding::classify(first));
            if (!sampler || !b.latent_gaussian(model_binding::classify(second)))
                return value_result::fail("a KL divergence between densities that are not "
                                          "Gaussians in z of this model");
            integrand = sym::make_difference(sym::make_log(first), sym::make_log(second));
            break;
        }
        default:
            return value_result::fail("not a binder");
        }
        const binder_strategy nested = [](const sym::term&) {
            return binder_value::fail(
                "an expectation, integral or KL inside the integrand of another is not "
                "estimated by Monte Carlo (the inner estimate's noise would enter non-linearly)");
        };
        std::vector<int> variables; // the bound variable (a KL names it in its densities)
        if (!binder.is(op::kl))
            variables.push_back(binder.kids[0].id);
        auto compiled = points_.compile(integrand, nested, std::move(variables));
        if (!compiled.ok())
            return value_result::fail(compiled.why_not());
        if (binder.is(op::integral)) {
            auto body = points_.compile(binder.kids[1], nested);
            if (body.ok() && !body.value().depends_on_z() &&
                !body.value().constant_value().value.is_zero())
                return value_result::fail("the integrand does not depend on z, so its integral "
                                          "over all of z diverges");
        }
        return sample(compiled.value(), *sampler, block);
    }

    value_result sample(pointwise_function& f, const model::gaussian& sampler,
                        std::uint64_t block) const {
        const Eigen::Index d = sampler.dim();
        const std::uint64_t n = options_.samples;
        const std::size_t batch = options_.batch;
        std::vector<double> normals(batch * static_cast<std::size_t>(d));
        std::vector<point_value> values;
        values.reserve(static_cast<std::size_t>(n));
        std::vector<point_value> out;
        Eigen::MatrixXd z;
        const auto lower = sampler.cholesky().triangularView<Eigen::Lower>();
        for (std::uint64_t first = 0; first < n; first += batch) {
            const std::size_t m =
                static_cast<std::size_t>(std::min<std::uint64_t>(batch, n - first));
            // Sample i uses normals i d, ..., i d + d - 1 of the block, whatever the batch.
            fill_normals(options_.seed, block, first * static_cast<std::uint64_t>(d),
                         normals.data(), m * static_cast<std::size_t>(d));
            const Eigen::Map<const Eigen::MatrixXd> eps(normals.data(), d,
                                                        static_cast<Eigen::Index>(m));
            z = lower * eps;
            z.colwise() += sampler.mean();
            f.at(z, out);
            values.insert(values.end(), out.begin(), out.end());
        }
        // Units exp(scale): the values themselves unless they would overflow or all underflow.
        double largest = -std::numeric_limits<double>::infinity();
        for (const point_value& v : values)
            if (!v.envelope.is_zero())
                largest = std::max(largest, v.envelope.log_abs());
        const double scale = std::abs(largest) > 600.0 && std::isfinite(largest) ? largest : 0.0;
        auto in_units = [scale](const scaled_real& v) {
            return v.is_zero() ? 0.0 : v.mantissa * std::exp(v.log_scale - scale);
        };
        std::vector<double> xs(values.size());
        running_moments moments;
        double sum_abs = 0.0, sum_squares = 0.0, mean_envelope = 0.0;
        for (std::size_t i = 0; i < values.size(); ++i) {
            xs[i] = in_units(values[i].value);
            const double envelope = in_units(values[i].envelope);
            if (!std::isfinite(xs[i]) || !std::isfinite(envelope))
                return value_result::fail("the integrand is not finite at a sample");
            moments.push(xs[i]);
            sum_abs += std::abs(xs[i]);
            sum_squares += xs[i] * xs[i];
            mean_envelope += (envelope - mean_envelope) / static_cast<double>(i + 1);
        }
        const double rounding = options_.rounding_tolerance * mean_envelope;
        // An integrand constant up to rounding (q = posterior in an identity) has no sampling
        // error to diagnose; its rounding noise must not be mistaken for a tail.
        double largest_deviation = 0.0;
        for (const double x : xs)
            largest_deviation = std::max(largest_deviation, std::abs(x - moments.mean()));
        const bool constant = largest_deviation <= rounding;
        // A few samples carry the whole sum: the region that holds the integral's mass was
        // (nearly) never visited, and the sample variance knows nothing of it.
        const double effective =
            sum_squares > 0.0 ? sum_abs * sum_abs / sum_squares : static_cast<double>(n);
        if (!constant && effective < options_.min_effective_fraction * static_cast<double>(n))
            return value_result::fail(
                "a few samples carry the whole estimate (effective sample size " +
                std::to_string(effective) + " of " + std::to_string(n) +
                "): the sampling distribution misses where the integrand's mass is");
        // Only an exponential factor (a density, or exp, not under a log) can make a variance
        // infinite; it shows as a scale that varies between samples. A polynomial in z (logs of
        // Gaussian densities) has every moment finite under a Gaussian, and a tail fit to it
        // would only see the slow approach of chi-square-like tails to k = 0 (k-hat 0.2 to 0.4
        // at n = 8192 for a quadratic form in two variables).
        bool weighted = false;
        for (const point_value& p : values)
            weighted = weighted || p.envelope.log_scale != values.front().envelope.log_scale;
        const double tail = constant || !weighted ? -std::numeric_limits<double>::infinity()
                                                  : detail::tail_index(xs);
        if (tail > options_.max_tail_index)
            return value_result::fail(
                "the integrand is heavy-tailed under its sampling distribution (Pareto tail "
                "index " +
                std::to_string(tail) + " > " + std::to_string(options_.max_tail_index) +
                "): its variance may be infinite and the standard error is not trustworthy");
        detail::mc_value v;
        v.mean = moments.mean();
        v.standard_error = moments.standard_error();
        v.rounding = rounding;
        v.log_scale = scale;
        v.random = true;
        v.count = n;
        v.binders = 1;
        v.tail = tail;
        return v;
    }

    pointwise_evaluator points_;
    monte_carlo_options options_;
};

} // namespace elbocheck::eval
