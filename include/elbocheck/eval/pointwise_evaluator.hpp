#pragma once
// The value of a term at points z of the latent space, computed from the model's Gaussian
// densities evaluated at those points, for the numerical evaluators (quadrature, Monte Carlo)
// that cross-check the exact one.
//
// Independence. The exact evaluator turns every log-density into a quadratic form and does
// calculus on the coefficients. This evaluator never forms a quadratic form: a density at a
// point is the textbook formula -1/2 (k log 2 pi + log|L L^T| + |L^{-1}(v - mu)|^2) applied to
// the density's own mean and Cholesky factor (prior, guide, posterior, noise, marginal of x),
// and everything else is plain arithmetic at that point. A mistake in the quadratic-form
// calculus therefore cannot repeat itself here. The tests also hold these log-densities against
// the model's public log_prior / log_likelihood / log_posterior / log_evidence.
//
// Numbers. Densities of a D-dimensional x are routinely exp(-700) or smaller, and products and
// quotients of them (p(x, z) / q(z | x)) must not underflow before a log brings them back. A
// value is therefore kept as m * exp(e) (scaled_real): e holds the log of a density exactly as
// computed, m the ordinary double part. Plain arithmetic (e = 0) stays plain double arithmetic,
// with no log/exp round trip, and log(density) returns the computed log-density itself.
//
// Envelope. Next to each value the evaluator carries a smooth positive majorant of its absolute
// value (|a + b| <= env a + env b, |log a| <= sqrt(1 + log^2 a) + the size of the log-densities
// in a, ...), kept in the same m * exp(e) form. Its scale e is the integrand's exponential weight
// (the log-densities multiplied in), which quadrature climbs to place its nodes; the envelope
// itself has no zeros where a sum cancels or a log crosses zero, and quadrature uses it to check
// that an integrand decays and to size the rounding error of terms that cancel.
//
// Binders. E, integral and KL have no value at a point: their value does not depend on the
// point (they bind the latent variable), and computing it is the caller's business. A
// term is compiled once; each binder it contains is valued then by the binder_strategy the
// caller plugs in (nested quadrature, or "not evaluable" for Monte Carlo), and the compiled
// function is then evaluated at as many points as needed without touching the term tree.
//
// Several latent variables. The importance-weighted bound draws z_1 and z_2 independently; a
// term such as log(1/2 (w(z_1) + w(z_2))) is a function of the pair. compile() takes the ids of
// the latent variables the point stands for, in order: a point is then the stacked vector
// (z_1; z_2; ...), each block of the model's latent dimension. Without a list, the point is the
// one latent variable the term mentions, whatever its name, and a term that mentions two is not
// evaluable: reading z_1 and z_2 as the same z would silently compute a different quantity.

#include "elbocheck/eval/model_binding.hpp"
#include "elbocheck/sym/term.hpp"

#include <Eigen/Core>
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace elbocheck::eval {

// A value of type T, or the reason there is none.
template <class T>
class or_reason {
  public:
    or_reason(T value)
        : content_(std::move(value)) {}
    static or_reason fail(std::string why) { return or_reason(std::move(why), 0); }

    bool ok() const { return content_.index() == 0; }
    const T& value() const { return std::get<0>(content_); }
    T& value() { return std::get<0>(content_); }
    const std::string& why_not() const { return std::get<1>(content_); }

  private:
    or_reason(std::string why, int)
        : content_(std::in_place_index<1>, std::move(why)) {}
    std::variant<T, std::string> content_;
};

// m * exp(e). The mantissa carries the sign; zero is m = 0.
struct scaled_real {
    double mantissa = 0.0;
    double log_scale = 0.0;

    static scaled_real of(double v) { return {v, 0.0}; }
    static scaled_real exp_of(double x) { return {1.0, x}; } // e^x, even where e^x overflows

    bool is_zero() const { return mantissa == 0.0; }
    int sign() const { return (mantissa > 0.0) - (mantissa < 0.0); }
    bool is_finite() const { return std::isfinite(mantissa) && std::isfinite(log_scale); }
    double log_abs() const { return std::log(std::abs(mantissa)) + log_scale; }

    double value() const {
        if (mantissa == 0.0 || log_scale == 0.0)
            return mantissa;
        if (std::abs(log_scale) < 600.0)
            return mantissa * std::exp(log_scale);
        return sign() * std::exp(log_abs()); // m e^e would overflow or flush to zero
    }

    // Moves the mantissa's magnitude into the scale when it drifts far from 1, so that a
    // product of many factors never overflows the mantissa.
    scaled_real normalized() const {
        const double a = std::abs(mantissa);
        if (a == 0.0 || !std::isfinite(a) || (a > 1e-150 && a < 1e150))
            return *this;
        return {mantissa > 0.0 ? 1.0 : -1.0, log_scale + std::log(a)};
    }

    friend scaled_real operator*(const scaled_real& a, const scaled_real& b) {
        if ((a.is_zero() && b.is_finite()) || (b.is_zero() && a.is_finite()))
            return {};
        return scaled_real{a.mantissa * b.mantissa, a.log_scale + b.log_scale}.normalized();
    }

    friend scaled_real operator+(const scaled_real& a, const scaled_real& b) {
        if (a.is_zero())
            return b;
        if (b.is_zero())
            return a;
        if (a.log_scale == b.log_scale) // the common case (both 0): exact double addition
            return scaled_real{a.mantissa + b.mantissa, a.log_scale}.normalized();
        const double e = std::max(a.log_scale, b.log_scale);
        return scaled_real{
            a.mantissa * std::exp(a.log_scale - e) + b.mantissa * std::exp(b.log_scale - e), e}
            .normalized();
    }

    scaled_real abs() const { return {std::abs(mantissa), log_scale}; }

    // NaN for the log of a value that is not positive: the caller reports where it happened.
    scaled_real log() const {
        if (!(mantissa > 0.0))
            return of(std::numeric_limits<double>::quiet_NaN());
        return of(std::log(mantissa) + log_scale);
    }

    scaled_real exp() const { return exp_of(value()); }

    // Integer exponents keep the sign; a fractional power of a negative number is NaN.
    scaled_real pow(double k, bool integer) const {
        if (mantissa == 0.0)
            return k > 0.0 ? scaled_real{} : of(std::numeric_limits<double>::infinity()); // 1/0
        double sign = 1.0;
        if (mantissa < 0.0) {
            if (!integer)
                return of(std::numeric_limits<double>::quiet_NaN());
            sign = std::fmod(std::abs(k), 2.0) == 1.0 ? -1.0 : 1.0;
        }
        const double a = std::abs(mantissa);
        // The exponents of quotients and squares, without a call to pow.
        const double m = k == -1.0 ? 1.0 / a : k == 1.0 ? a : k == 2.0 ? a * a : std::pow(a, k);
        return scaled_real{sign * m, log_scale * k}.normalized();
    }
};

// A value and its envelope (a smooth majorant of |value|) at one point. weight_size is the sum of
// the sizes |log density| of the densities multiplied into the value: the scale of the
// log-densities that may have cancelled in its exponent (log(p(x, z) / p(z | x)) is log p(x),
// a difference of two terms of size 1e6 under a far guide), so that the log of it gets an
// envelope as large as those terms, as log p(x, z) - log p(z | x) written as a sum does.
struct point_value {
    scaled_real value;
    scaled_real envelope;
    double weight_size = 0.0;
};

// What a binder (E, integral, KL) is worth: a number, or why it cannot be had.
using binder_value = or_reason<scaled_real>;
using binder_strategy = std::function<binder_value(const sym::term& binder)>;

class pointwise_evaluator;

namespace detail {

enum class step_kind : std::uint8_t { constant, density, log, exp, add, mul, power };

// One instruction of a compiled term, in postfix order.
struct pointwise_step {
    step_kind kind = step_kind::constant;
    bound_density density = bound_density::unknown;
    std::uint32_t arity = 0; // add, mul
    double exponent = 0.0;   // power
    bool integer_exponent = true;
    std::uint8_t variable = 0; // density: which latent variable (block of the point) it reads
    scaled_real constant{};
};

// The densities of z that a compiled term reads; the evidence p(x) is a constant.
inline constexpr std::array<bound_density, 5> point_densities = {
    bound_density::prior, bound_density::likelihood, bound_density::joint, bound_density::posterior,
    bound_density::guide};

inline constexpr std::size_t density_slot(bound_density which) {
    switch (which) {
    case bound_density::prior:
        return 0;
    case bound_density::likelihood:
        return 1;
    case bound_density::joint:
        return 2;
    case bound_density::posterior:
        return 3;
    case bound_density::guide:
        return 4;
    default:
        return 5;
    }
}

inline constexpr double log_two_pi = 1.8378770664093454835606594728112353;

// A structural key for a term: equal keys, equal terms (to integrate each distinct binder
// once, to sample each distinct integrand once).
inline void append_term_key(std::string& out, const sym::term& t) {
    out += std::to_string(static_cast<int>(t.kind));
    out += ':';
    out += std::to_string(t.id);
    out += ':';
    out += std::to_string(t.role);
    out += ':';
    out += std::to_string(t.value.num);
    out += '/';
    out += std::to_string(t.value.den);
    out += ':';
    out += std::to_string(t.given);
    out += '(';
    for (const sym::term& k : t.kids)
        append_term_key(out, k);
    out += ')';
}

} // namespace detail

// A term compiled for evaluation at points. Holds scratch space, so evaluation is not const and
// one function must not be evaluated from two threads at once. It refers to the evaluator that
// compiled it, which must outlive it.
class pointwise_function {
  public:
    // The term has a free latent variable: its value changes with z.
    bool depends_on_z() const {
        return std::any_of(uses_.begin(), uses_.end(), [](unsigned u) { return u != 0; });
    }
    // How many latent variables a point stacks (blocks of the latent dimension).
    std::size_t variable_count() const { return uses_.size(); }

    // The value when the term does not depend on z (undefined otherwise).
    point_value constant_value() { return run(0); }

    point_value at(const Eigen::VectorXd& z) {
        prepare(z.size(), 1);
        compute_densities(z);
        return run(0);
    }

    // Values at the columns of `points`, into out (resized).
    void at(const Eigen::MatrixXd& points, std::vector<point_value>& out) {
        prepare(points.rows(), points.cols());
        compute_densities(points);
        out.resize(static_cast<std::size_t>(points.cols()));
        for (Eigen::Index j = 0; j < points.cols(); ++j)
            out[static_cast<std::size_t>(j)] = run(j);
    }

  private:
    friend class pointwise_evaluator;
    pointwise_function(const pointwise_evaluator& e, std::vector<detail::pointwise_step> code,
                       std::vector<unsigned> uses, std::size_t depth)
        : evaluator_(&e)
        , code_(std::move(code))
        , uses_(std::move(uses))
        , log_density_(uses_.size()) {
        stack_.resize(depth);
    }

    void prepare(Eigen::Index dim, Eigen::Index n);
    void compute_densities(const Eigen::Ref<const Eigen::MatrixXd>& points);
    void compute_densities(std::size_t variable, const Eigen::Ref<const Eigen::MatrixXd>& points);
    point_value run(Eigen::Index column);

    const pointwise_evaluator* evaluator_;
    std::vector<detail::pointwise_step> code_;
    std::vector<unsigned> uses_; // per variable, bit i: detail::point_densities[i] is read
    std::vector<point_value> stack_;
    std::vector<std::array<Eigen::ArrayXd, 5>> log_density_; // per variable

    Eigen::MatrixXd latent_scratch_;
    Eigen::MatrixXd observed_scratch_;
};

class pointwise_evaluator {
  public:
    explicit pointwise_evaluator(const model_binding& binding)
        : b_(&binding)
        , x_minus_offset_(binding.x() - binding.model().offset())
        , noise_log_norm_(log_normalizer(binding.model().noise_cholesky()))
        , prior_log_norm_(log_normalizer(binding.prior().cholesky()))
        , posterior_log_norm_(log_normalizer(binding.posterior().cholesky()))
        , guide_log_norm_(log_normalizer(binding.guide().cholesky())) {
        // log p(x) from the marginal N(W mu0 + b, W Sigma0 W^T + Psi), by the same formula.
        const model::gaussian marginal = binding.model().marginal();
        const Eigen::VectorXd white =
            marginal.cholesky().triangularView<Eigen::Lower>().solve(binding.x() - marginal.mean());
        log_evidence_ = log_normalizer(marginal.cholesky()) - 0.5 * white.squaredNorm();
    }

    const model_binding& binding() const { return *b_; }
    Eigen::Index latent_dim() const { return b_->latent_dim(); }
    double log_evidence() const { return log_evidence_; }

    // Compiles a term. Binders are valued by `binders` now; without a strategy a term that
    // contains one is not evaluable. `variables`: the latent variables a point stacks (see the
    // header comment); empty for the one latent variable the term mentions.
    or_reason<pointwise_function> compile(const sym::term& t, const binder_strategy& binders = {},
                                          std::vector<int> variables = {}) const {
        std::vector<detail::pointwise_step> code;
        const bool fixed = !variables.empty();
        std::vector<unsigned> uses(std::max<std::size_t>(1, variables.size()), 0u);
        std::size_t depth = 0, max_depth = 0;
        std::string why = emit(t, binders, {code, uses, variables, fixed}, depth, max_depth);
        if (!why.empty())
            return or_reason<pointwise_function>::fail(std::move(why));
        return pointwise_function(*this, std::move(code), std::move(uses), max_depth);
    }

    // The value of a term at z (compiles it each call: for one-off use and tests).
    or_reason<point_value> value_at(const sym::term& t, const Eigen::VectorXd& z,
                                    const binder_strategy& binders = {}) const {
        auto f = compile(t, binders);
        if (!f.ok())
            return or_reason<point_value>::fail(f.why_not());
        return f.value().at(z);
    }

    // log of one of the model's densities (or the guide) at the columns of `points`.
    Eigen::ArrayXd log_density(bound_density which, const Eigen::MatrixXd& points) const {
        Eigen::MatrixXd scratch;
        Eigen::ArrayXd out(points.cols()), prior;
        switch (which) {
        case bound_density::evidence:
            out.setConstant(log_evidence_);
            break;
        case bound_density::joint:
            log_likelihood(out, scratch, points);
            log_gaussian(prior, scratch, points, b_->prior(), prior_log_norm_);
            out += prior;
            break;
        case bound_density::likelihood:
            log_likelihood(out, scratch, points);
            break;
        case bound_density::unknown:
            out.setConstant(std::numeric_limits<double>::quiet_NaN());
            break;
        default:
            log_gaussian(out, scratch, points, *b_->latent_gaussian(which), log_norm(which));
        }
        return out;
    }

  private:
    friend class pointwise_function;

    static double log_normalizer(const Eigen::MatrixXd& lower) {
        return -0.5 * (static_cast<double>(lower.rows()) * detail::log_two_pi +
                       2.0 * lower.diagonal().array().log().sum());
    }

    double log_norm(bound_density which) const {
        switch (which) {
        case bound_density::prior:
            return prior_log_norm_;
        case bound_density::posterior:
            return posterior_log_norm_;
        default:
            return guide_log_norm_;
        }
    }

    // log N(points; g) into `out`. Scratch and output keep their storage between calls of the
    // same shape, so evaluating one point at a time (quadrature) allocates nothing.
    static void log_gaussian(Eigen::ArrayXd& out, Eigen::MatrixXd& scratch,
                             const Eigen::Ref<const Eigen::MatrixXd>& points,
                             const model::gaussian& g, double log_norm) {
        scratch = points.colwise() - g.mean();
        const auto lower = g.cholesky().triangularView<Eigen::Lower>();
        if (scratch.cols() == 1) { // the vector kernels: several times faster for one point
            auto column = scratch.col(0);
            lower.solveInPlace(column);
        } else {
            lower.solveInPlace(scratch);
        }
        out = log_norm - 0.5 * scratch.colwise().squaredNorm().transpose().array();
    }

    // log N(x; W z + b, Psi) at each column z.
    void log_likelihood(Eigen::ArrayXd& out, Eigen::MatrixXd& scratch,
                        const Eigen::Ref<const Eigen::MatrixXd>& points) const {
        const auto lower = b_->model().noise_cholesky().triangularView<Eigen::Lower>();
        if (points.cols() == 1) {
            scratch.resize(x_minus_offset_.size(), 1);
            auto column = scratch.col(0);
            column.noalias() = x_minus_offset_ - b_->model().loading() * points.col(0);
            lower.solveInPlace(column);
        } else {
            scratch.noalias() = -b_->model().loading() * points;
            scratch.colwise() += x_minus_offset_;
            lower.solveInPlace(scratch);
        }
        out = noise_log_norm_ - 0.5 * scratch.colwise().squaredNorm().transpose().array();
    }

    static std::string text(const sym::short_text& s) { return std::string(s.view()); }

    struct emit_target {
        std::vector<detail::pointwise_step>& code;
        std::vector<unsigned>& uses;
        std::vector<int>& variables; // ids of the latent variables, in block order
        bool fixed;                  // variables given by the caller; else learnt (at most one)
    };

    // The block of the point that the density's latent variable is, or the reason it has none.
    static std::string variable_slot(const sym::term& density, emit_target& out,
                                     std::uint8_t& slot) {
        slot = 0;
        for (const sym::term& k : density.kids) {
            if (k.role != static_cast<std::uint8_t>(sym::variable_role::latent))
                continue;
            const auto at = std::find(out.variables.begin(), out.variables.end(), k.id);
            if (at != out.variables.end()) {
                slot = static_cast<std::uint8_t>(at - out.variables.begin());
                return {};
            }
            if (!out.fixed && out.variables.empty()) {
                out.variables.push_back(k.id);
                return {};
            }
            return out.fixed ? "the term depends on the latent variable " + text(k.latex) +
                                   ", which nothing here binds"
                             : "the term depends on two latent variables (" + text(k.latex) +
                                   " and another): a point of one latent variable cannot value it";
        }
        return {};
    }

    // Appends the postfix code of t; returns the reason when t has no pointwise value.
    std::string emit(const sym::term& t, const binder_strategy& binders, emit_target out,
                     std::size_t& depth, std::size_t& max_depth) const {
        auto& code = out.code;
        using detail::step_kind;
        using sym::op;
        auto push = [&](detail::pointwise_step s, std::size_t pops) {
            depth = depth + 1 - pops;
            max_depth = std::max(max_depth, depth);
            code.push_back(s);
        };
        auto constant = [&](scaled_real v) {
            detail::pointwise_step s;
            s.constant = v;
            push(s, 0);
        };
        switch (t.kind) {
        case op::number:
            constant(scaled_real::of(static_cast<double>(t.value.num) /
                                     static_cast<double>(t.value.den)));
            return {};
        case op::parameter: {
            // The binding may set it; otherwise the value the derivation states (as the exact
            // evaluator does).
            const auto v = b_->parameter(t.id);
            constant(scaled_real::of(
                v ? *v : static_cast<double>(t.value.num) / static_cast<double>(t.value.den)));
            return {};
        }
        case op::variable:
            return "a bare variable (" + text(t.latex) + ") has no numeric value here";
        case op::named:
            if (t.kids.empty())
                return "the name " + text(t.latex) + " has no definition";
            return emit(t.kids.front(), binders, out, depth, max_depth);
        case op::density: {
            const bound_density which = model_binding::classify(t);
            if (which == bound_density::unknown)
                return "the density is not one of the model's (p(x), p(z), p(x | z), p(x, z), "
                       "p(z | x)) or the guide q(z | x)";
            if (which == bound_density::evidence) {
                constant(scaled_real::exp_of(log_evidence_));
                return {};
            }
            detail::pointwise_step s;
            s.kind = step_kind::density;
            s.density = which;
            if (std::string why = variable_slot(t, out, s.variable); !why.empty())
                return why;
            out.uses[s.variable] |= 1u << detail::density_slot(which);
            push(s, 0);
            return {};
        }
        case op::log:
        case op::exp:
        case op::power: {
            if (std::string why = emit(t.kids.front(), binders, out, depth, max_depth);
                !why.empty())
                return why;
            detail::pointwise_step s;
            s.kind = t.is(op::log)   ? step_kind::log
                     : t.is(op::exp) ? step_kind::exp
                                     : step_kind::power;
            s.exponent = static_cast<double>(t.value.num) / static_cast<double>(t.value.den);
            s.integer_exponent = t.value.den == 1;
            push(s, 1);
            return {};
        }
        case op::add:
        case op::mul: {
            if (t.kids.empty()) {
                constant(scaled_real::of(t.is(op::add) ? 0.0 : 1.0));
                return {};
            }
            for (const sym::term& k : t.kids)
                if (std::string why = emit(k, binders, out, depth, max_depth); !why.empty())
                    return why;
            detail::pointwise_step s;
            s.kind = t.is(op::add) ? step_kind::add : step_kind::mul;
            s.arity = static_cast<std::uint32_t>(t.kids.size());
            push(s, t.kids.size());
            return {};
        }
        case op::expectation:
        case op::integral:
        case op::kl: {
            if (!binders)
                return "an expectation, integral or KL divergence has no value at a point, "
                       "and no way to integrate was given";
            binder_value v = binders(t);
            if (!v.ok())
                return v.why_not();
            constant(v.value());
            return {};
        }
        }
        return "unknown term";
    }

    const model_binding* b_;
    Eigen::VectorXd x_minus_offset_;
    double noise_log_norm_;
    double prior_log_norm_;
    double posterior_log_norm_;
    double guide_log_norm_;
    double log_evidence_ = 0.0;
};

inline void pointwise_function::prepare(Eigen::Index dim, Eigen::Index n) {
    if (dim != evaluator_->latent_dim() * static_cast<Eigen::Index>(uses_.size()))
        throw std::invalid_argument("a point of the wrong dimension");
    // Joint needs the prior and likelihood slots too.
    for (auto& v : log_density_)
        for (auto& a : v)
            a.resize(n);
}

inline void pointwise_function::compute_densities(const Eigen::Ref<const Eigen::MatrixXd>& all) {
    const Eigen::Index d = evaluator_->latent_dim();
    for (std::size_t j = 0; j < uses_.size(); ++j)
        compute_densities(j, all.middleRows(static_cast<Eigen::Index>(j) * d, d));
}

inline void pointwise_function::compute_densities(std::size_t variable,
                                                  const Eigen::Ref<const Eigen::MatrixXd>& points) {
    const pointwise_evaluator& e = *evaluator_;
    const unsigned uses = uses_[variable];
    auto& out = log_density_[variable];
    const model_binding& b = *e.b_;
    using detail::density_slot;
    const bool joint = uses & (1u << density_slot(bound_density::joint));
    const bool likelihood = uses & (1u << density_slot(bound_density::likelihood));
    const bool prior = uses & (1u << density_slot(bound_density::prior));
    auto& likelihood_out = out[density_slot(bound_density::likelihood)];
    auto& prior_out = out[density_slot(bound_density::prior)];
    if (likelihood || joint)
        e.log_likelihood(likelihood_out, observed_scratch_, points);
    if (prior || joint)
        pointwise_evaluator::log_gaussian(prior_out, latent_scratch_, points, b.prior(),
                                          e.prior_log_norm_);
    if (joint)
        out[density_slot(bound_density::joint)] = likelihood_out + prior_out;
    if (uses & (1u << density_slot(bound_density::posterior)))
        pointwise_evaluator::log_gaussian(out[density_slot(bound_density::posterior)],
                                          latent_scratch_, points, b.posterior(),
                                          e.posterior_log_norm_);
    if (uses & (1u << density_slot(bound_density::guide)))
        pointwise_evaluator::log_gaussian(out[density_slot(bound_density::guide)], latent_scratch_,
                                          points, b.guide(), e.guide_log_norm_);
}

inline point_value pointwise_function::run(Eigen::Index column) {
    using detail::step_kind;
    std::size_t top = 0; // stack_[0, top) is in use
    for (const detail::pointwise_step& s : code_) {
        switch (s.kind) {
        case step_kind::constant:
            stack_[top++] = {s.constant, s.constant.abs(), std::abs(s.constant.log_scale)};
            break;
        case step_kind::density: {
            const double l = log_density_[s.variable][detail::density_slot(s.density)](column);
            const scaled_real v = scaled_real::exp_of(l);
            stack_[top++] = {v, v, std::abs(l)};
            break;
        }
        case step_kind::log: {
            // |log a| <= sqrt(1 + log^2 a) + the size of what cancelled in a's exponent.
            point_value& a = stack_[top - 1];
            const scaled_real l = a.value.log();
            const double y = std::abs(l.mantissa); // sqrt(1 + y^2), without overflow
            a = {l, scaled_real::of((y < 1e150 ? std::sqrt(1.0 + y * y) : y) + a.weight_size), 0.0};
            break;
        }
        case step_kind::exp: {
            point_value& a = stack_[top - 1];
            const scaled_real v = a.value.exp();
            a = {v, v, a.envelope.value()};
            break;
        }
        case step_kind::power: {
            point_value& a = stack_[top - 1];
            const scaled_real v = a.value.pow(s.exponent, s.integer_exponent);
            // A positive power of a majorant majorizes; a negative one does not, and the value
            // itself is used (the base is then a density or a positive constant in practice).
            a = {v, s.exponent > 0.0 ? a.envelope.pow(s.exponent, s.integer_exponent) : v.abs(),
                 std::abs(s.exponent) * a.weight_size};
            break;
        }
        case step_kind::add:
        case step_kind::mul: {
            const std::size_t first = top - s.arity;
            point_value acc = stack_[first];
            for (std::size_t i = first + 1; i < top; ++i) {
                if (s.kind == step_kind::add) {
                    acc.value = acc.value + stack_[i].value;
                    acc.envelope = acc.envelope + stack_[i].envelope;
                } else {
                    acc.value = acc.value * stack_[i].value;
                    acc.envelope = acc.envelope * stack_[i].envelope;
                }
                acc.weight_size += stack_[i].weight_size;
            }
            top = first;
            stack_[top++] = acc;
            break;
        }
        }
    }
    return stack_[0];
}

} // namespace elbocheck::eval
