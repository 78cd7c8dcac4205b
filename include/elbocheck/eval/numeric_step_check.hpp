#pragma once
// The numeric verdict of a step: both sides evaluated exactly on many model instances. An
// equality holds when the sides agree on every instance (value_comparison.hpp); an inequality
// holds when its gap (the larger side minus the smaller) is never negative beyond the
// tolerance, and when the step says what its gap equals (Jensen's gap is KL(q || p(z | x))),
// that the gap equals it on every instance. A symbolic proof and a numeric refutation are
// independent: "justified but false" and "true but unjustified" are both reported.
//
// Terms without a closed form (the importance-weighted bound: two draws z_1, z_2) are sampled
// (see "Monte Carlo fallback" below), and the verdict then comes from a z >= 6 interval: it can
// refute a step, never prove it, and the result says it was sampled (by_monte_carlo).

#include "elbocheck/eval/confidence_interval.hpp"
#include "elbocheck/eval/exact_evaluator.hpp"
#include "elbocheck/eval/monte_carlo_evaluator.hpp"
#include "elbocheck/eval/sample_blocks.hpp"
#include "elbocheck/eval/sampling_settings.hpp"
#include "elbocheck/eval/value_comparison.hpp"
#include "elbocheck/sym/relation.hpp"

#include <algorithm>
#include <array>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace elbocheck::eval {

enum class numeric_status { holds, fails, not_evaluated };

struct gap_summary {
    double min = std::numeric_limits<double>::infinity();
    double max = -std::numeric_limits<double>::infinity();
    bool has_closed_form = false;       // the step says what the gap equals
    double closed_form_max_error = 0.0; // max |gap - closed form| over instances
    bool closed_form_holds = true;
};

// A step is judged on every instance where both sides have a value. An instance where a side has
// none (E_q[q / p(z | x)] diverges when q is wider than the posterior; a sample is too
// heavy-tailed to trust) is counted apart, with the first reason, and does not discard what the
// other instances found: the step `fails` when any instance refutes it, `holds` when every
// evaluated instance agrees with it and at least one was evaluated, and is `not_evaluated` only
// when no instance could be.
struct numeric_step_result {
    numeric_status status = numeric_status::holds;
    std::string why_not_evaluated; // the first instance's reason, when not_evaluable > 0
    std::size_t instances = 0;     // instances evaluated
    std::size_t failing = 0;       // instances on which the step is false
    std::size_t not_evaluable = 0; // instances on which a side has no value
    std::ptrdiff_t first_failing = -1;
    std::ptrdiff_t first_not_evaluable = -1;
    // Equality: the largest |before - after|. Inequality: the largest violation (0 if none).
    double max_abs_error = 0.0;
    gap_summary gap; // inequalities only
    // The size of the intermediate quantities (exact_value::scale), and the largest error
    // seen relative to it: how much of the rounding allowance the step used.
    double max_scale = 0.0;
    double worst_error_per_scale = 0.0;
    // Monte Carlo: on how many instances a side had no closed form and was sampled, with how
    // many draws each, and the largest standard error of the sampled difference (lhs - rhs)
    // among them. A step with by_monte_carlo set "holds" only in the sense that no instance
    // refuted it at z >= 6; max_abs_error and the gap then include sampling error.
    bool by_monte_carlo = false;
    std::size_t sampled_instances = 0;
    std::uint64_t samples = 0;
    double max_standard_error = 0.0;
    // Inequalities between functions of z (a step with a free latent variable claims itself at
    // every z): on how many instances the sides were compared point by point, and at how many
    // points in all (see detail::probe_points).
    std::size_t pointwise_instances = 0;
    std::size_t points_compared = 0;
    const char* method() const { return by_monte_carlo ? "monte-carlo" : "exact"; }
};

// ---- Monte Carlo fallback ---------------------------------------------------------------------
//
// A side the exact evaluator refuses is written as  c + sum_j a_j E_{v_j1 ~ g_j1} ... E_{v_jk ~
// g_jk}[f_j(v_j1, ..., v_jk)]: exact constants, and chains of expectations whose innermost
// integrand f_j is a pointwise function of the chain's variables. Sub-terms with no free latent
// variable (E_{z_2}[w(z_2)] = p(x) inside a term about z_1) are evaluated exactly, once.
// To expose them, the evaluator applies linearity of expectation (E[a + b] = E[a] + E[b],
// E[c f] = c E[f] and E[c] = c for c free of the bound variable; every E here is over a
// normalized Gaussian). These are identities used to compute a value, not steps of the user's
// derivation: the user's step is still checked only by the rule it cites, symbolically, and
// numerically both sides keep their value. The check is not weakened: a wrong side has a wrong
// value however it is computed.
//
// All chains of a step (both sides, and the stated gap) are sampled together: draw i of a
// variable v from distribution g is the same on both sides (Philox block from the instance, v
// and g), so a term that occurs on both sides cancels draw by draw, and the difference is
// estimated from the per-draw differences (their sample variance is the right one whether the
// chains share draws or not). An equality is refuted when 0 lies outside the z = 6 interval of
// the difference (widened by the tolerance and rounding slack); an inequality when its
// violation is significant at z = 6. What needs a nested estimate (an expectation over z_2 of
// a function of z_1 that linearity cannot split, under a non-linear function) is reported not
// evaluable, with the reason.

namespace detail {

inline bool is_latent(const sym::term& v) {
    return v.role == static_cast<std::uint8_t>(sym::variable_role::latent);
}

inline bool mentions_variable(const sym::term& t, int id) {
    if (t.is(sym::op::variable) && t.id == id && is_latent(t))
        return true;
    return std::any_of(t.kids.begin(), t.kids.end(),
                       [id](const sym::term& k) { return mentions_variable(k, id); });
}

inline sym::term split_expectation(const sym::term& v, const sym::term& g, const sym::term& body) {
    using sym::op;
    if (!mentions_variable(body, v.id))
        return body; // E of a constant
    if (body.is(op::add)) {
        std::vector<sym::term> parts;
        for (const sym::term& k : body.kids)
            parts.push_back(split_expectation(v, g, k));
        return sym::make_sum(std::move(parts));
    }
    if (body.is(op::mul)) {
        std::vector<sym::term> outside, inside;
        for (const sym::term& k : body.kids)
            (mentions_variable(k, v.id) ? inside : outside).push_back(k);
        if (!outside.empty()) {
            outside.push_back(split_expectation(
                v, g, inside.size() == 1 ? inside.front() : sym::make_product(std::move(inside))));
            return sym::make_product(std::move(outside));
        }
    }
    return sym::make_expectation(v, g, body);
}

// Linearity of expectation, applied everywhere, names unfolded.
inline sym::term expose_linearity(const sym::term& t) {
    using sym::op;
    if (t.is(op::named) && !t.kids.empty())
        return expose_linearity(t.kids.front());
    sym::term out = t;
    for (sym::term& k : out.kids)
        k = expose_linearity(k);
    if (out.is(op::expectation) && is_latent(out.kids[0]))
        return split_expectation(out.kids[0], out.kids[1], out.kids[2]);
    return out;
}

struct sampled_chain {
    std::vector<int> variables; // outermost first
    std::vector<bound_density> distributions;
    sym::term integrand;
    double coefficient = 1.0;
    int side = 0; // 0 left, 1 right, 2 the stated gap
};

// c + sum of chains, for one side.
struct sampled_form {
    double constant = 0.0;
    double scale = 0.0; // of the exact parts (exact_value::scale)
    std::vector<sampled_chain> chains;
};
using sampled_form_result = or_reason<sampled_form>;

class sampled_decomposer {
  public:
    explicit sampled_decomposer(const model_binding& b)
        : b_(b)
        , exact_(b)
        , points_(b) {}

    // A binder with no free latent variable, by the exact evaluator, for the pointwise one.
    binder_strategy closed_binders(double& scale) const {
        return [this, &scale](const sym::term& binder) -> binder_value {
            const exact_result r = exact_.evaluate(binder);
            if (!r.ok() && latent_variable_count(binder) > 1)
                return binder_value::fail(
                    "an expectation inside another that depends on the outer variable would "
                    "need a nested Monte Carlo estimate (" +
                    r.why_not() + ")");
            if (!r.ok())
                return binder_value::fail(r.why_not());
            const exact_value& v = r.value();
            if (v.depends_on_z())
                return binder_value::fail("an inner expectation is a function of z");
            scale = std::max(scale, v.scale);
            const double f = v.factor.constant();
            return v.log_weight ? scaled_real{f, v.log_weight->constant()}.normalized()
                                : scaled_real::of(f);
        };
    }

    sampled_form_result of(const sym::term& t, int side) const {
        using sym::op;
        const exact_result e = exact_.evaluate(t);
        if (e.ok()) {
            const auto v = e.value().scalar();
            if (!v)
                return sampled_form_result::fail("a function of z, not a number");
            return sampled_form{*v, e.value().scale, {}};
        }
        // Closed binders combined by plain arithmetic: log(1/2 (E_1[w_1] + E_2[w_2])).
        double scale = 0.0;
        auto closed = points_.compile(t, closed_binders(scale));
        if (closed.ok() && !closed.value().depends_on_z()) {
            const scaled_real v = closed.value().constant_value().value;
            if (!v.is_finite())
                return sampled_form_result::fail("a value that is not finite");
            return sampled_form{v.value(), std::max(scale, std::abs(v.value())), {}};
        }
        switch (t.kind) {
        case op::named:
            // A name read from a note may come without its definition (\text{ELBO} never
            // defined): it has no value, which the exact evaluator above already said.
            if (t.kids.empty())
                return sampled_form_result::fail(e.why_not());
            return of(t.kids.front(), side);
        case op::add: {
            sampled_form total;
            for (const sym::term& k : t.kids) {
                auto part = of(k, side);
                if (!part.ok())
                    return part;
                total.constant += part.value().constant;
                total.scale = std::max(total.scale, part.value().scale);
                for (sampled_chain& c : part.value().chains)
                    total.chains.push_back(std::move(c));
            }
            return total;
        }
        case op::mul: {
            sampled_form total{1.0, 0.0, {}};
            for (const sym::term& k : t.kids) {
                auto part = of(k, side);
                if (!part.ok())
                    return part;
                sampled_form& f = part.value();
                if (!total.chains.empty() && !f.chains.empty())
                    return sampled_form_result::fail(
                        "a product of two sampled expectations is not estimated here");
                const bool sampled = !f.chains.empty();
                sampled_form& random = sampled ? f : total;
                const double c = sampled ? total.constant : f.constant;
                sampled_form next{random.constant * c, std::max(total.scale, f.scale),
                                  std::move(random.chains)};
                for (sampled_chain& ch : next.chains)
                    ch.coefficient *= c;
                total = std::move(next);
            }
            return total;
        }
        case op::expectation:
            return chain(t, side);
        default:
            break;
        }
        return sampled_form_result::fail(
            (closed.ok() ? std::string("a non-linear function of an expectation that has no "
                                       "closed form (its Monte Carlo estimate would be biased)")
                         : closed.why_not()) +
            "; exact evaluator: " + e.why_not());
    }

  private:
    sampled_form_result chain(const sym::term& t, int side) const {
        sampled_chain c;
        c.side = side;
        const sym::term* body = &t;
        while (body->is(sym::op::expectation)) {
            const sym::term& v = body->kids[0];
            if (!is_latent(v))
                return sampled_form_result::fail("an expectation over the observed variable " +
                                                 std::string(v.latex.view()));
            const bound_density g = model_binding::classify(body->kids[1]);
            if (!b_.latent_gaussian(g))
                return sampled_form_result::fail("an expectation over a distribution that is not "
                                                 "a Gaussian in z of this model");
            if (std::find(c.variables.begin(), c.variables.end(), v.id) != c.variables.end())
                break; // an inner expectation rebinding the variable: a closed inner binder
            c.variables.push_back(v.id);
            c.distributions.push_back(g);
            body = &body->kids[2];
        }
        double scale = 0.0;
        auto f = points_.compile(*body, closed_binders(scale), c.variables);
        if (!f.ok())
            return sampled_form_result::fail(f.why_not());
        c.integrand = *body;
        sampled_form out;
        out.scale = scale;
        out.chains.push_back(std::move(c));
        return out;
    }

    const model_binding& b_;
    exact_evaluator exact_;
    pointwise_evaluator points_;
};

// What sampling found on one instance. `orientation` is +1 for = and >=, -1 for <=, so that
// `difference` is always the claimed-larger side minus the claimed-smaller one.
struct sampled_verdict {
    double left = 0.0, right = 0.0; // the sides' estimates, less chains that cancel between them
    double difference = 0.0;        // orientation (left - right)
    double standard_error = 0.0;    // of `difference`
    double gap_error = 0.0;         // difference - the stated gap
    double gap_error_standard_error = 0.0;
    std::uint64_t count = 0;
    double scale = 0.0;   // of the exact parts and the integrands' envelopes, for rounding
    bool sampled = false; // false: after linearity every side had an exact value
};
using sampled_verdict_result = or_reason<sampled_verdict>;

struct sampled_block {
    sample_moments left, right, difference, gap_error;
    double envelope = 0.0;           // sum over draws of sum_j |a_j| envelope_j
    std::vector<double> differences; // per draw, for the tail check
    bool exponential = false;        // an integrand has an exponential factor not under a log
};

// Draws of variable v from distribution g on instance i: one Philox block each, so the draws of
// v ~ g are the same wherever v ~ g occurs in the step, and distinct pairs are independent.
inline std::uint64_t philox_block_for(std::size_t instance, int variable, bound_density g) {
    return (static_cast<std::uint64_t>(instance) << 20) ^
           (static_cast<std::uint64_t>(variable) << 4) ^ static_cast<std::uint64_t>(g);
}

inline sampled_verdict_result sample_step(const sym::term& before, const sym::term& after,
                                          const sym::term* gap, double orientation,
                                          const model_binding& b, std::size_t instance,
                                          const sampling_settings& settings) {
    const sampled_decomposer decomposer(b);
    std::vector<sampled_form> sides;
    const sym::term* terms[] = {&before, &after, gap};
    for (int side = 0; side < 3; ++side) {
        if (!terms[side])
            break;
        auto f = decomposer.of(expose_linearity(*terms[side]), side);
        if (!f.ok())
            return sampled_verdict_result::fail((side == 0   ? "left side: "
                                                 : side == 1 ? "right side: "
                                                             : "the gap's closed form: ") +
                                                f.why_not());
        sides.push_back(std::move(f.value()));
    }
    const bool has_gap = sides.size() > 2;
    // The same chain on two sides (a name unfolded: L_2 = E_1[E_2[...]]) is one integrand with
    // a coefficient per side; where its contributions to the difference and to the gap cancel
    // (draw by draw, as the draws are shared), it is not sampled at all.
    double scale = 0.0;
    std::vector<sampled_chain> chains;
    std::vector<std::array<double, 3>> weights; // per chain: coefficient on each side
    std::vector<std::string> keys;
    for (sampled_form& f : sides) {
        scale = std::max(scale, f.scale);
        for (sampled_chain& c : f.chains) {
            std::string key;
            for (std::size_t k = 0; k < c.variables.size(); ++k)
                key += std::to_string(c.variables[k]) + "~" +
                       std::to_string(static_cast<int>(c.distributions[k])) + ";";
            append_term_key(key, c.integrand);
            auto at = std::find(keys.begin(), keys.end(), key);
            if (at == keys.end()) {
                keys.push_back(std::move(key));
                weights.push_back({0.0, 0.0, 0.0});
                weights.back()[static_cast<std::size_t>(c.side)] = c.coefficient;
                chains.push_back(std::move(c));
            } else {
                weights[static_cast<std::size_t>(at - keys.begin())]
                       [static_cast<std::size_t>(c.side)] += c.coefficient;
            }
        }
    }
    for (std::size_t j = chains.size(); j-- > 0;)
        if (weights[j][0] == weights[j][1] && weights[j][2] == 0.0) {
            chains.erase(chains.begin() + static_cast<std::ptrdiff_t>(j));
            weights.erase(weights.begin() + static_cast<std::ptrdiff_t>(j));
        }
    using stream_key = std::pair<int, bound_density>;
    std::vector<stream_key> streams;
    std::vector<std::vector<std::size_t>> chain_streams; // per chain, per variable
    for (const sampled_chain& c : chains) {
        chain_streams.emplace_back();
        for (std::size_t k = 0; k < c.variables.size(); ++k) {
            const stream_key key{c.variables[k], c.distributions[k]};
            auto at = std::find(streams.begin(), streams.end(), key);
            if (at == streams.end())
                at = streams.insert(streams.end(), key);
            chain_streams.back().push_back(static_cast<std::size_t>(at - streams.begin()));
        }
    }
    const pointwise_evaluator points(b);
    std::vector<pointwise_function> compiled;
    for (const sampled_chain& c : chains) {
        double ignored = 0.0;
        auto f = points.compile(c.integrand, decomposer.closed_binders(ignored), c.variables);
        if (!f.ok())
            return sampled_verdict_result::fail(f.why_not());
        compiled.push_back(std::move(f.value()));
    }
    const Eigen::Index d = b.latent_dim();
    const std::uint64_t n = chains.empty() ? 0 : settings.samples;
    if (!chains.empty() && n < 2)
        return sampled_verdict_result::fail("Monte Carlo needs at least two samples");
    const block_partition partition{n, 512};
    // One worker per thread, with its own copies of the compiled integrands (they hold scratch).
    auto make_worker = [&]() {
        return [&, functions = compiled, values = std::vector<point_value>(),
                normals = std::vector<double>(), draws = std::vector<Eigen::MatrixXd>(),
                stacked = Eigen::MatrixXd()](std::uint64_t block) mutable {
            const std::uint64_t first = block * partition.block_size;
            const auto m = static_cast<Eigen::Index>(partition.size_of(block));
            const auto count = static_cast<std::size_t>(m);
            draws.resize(streams.size());
            normals.resize(count * static_cast<std::size_t>(d));
            for (std::size_t s = 0; s < streams.size(); ++s) {
                const model::gaussian& g = *b.latent_gaussian(streams[s].second);
                // Draw i uses normals i d .. i d + d - 1 of its block, whatever the partition.
                fill_normals(settings.seed,
                             philox_block_for(instance, streams[s].first, streams[s].second),
                             first * static_cast<std::uint64_t>(d), normals.data(), normals.size());
                draws[s] = g.cholesky().triangularView<Eigen::Lower>() *
                           Eigen::Map<const Eigen::MatrixXd>(normals.data(), d, m);
                draws[s].colwise() += g.mean();
            }
            std::vector<double> per_side[3] = {
                std::vector<double>(count), std::vector<double>(count), std::vector<double>(count)};
            sampled_block result;
            for (std::size_t j = 0; j < chains.size(); ++j) {
                const sampled_chain& c = chains[j];
                stacked.resize(d * static_cast<Eigen::Index>(c.variables.size()), m);
                for (std::size_t k = 0; k < c.variables.size(); ++k)
                    stacked.middleRows(static_cast<Eigen::Index>(k) * d, d) =
                        draws[chain_streams[j][k]];
                functions[j].at(stacked, values);
                for (std::size_t i = 0; i < count; ++i) {
                    const point_value& v = values[i];
                    const double x = v.value.value();
                    if (!std::isfinite(x))
                        throw std::domain_error("the integrand is not finite at a draw");
                    for (std::size_t side = 0; side < 3; ++side)
                        per_side[side][i] += weights[j][side] * x;
                    result.envelope += (std::abs(weights[j][0]) + std::abs(weights[j][1]) +
                                        std::abs(weights[j][2])) *
                                       v.envelope.value();
                    result.exponential = result.exponential ||
                                         v.envelope.log_scale != values.front().envelope.log_scale;
                }
            }
            result.differences.resize(count);
            std::vector<double> gap_errors(count);
            for (std::size_t i = 0; i < count; ++i) {
                result.differences[i] = orientation * (per_side[0][i] - per_side[1][i]);
                gap_errors[i] = result.differences[i] - per_side[2][i];
            }
            result.left = sample_moments::of(per_side[0]);
            result.right = sample_moments::of(per_side[1]);
            result.difference = sample_moments::of(result.differences);
            result.gap_error = sample_moments::of(gap_errors);
            return result;
        };
    };
    std::vector<sampled_block> blocks;
    try {
        blocks =
            evaluate_blocks<sampled_block>(partition.block_count(), settings.threads, make_worker);
    } catch (const std::exception& e) {
        return sampled_verdict_result::fail(std::string("Monte Carlo: ") + e.what());
    }
    sampled_block total;
    for (const sampled_block& r : blocks) { // in block order: the same bits for any thread count
        total.left.merge(r.left);
        total.right.merge(r.right);
        total.difference.merge(r.difference);
        total.gap_error.merge(r.gap_error);
        total.envelope += r.envelope;
        total.exponential = total.exponential || r.exponential;
        total.differences.insert(total.differences.end(), r.differences.begin(),
                                 r.differences.end());
    }
    sampled_verdict out;
    out.sampled = n > 0;
    out.count = n;
    const double exact_difference = orientation * (sides[0].constant - sides[1].constant);
    out.left = sides[0].constant + total.left.mean;
    out.right = sides[1].constant + total.right.mean;
    out.difference = exact_difference + total.difference.mean;
    out.gap_error = exact_difference - (has_gap ? sides[2].constant : 0.0) + total.gap_error.mean;
    if (out.sampled) {
        // A standard error is only trustworthy for a light-tailed integrand (see
        // monte_carlo_evaluator.hpp). Logs of weights always are; raw weights may not be.
        const double tail = total.exponential ? tail_index(total.differences) : -1.0;
        if (tail > monte_carlo_options{}.max_tail_index)
            return sampled_verdict_result::fail(
                "the sampled integrand is heavy-tailed (Pareto tail index " + std::to_string(tail) +
                "): its standard error is not trustworthy");
        out.standard_error = total.difference.standard_error();
        out.gap_error_standard_error = total.gap_error.standard_error();
        scale = std::max(scale, total.envelope / static_cast<double>(n));
    }
    out.scale = scale;
    return out;
}

} // namespace detail

namespace detail {

// The verdict of one sampled instance, folded into `out`. The interval half-width is z = 6
// standard errors (the t quantile for small samples); the slack is the exact comparison's
// (tolerance and rounding), so that an instance whose sides became exact after linearity is
// judged as an exact one.
inline bool sampled_step_false(const sampled_verdict& v, sym::relation claimed, bool has_gap,
                               double tolerance, numeric_step_result& out) {
    auto half_width = [&](double se) {
        return v.sampled ? mean_confidence_interval_at_z(0.0, se, v.count, refutation_z).upper
                         : 0.0;
    };
    if (v.sampled) {
        out.by_monte_carlo = true;
        ++out.sampled_instances;
        out.samples = v.count;
        out.max_standard_error = std::max(out.max_standard_error, v.standard_error);
    }
    out.max_scale = std::max(out.max_scale, v.scale);
    const double rounding = rounding_per_scale * v.scale;
    const double slack =
        tolerance * std::max({1.0, std::abs(v.left), std::abs(v.right)}) + rounding;
    if (claimed == sym::relation::eq) {
        out.max_abs_error = std::max(out.max_abs_error, std::abs(v.difference));
        if (!v.sampled) // exact values: this is rounding, as in the exact path
            out.worst_error_per_scale = std::max(out.worst_error_per_scale,
                                                 std::abs(v.difference) / std::max(1.0, v.scale));
        return std::abs(v.difference) > half_width(v.standard_error) + slack;
    }
    const double gap = v.difference;
    out.gap.min = std::min(out.gap.min, gap);
    out.gap.max = std::max(out.gap.max, gap);
    if (gap < 0.0)
        out.max_abs_error = std::max(out.max_abs_error, -gap);
    bool false_here = gap + half_width(v.standard_error) + slack < 0.0;
    if (has_gap) {
        out.gap.has_closed_form = true;
        const double error = std::abs(v.gap_error);
        out.gap.closed_form_max_error = std::max(out.gap.closed_form_max_error, error);
        if (error > half_width(v.gap_error_standard_error) +
                        tolerance * std::max(1.0, std::abs(gap)) + rounding) {
            out.gap.closed_form_holds = false;
            false_here = true;
        }
    }
    return false_here;
}

// Where an inequality between functions of z is compared: the mean of each of the instance's
// Gaussians over z (guide, prior, posterior) and two standard deviations either way along
// each of its axes. A claim that fails anywhere in the mass of these densities fails at one
// of them for the quadratic log-ratios of linear-Gaussian models (a log-ratio of two
// normalized densities is negative at the mode of the sharper one, and an unbounded
// quadratic is caught where the wider one spreads).
inline std::vector<Eigen::VectorXd> probe_points(const model_binding& b) {
    std::vector<Eigen::VectorXd> points;
    for (const model::gaussian* g : {&b.guide(), &b.prior(), &b.posterior()}) {
        points.push_back(g->mean());
        for (Eigen::Index k = 0; k < g->cholesky().cols(); ++k) {
            points.push_back(g->mean() + 2.0 * g->cholesky().col(k));
            points.push_back(g->mean() - 2.0 * g->cholesky().col(k));
        }
    }
    return points;
}

} // namespace detail

inline numeric_step_result check_step_numerically(const sym::term& before, sym::relation claimed,
                                                  const sym::term& after,
                                                  const sym::term* gap_closed_form,
                                                  std::span<const model_binding> instances,
                                                  double tolerance = default_tolerance,
                                                  const sampling_settings& sampling = {}) {
    numeric_step_result out;
    // An instance without a value is set aside with its reason; an evaluated one that refutes
    // the step is counted. Neither stops the loop.
    auto set_aside = [&out](std::size_t i, std::string why) {
        if (out.first_not_evaluable < 0) {
            out.first_not_evaluable = static_cast<std::ptrdiff_t>(i);
            out.why_not_evaluated = std::move(why);
        }
        ++out.not_evaluable;
    };
    auto refuted_on = [&out](std::size_t i) {
        if (out.first_failing < 0)
            out.first_failing = static_cast<std::ptrdiff_t>(i);
        ++out.failing;
    };
    // An inequality's sides l and r (numbers, or a function's values at one point): the gap
    // (claimed-larger side minus the other) is recorded; false when it is negative beyond the
    // tolerance and the rounding of quantities of size `scale`.
    auto record_gap = [&out, claimed, tolerance](double l, double r, double scale) {
        const double gap = claimed == sym::relation::ge ? l - r : r - l;
        const double allowed =
            tolerance * std::max({1.0, std::abs(l), std::abs(r)}) + rounding_per_scale * scale;
        out.gap.min = std::min(out.gap.min, gap);
        out.gap.max = std::max(out.gap.max, gap);
        if (gap < 0.0) {
            out.max_abs_error = std::max(out.max_abs_error, -gap);
            out.worst_error_per_scale =
                std::max(out.worst_error_per_scale, -gap / std::max(1.0, scale));
        }
        return gap >= -allowed;
    };
    for (std::size_t i = 0; i < instances.size(); ++i) {
        const exact_evaluator eval(instances[i]);
        const exact_result lhs = eval.evaluate(before);
        const exact_result rhs = eval.evaluate(after);
        bool false_here = false;
        if (!lhs.ok() || !rhs.ok()) {
            const double orientation = claimed == sym::relation::le ? -1.0 : 1.0;
            const detail::sampled_verdict_result r = detail::sample_step(
                before, after, gap_closed_form, orientation, instances[i], i, sampling);
            if (!r.ok()) {
                set_aside(i, (!lhs.ok() ? "left side: " + lhs.why_not()
                                        : "right side: " + rhs.why_not()) +
                                 "; by Monte Carlo: " + r.why_not());
                continue;
            }
            ++out.instances;
            if (detail::sampled_step_false(r.value(), claimed, gap_closed_form != nullptr,
                                           tolerance, out))
                refuted_on(i);
            continue;
        }
        if (claimed == sym::relation::eq) {
            const comparison c = compare(lhs.value(), rhs.value(), tolerance);
            out.max_abs_error = std::max(out.max_abs_error, c.abs_error);
            out.max_scale = std::max(out.max_scale, c.scale);
            out.worst_error_per_scale =
                std::max(out.worst_error_per_scale, c.abs_error / std::max(1.0, c.scale));
            ++out.instances;
            false_here = !c.equal();
        } else {
            const auto l = lhs.value().scalar(), r = rhs.value().scalar();
            if (!l || !r) {
                // A free latent variable: the step claims the inequality at every z, and a
                // stated gap would be a function of z too (none of the documents state one).
                if (gap_closed_form) {
                    set_aside(i, "a stated gap between functions of z is not compared");
                    continue;
                }
                ++out.instances;
                ++out.pointwise_instances;
                const double scale = std::max(lhs.value().scale, rhs.value().scale);
                out.max_scale = std::max(out.max_scale, scale);
                for (const Eigen::VectorXd& z : detail::probe_points(instances[i])) {
                    const double lz = lhs.value().at(z), rz = rhs.value().at(z);
                    if (!std::isfinite(lz) || !std::isfinite(rz))
                        continue;
                    ++out.points_compared;
                    false_here = !record_gap(lz, rz, scale) || false_here;
                }
                if (false_here)
                    refuted_on(i);
                continue;
            }
            // The stated gap is evaluated before anything is recorded, so that an instance
            // without it leaves no trace in the summaries but its count.
            std::optional<exact_result> expected;
            if (gap_closed_form) {
                expected = eval.evaluate(*gap_closed_form);
                if (!expected->ok() || !expected->value().scalar()) {
                    set_aside(i, "the gap's closed form: " + (expected->ok()
                                                                  ? std::string("depends on z")
                                                                  : expected->why_not()));
                    continue;
                }
            }
            ++out.instances;
            const double gap = claimed == sym::relation::ge ? *l - *r : *r - *l;
            const double scale = std::max(lhs.value().scale, rhs.value().scale);
            out.max_scale = std::max(out.max_scale, scale);
            false_here = !record_gap(*l, *r, scale);
            if (expected) {
                out.gap.has_closed_form = true;
                const double e = *expected->value().scalar();
                const double error = std::abs(gap - e);
                const double gap_scale = std::max(scale, expected->value().scale);
                out.gap.closed_form_max_error = std::max(out.gap.closed_form_max_error, error);
                out.worst_error_per_scale =
                    std::max(out.worst_error_per_scale, error / std::max(1.0, gap_scale));
                if (error > tolerance * std::max({1.0, std::abs(gap), std::abs(e)}) +
                                rounding_per_scale * gap_scale) {
                    out.gap.closed_form_holds = false;
                    false_here = true;
                }
            }
        }
        if (false_here)
            refuted_on(i);
    }
    out.status = out.failing > 0      ? numeric_status::fails
                 : out.instances == 0 ? numeric_status::not_evaluated
                                      : numeric_status::holds;
    return out;
}

} // namespace elbocheck::eval

#include "elbocheck/sym/derivation.hpp"

namespace elbocheck::eval {

// A step's numeric result as written and, for a recorded mistake, its correction's.
struct numeric_outcome {
    numeric_step_result written;
    bool has_correction = false;
    numeric_step_result corrected{};
};

inline numeric_step_result check_one_numerically(const sym::term& before, const sym::step_data& s,
                                                 std::span<const model_binding> instances,
                                                 double tolerance,
                                                 const sampling_settings& sampling = {}) {
    return check_step_numerically(before, s.claimed, s.next,
                                  s.gap.empty() ? nullptr : &s.gap.front(), instances, tolerance,
                                  sampling);
}

// Every step of a derivation against the step before it (after a recorded mistake, against
// its correction, as the symbolic check does).
inline std::vector<numeric_outcome> check_derivation_numerically(
    const sym::derivation_data& d, std::span<const model_binding> instances,
    double tolerance = default_tolerance, const sampling_settings& sampling = {}) {
    std::vector<numeric_outcome> out;
    const sym::term* before = &d.start;
    for (const sym::step_data& s : d.steps) {
        numeric_outcome o{check_one_numerically(*before, s, instances, tolerance, sampling)};
        if (s.recorded_as_mistake()) {
            o.has_correction = true;
            o.corrected = check_one_numerically(*before, s.correction.front(), instances, tolerance,
                                                sampling);
        }
        out.push_back(std::move(o));
        before = &s.continues_from();
    }
    return out;
}

} // namespace elbocheck::eval
