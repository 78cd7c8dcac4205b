#pragma once
// The quadrature evaluator: E, integral and KL terms over the latent z by deterministic
// numerical integration (Boost.Math's trapezoidal rule in a Laplace frame, nested for d = 2),
// for d = 1 and d = 2. It shares nothing with the exact evaluator but the model: integrands are
// evaluated point by point (pointwise_evaluator.hpp), so agreement between the two is evidence
// for both.
//
// Where the nodes go. The mass of an integrand is not always where the guide is: E_q[p(x, z) /
// q(z | x)] has its mass at the posterior however far the guide is, and KL(q || p(z)) has its
// mass at q however far the prior is. So the rule is not centred on any given density. Each
// integral gets a Laplace frame instead. An integrand is a product of an exponential weight and
// a slowly varying factor: the weight is the product of the densities (and exps) multiplied into
// it, whose logs the pointwise evaluator carries exactly as the scale of its values (q(z) for
// E_q[f] with f made of logs; p(x, z) for E_q[p(x, z) / q]; p(z) for KL(p(z) || q)); the factor
// is the rest (logs, constants). Newton's method climbs the log of the weight to its peak c,
// starting from each of the model's Gaussians (guide, prior, posterior), and the negative Hessian
// there, H, gives the Cholesky factor L of H^{-1}. The rule then runs in u, z = c + L u, where the
// integrand is a standard normal bump times the factor, whatever the guide, the conditioning or
// the correlation. Climbing |integrand| instead would let the factor bend the frame: log q(z)
// grows so fast away from a narrow q that p(z) |log q(z)| peaks on a ring, not at a point.
// Newton works in the current frame's coordinates and refits the frame at every step, so its
// finite differences are scale-free: a start a thousand standard deviations away, or a frame
// 1e6 times too wide, is fine. The integrand is divided by the weight's peak value, so
// exp(-700)-sized densities neither underflow nor lose digits; the scale is restored in the log
// domain.
//
// The rule. In the frame, the integrand is analytic and decays like a Gaussian, and for such
// functions the trapezoidal rule on a truncated interval converges geometrically in 1/h^2
// (Trefethen & Weideman, SIAM Review 56, 2014): about 65 nodes per dimension reach 1e-15 for a
// unit bump on [-12, 12]. Boost's adaptive trapezoidal rule halves h until two successive
// results agree; for d = 2 the inner integral over u_2 is itself such a rule at each outer node
// u_1. (Double-exponential rules, sinh-sinh, spend about twice the nodes here: they are built
// for integrands whose scale is unknown, and the frame has already found it.) The truncation
// radius R is the smallest of 12, 18, 27, 40.5 frame units at which the envelope (a smooth
// majorant of |integrand|, pointwise_evaluator.hpp) has fallen by decay_drop from its value at
// the centre along every axis and diagonal.
//
// Checks rather than guesses. An integral is reported not evaluable, with the reason, when
//   - d > 2 (nested 1-D rules would need (nodes)^d evaluations; use Monte Carlo),
//   - it integrates over the observed x (the data is fixed; dx for dz is a document's mistake),
//   - the integrand does not decay: it does not depend on z at all, Newton's method finds no
//     peak of its weight (it grows or stays flat along some direction), or its envelope has not
//     fallen by decay_drop at the largest radius — a divergent integral such as E_q[q / p(z)] with
//     a guide wider than twice the prior, or int p(x | z) dz when W has a null space,
//   - the weight has separated peaks within decay_drop of each other in height (one frame would
//     miss one),
//   - the rule does not converge to accepted_error (relative to the integral of |integrand|,
//     or to the rounding of the terms that cancel inside it when that is larger).
// Binders that occur more than once (in one term or across terms) are integrated once per
// evaluator; the evaluator is therefore not thread-safe.

#include "elbocheck/eval/pointwise_evaluator.hpp"

#include <Eigen/Cholesky>
#include <Eigen/Eigenvalues>
#include <boost/math/quadrature/trapezoidal.hpp>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <limits>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace elbocheck::eval {

struct quadrature_options {
    // The trapezoidal rule stops when two successive halvings of its step differ by at most this
    // times the integral of |integrand|. The difference measures the coarser step's error; the
    // finer one's is far smaller (the error of the trapezoidal rule on an analytic, decaying
    // integrand falls like exp(-2 pi^2 s^2 / h^2) for a bump of width s, so halving h squares it
    // and more).
    double tolerance = 1e-11;
    // A result whose final error estimate exceeds this, relative to the integral of |integrand|
    // plus the rounding floor of detail::rule_value, is reported as not converged.
    double accepted_error = 1e-9;
    // The rule runs over [-R, R]^d in frame units, with R the smallest of 12, 18, 27, 40.5 at
    // which the envelope has fallen below its peak by decay_drop along every axis and diagonal
    // (a standard normal falls by 72 at 12). Beyond the largest, the integral is declared
    // divergent or too spread out for the frame.
    double first_radius = 12.0;
    double largest_radius = 40.5;
    double decay_drop = 40.0;      // e^-40 = 4e-18 of the peak: negligible at 1e-10
    std::size_t max_halvings = 10; // at most 2^10 + 1 nodes per dimension
};

struct quadrature_value {
    double value = 0.0;
    scaled_real scaled; // the same value as m * exp(e), for tiny or huge values
    // The largest final error estimate of its integrals, relative to the integral of |integrand|
    // plus the rounding floor (detail::rule_value).
    double relative_error = 0.0;
    std::size_t integrand_evaluations = 0; // including Newton's and the decay checks'
};
using quadrature_result = or_reason<quadrature_value>;

namespace detail {

// z = centre + lower u, with the integrand's weight close to exp(log_peak - |u|^2 / 2).
struct laplace_frame {
    Eigen::VectorXd centre;
    Eigen::MatrixXd lower; // the Cholesky factor of the inverse negative Hessian
    double log_peak = 0.0;
    double radius = 0.0; // the rule covers [-radius, radius]^d in u
};

// What the rule integrates: the integrand and, weighted, its envelope. Boost's rules stop when
// successive results differ by at most tolerance times the integral of abs(y). Here abs(y) is
// |value| + w envelope with w = rounding_floor eps / tolerance, and the difference of two
// results carries the value's change only, so the rule stops when
//     |change of the value| <= tolerance int |integrand| + rounding_floor eps int envelope:
// the requested accuracy, except where terms much larger than the integrand cancel inside it
// (log p(x | z) + log p(z) - log p(z | x) is log p(x) up to the rounding of terms of size 1e6).
// There the rounding of those terms, not the rule, limits the accuracy, and demanding more would
// only refine the rule to its maximum number of nodes. (The envelope's own integral need not
// converge: it only sets that floor, and it is not smooth where a log crosses zero.)
struct rule_value {
    // Terms of size T come out of ill-conditioned factorizations with errors of a few hundred
    // eps T (the posterior of a model with a 1e6-conditioned noise: about 100 eps T).
    static constexpr double rounding_floor = 1024.0;
    double value = 0.0;
    double weighted_envelope = 0.0;

    rule_value() = default;
    rule_value(double v) // Boost forms K from 0 and from raised errors
        : value(v) {}
    rule_value(double v, double e)
        : value(v)
        , weighted_envelope(e) {}

    rule_value& operator+=(const rule_value& o) {
        value += o.value;
        weighted_envelope += o.weighted_envelope;
        return *this;
    }
    friend rule_value operator+(rule_value a, const rule_value& b) { return a += b; }
    // The change between two results: the value's alone (see above).
    friend rule_value operator-(const rule_value& a, const rule_value& b) {
        return {a.value - b.value, 0.0};
    }
    friend rule_value operator-(const rule_value& a) { return {-a.value, -a.weighted_envelope}; }
    friend rule_value operator*(const rule_value& a, double h) {
        return {a.value * h, a.weighted_envelope * h};
    }
    friend double abs(const rule_value& a) {
        return std::abs(a.value) + std::abs(a.weighted_envelope);
    }
};

// Eigenvalues (ascending) and eigenvectors of a symmetric d x d matrix, d <= 2, by Eigen's
// closed form for 2 x 2 (computeDirect): the general solver costs several seconds of compile
// time per test file for matrices that are never larger than 2 x 2 here.
struct symmetric_eigen {
    Eigen::VectorXd values;
    Eigen::MatrixXd vectors;

    explicit symmetric_eigen(const Eigen::MatrixXd& m) {
        if (m.rows() == 1) {
            values = m.col(0);
            vectors = Eigen::MatrixXd::Identity(1, 1);
            return;
        }
        Eigen::SelfAdjointEigenSolver<Eigen::Matrix2d> solver;
        solver.computeDirect(Eigen::Matrix2d(m));
        values = solver.eigenvalues();
        vectors = solver.eigenvectors();
    }
};

// log |det L| of a lower-triangular factor.
inline double log_volume(const Eigen::MatrixXd& lower) {
    return lower.diagonal().array().abs().log().sum();
}

inline std::string format_point(const Eigen::VectorXd& z) {
    std::string s = "(";
    for (Eigen::Index i = 0; i < z.size(); ++i) {
        char buffer[32];
        std::snprintf(buffer, sizeof buffer, "%.6g", z(i));
        s += (i ? ", " : "") + std::string(buffer);
    }
    return s + ")";
}

} // namespace detail

class quadrature_evaluator {
  public:
    explicit quadrature_evaluator(const model_binding& binding, quadrature_options options = {})
        : points_(binding)
        , options_(options) {}

    quadrature_result evaluate(const sym::term& t) const {
        relative_error_ = 0.0;
        evaluations_ = 0;
        auto f = points_.compile(t, strategy());
        if (!f.ok())
            return quadrature_result::fail(f.why_not());
        if (f.value().depends_on_z())
            return quadrature_result::fail(
                "the term depends on z outside any expectation or integral: it is a function of "
                "z, not a number (compare it pointwise)");
        const scaled_real v = f.value().constant_value().value;
        if (!v.is_finite())
            return quadrature_result::fail("the value is not finite (the log of a value that is "
                                           "not positive, or a division by zero)");
        return quadrature_value{v.value(), v, relative_error_, evaluations_};
    }

  private:
    struct memo_entry {
        binder_value value;
        double relative_error;
        std::size_t evaluations;
    };

    binder_strategy strategy() const {
        return [this](const sym::term& b) { return integrate(b); };
    }

    binder_value integrate(const sym::term& binder) const {
        std::string key;
        detail::append_term_key(key, binder);
        if (auto at = memo_.find(key); at != memo_.end()) {
            relative_error_ = std::max(relative_error_, at->second.relative_error);
            evaluations_ += at->second.evaluations;
            return at->second.value;
        }
        const double outer_error = relative_error_;
        const std::size_t outer_evaluations = evaluations_;
        relative_error_ = 0.0;
        evaluations_ = 0;
        binder_value v = integrate_uncached(binder);
        memo_.emplace(key, memo_entry{v, relative_error_, evaluations_});
        relative_error_ = std::max(relative_error_, outer_error);
        evaluations_ += outer_evaluations;
        return v;
    }

    static bool latent(const sym::term& variable) {
        return variable.role == static_cast<std::uint8_t>(sym::variable_role::latent);
    }
    static bool over_z(bound_density which) {
        return which == bound_density::prior || which == bound_density::posterior ||
               which == bound_density::guide;
    }

    binder_value integrate_uncached(const sym::term& binder) const {
        using sym::op;
        const Eigen::Index d = points_.latent_dim();
        sym::term integrand;
        switch (binder.kind) {
        case op::expectation: {
            if (!latent(binder.kids[0]))
                return binder_value::fail("an expectation over the observed variable " +
                                          std::string(binder.kids[0].latex.view()) +
                                          " has no value here (x is data, fixed)");
            if (!over_z(model_binding::classify(binder.kids[1])))
                return binder_value::fail("the expectation is over a distribution that is not "
                                          "a Gaussian in z of this model");
            integrand = sym::make_product({binder.kids[1], binder.kids[2]});
            break;
        }
        case op::integral:
            if (!latent(binder.kids[0]))
                return binder_value::fail("an integral over the observed variable " +
                                          std::string(binder.kids[0].latex.view()) +
                                          " has no value here (x is data, fixed)");
            integrand = binder.kids[1];
            break;
        case op::kl: {
            const sym::term& a = binder.kids[0];
            const sym::term& b = binder.kids[1];
            if (!over_z(model_binding::classify(a)) || !over_z(model_binding::classify(b)))
                return binder_value::fail("a KL divergence between densities that are not "
                                          "Gaussians in z of this model");
            // KL(a || b) = int a (log a - log b) dz
            integrand =
                sym::make_product({a, sym::make_difference(sym::make_log(a), sym::make_log(b))});
            break;
        }
        default:
            return binder_value::fail("not a binder");
        }
        if (d > 2)
            return binder_value::fail(
                "quadrature integrates over z only for d <= 2 (nested one-dimensional rules); "
                "this model has d = " +
                std::to_string(d));
        // The integrand is a function of the variable this binder binds (a KL names it in its
        // densities); another latent variable in it (z_1 inside E_{z_2}[...]) is free and
        // makes the integral a function, not a number.
        std::vector<int> variables;
        if (!binder.is(op::kl))
            variables.push_back(binder.kids[0].id);
        auto compiled = points_.compile(integrand, strategy(), std::move(variables));
        if (!compiled.ok())
            return binder_value::fail(compiled.why_not());
        pointwise_function& f = compiled.value();
        if (!f.depends_on_z()) {
            if (f.constant_value().value.is_zero())
                return scaled_real{};
            return binder_value::fail("the integrand does not depend on z, so its integral over "
                                      "all of z diverges");
        }
        try {
            auto frame = find_frame(f);
            if (!frame.ok())
                return binder_value::fail(frame.why_not());
            return integrate_in_frame(f, frame.value());
        } catch (const std::exception& e) {
            return binder_value::fail(std::string("quadrature failed: ") + e.what());
        }
    }

    // ---- The frame -----------------------------------------------------------------------

    double log_envelope(pointwise_function& f, const Eigen::VectorXd& z) const {
        ++evaluations_;
        return f.at(z).envelope.log_abs();
    }

    // The integrand's exponential weight: the log-scale part of its envelope, i.e. the sum of the
    // log-densities multiplied into it (see the header comment). -inf where the envelope is 0.
    double log_weight(pointwise_function& f, const Eigen::VectorXd& z) const {
        ++evaluations_;
        const scaled_real e = f.at(z).envelope;
        return e.is_zero() ? -std::numeric_limits<double>::infinity() : e.log_scale;
    }

    or_reason<detail::laplace_frame> find_frame(pointwise_function& f) const {
        using frame_result = or_reason<detail::laplace_frame>;
        const model_binding& b = points_.binding();
        const model::gaussian* starts[] = {&b.guide(), &b.prior(), &b.posterior()};
        std::vector<detail::laplace_frame> peaks;
        for (const model::gaussian* g : starts) {
            auto peak = climb(f, g->mean(), g->cholesky());
            if (!peak.ok())
                return peak;
            peaks.push_back(std::move(peak.value()));
        }
        std::size_t best = 0;
        for (std::size_t i = 1; i < peaks.size(); ++i)
            if (peaks[i].log_peak > peaks[best].log_peak)
                best = i;
        detail::laplace_frame frame = peaks[best];
        // Another peak of comparable height away from this one would be missed by its frame.
        for (const detail::laplace_frame& other : peaks) {
            const double distance = frame.lower.triangularView<Eigen::Lower>()
                                        .solve(other.centre - frame.centre)
                                        .norm();
            if (other.log_peak > frame.log_peak - options_.decay_drop && distance > 6.0)
                return frame_result::fail("the integrand has separated peaks at z = " +
                                          detail::format_point(frame.centre) +
                                          " and z = " + detail::format_point(other.centre) +
                                          "; one quadrature frame cannot cover both");
        }
        // The frame must hold the integrand's mass: find a radius at which the envelope has
        // fallen by decay_drop along the axes and diagonals.
        const Eigen::Index d = frame.centre.size();
        std::vector<Eigen::VectorXd> directions;
        for (Eigen::Index i = 0; i < d; ++i)
            directions.push_back(Eigen::VectorXd::Unit(d, i));
        if (d == 2) {
            directions.push_back(Eigen::Vector2d(1.0, 1.0) / std::sqrt(2.0));
            directions.push_back(Eigen::Vector2d(1.0, -1.0) / std::sqrt(2.0));
        }
        const double at_centre = log_envelope(f, frame.centre);
        auto decayed_at = [&](double radius) {
            for (const Eigen::VectorXd& v : directions)
                for (const double sign : {1.0, -1.0}) {
                    const double l =
                        log_envelope(f, frame.centre + frame.lower * (sign * radius * v));
                    if (!(l < at_centre - options_.decay_drop))
                        return false;
                }
            return true;
        };
        for (double radius = options_.first_radius; radius <= options_.largest_radius;
             radius *= 1.5)
            if (decayed_at(radius)) {
                frame.radius = radius;
                return frame;
            }
        return frame_result::fail(
            "the integrand does not decay away from its peak at z = " +
            detail::format_point(frame.centre) + ": " + std::to_string(options_.largest_radius) +
            " frame units away it is still above exp(-" + std::to_string(options_.decay_drop) +
            ") times its value there, so the integral diverges or is too spread out for this rule");
    }

    // Newton's method on the exponential weight, in the coordinates of a frame refitted at every
    // step.
    or_reason<detail::laplace_frame> climb(pointwise_function& f, const Eigen::VectorXd& start,
                                           const Eigen::MatrixXd& start_lower) const {
        using frame_result = or_reason<detail::laplace_frame>;
        const Eigen::Index d = start.size();
        Eigen::VectorXd c = start;
        Eigen::MatrixXd lower = start_lower;
        const double start_log_volume = detail::log_volume(start_lower);
        constexpr double h = 1e-3; // finite-difference step, in frame units
        auto ell = [&](const Eigen::VectorXd& u) { return log_weight(f, c + lower * u); };
        const std::string no_peak =
            "the integral diverges: the integrand does not decay along some direction of z "
            "(Newton's method finds no peak of it)";
        for (int iteration = 0; iteration < 200; ++iteration) {
            const Eigen::VectorXd zero = Eigen::VectorXd::Zero(d);
            const double f0 = ell(zero);
            if (!std::isfinite(f0))
                return frame_result::fail("the integrand " +
                                          std::string(f0 < 0.0 ? "vanishes" : "is not finite") +
                                          " at z = " + detail::format_point(c) +
                                          ", so no quadrature frame can be placed there");
            Eigen::VectorXd gradient(d);
            Eigen::MatrixXd hessian(d, d);
            for (Eigen::Index i = 0; i < d; ++i) {
                const Eigen::VectorXd e = h * Eigen::VectorXd::Unit(d, i);
                const double plus = ell(e), minus = ell(-e);
                gradient(i) = (plus - minus) / (2.0 * h);
                hessian(i, i) = (plus - 2.0 * f0 + minus) / (h * h);
                for (Eigen::Index j = 0; j < i; ++j) {
                    const Eigen::VectorXd e2 = h * Eigen::VectorXd::Unit(d, j);
                    hessian(i, j) = hessian(j, i) =
                        (ell(e + e2) - ell(e - e2) - ell(e2 - e) + ell(-e - e2)) / (4.0 * h * h);
                }
            }
            if (!gradient.allFinite() || !hessian.allFinite())
                return frame_result::fail("the integrand is not finite near z = " +
                                          detail::format_point(c));
            const detail::symmetric_eigen eigen(-hessian);
            const Eigen::VectorXd& lambda = eigen.values; // ascending
            const Eigen::MatrixXd& vectors = eigen.vectors;
            // Saddle-free Newton: divide by |lambda|, so that the step always climbs.
            const double floor = 1e-8 * std::max(1.0, lambda.cwiseAbs().maxCoeff());
            Eigen::VectorXd step =
                vectors *
                (vectors.transpose() * gradient).cwiseQuotient(lambda.cwiseAbs().cwiseMax(floor));
            if (step.norm() > 1e6)
                step *= 1e6 / step.norm();
            double t = 1.0, moved = 0.0;
            for (; t > 1e-12; t *= 0.5) {
                const double trial = ell(t * step);
                if (trial >= f0) {
                    c += lower * (t * step);
                    moved = t * step.norm();
                    break;
                }
            }
            const bool concave = lambda(0) > 0.0;
            const bool whitened = lambda(0) > 0.5 && lambda(d - 1) < 2.0;
            if (concave) { // refit: the new frame whitens the Hessian just measured
                // M M^T with M = L V Lambda^{-1/2} is the new frame's covariance; its Cholesky
                // factor keeps the frame lower triangular (cheap solves and determinant).
                const Eigen::MatrixXd root =
                    lower * vectors * lambda.cwiseSqrt().cwiseInverse().asDiagonal();
                const Eigen::LLT<Eigen::MatrixXd> llt(root * root.transpose());
                if (llt.info() != Eigen::Success)
                    return frame_result::fail(no_peak);
                lower = llt.matrixL();
            }
            if (moved < 1e-6 && whitened)
                return detail::laplace_frame{c, lower, log_weight(f, c)};
            const double log_volume = detail::log_volume(lower);
            const double offset =
                start_lower.triangularView<Eigen::Lower>().solve(c - start).norm();
            if (!std::isfinite(log_volume) || log_volume - start_log_volume > 60.0 ||
                !(offset < 1e10))
                return frame_result::fail(no_peak);
        }
        return frame_result::fail(no_peak);
    }

    // ---- The rule ------------------------------------------------------------------------

    binder_value integrate_in_frame(pointwise_function& f,
                                    const detail::laplace_frame& frame) const {
        using detail::rule_value;
        const Eigen::Index d = frame.centre.size();
        Eigen::VectorXd z(d), u = Eigen::VectorXd::Zero(d);
        const double r = frame.radius;
        const double floor_weight = rule_value::rounding_floor *
                                    std::numeric_limits<double>::epsilon() / options_.tolerance;
        // The integrand and its envelope in frame units, divided by the envelope's peak.
        auto scaled = [&]() -> rule_value {
            z.noalias() = frame.centre + frame.lower * u;
            ++evaluations_;
            const point_value v = f.at(z);
            const double value =
                v.value.is_zero() ? 0.0
                                  : v.value.mantissa * std::exp(v.value.log_scale - frame.log_peak);
            const double envelope =
                v.envelope.mantissa * std::exp(v.envelope.log_scale - frame.log_peak);
            if (!std::isfinite(value) || !std::isfinite(envelope))
                throw std::domain_error("the integrand is not finite at z = " +
                                        detail::format_point(z));
            return {value, floor_weight * envelope};
        };
        double relative_error = 0.0;
        auto rule = [&](auto&& g) {
            double error = 0.0, l1 = 0.0;
            const rule_value value = boost::math::quadrature::trapezoidal(
                g, -r, r, options_.tolerance, options_.max_halvings, &error, &l1);
            if (l1 > 0.0)
                relative_error = std::max(relative_error, error / l1);
            return value;
        };
        rule_value integral;
        if (d == 1) {
            integral = rule([&](double u0) {
                u(0) = u0;
                return scaled();
            });
        } else {
            integral = rule([&](double u0) {
                return rule([&](double u1) {
                    u(0) = u0;
                    u(1) = u1;
                    return scaled();
                });
            });
        }
        relative_error_ = std::max(relative_error_, relative_error);
        if (!(relative_error <= options_.accepted_error))
            return binder_value::fail("the quadrature did not converge: error estimate " +
                                      std::to_string(relative_error) +
                                      " of the integral of |integrand|");
        const double log_jacobian = detail::log_volume(frame.lower);
        return scaled_real{integral.value, frame.log_peak + log_jacobian}.normalized();
    }

    pointwise_evaluator points_;
    quadrature_options options_;
    mutable std::map<std::string, memo_entry> memo_;
    mutable double relative_error_ = 0.0;
    mutable std::size_t evaluations_ = 0;
};

} // namespace elbocheck::eval
