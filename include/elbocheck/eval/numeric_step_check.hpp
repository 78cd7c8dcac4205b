#pragma once
// The numeric verdict of a step: both sides evaluated exactly on many model instances. An
// equality holds when the sides agree on every instance (value_comparison.hpp); an inequality
// holds when its gap (the larger side minus the smaller) is never negative beyond the
// tolerance, and when the step says what its gap equals (Jensen's gap is KL(q || p(z | x))),
// that the gap equals it on every instance. A symbolic proof and a numeric refutation are
// independent: "justified but false" and "true but unjustified" are both reported.

#include "elbocheck/eval/exact_evaluator.hpp"
#include "elbocheck/eval/value_comparison.hpp"
#include "elbocheck/sym/relation.hpp"

#include <algorithm>
#include <limits>
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

struct numeric_step_result {
    numeric_status status = numeric_status::holds;
    std::string why_not_evaluated; // when not_evaluated
    std::size_t instances = 0;     // instances evaluated
    std::size_t failing = 0;       // instances on which the step is false
    std::ptrdiff_t first_failing = -1;
    // Equality: the largest |before - after|. Inequality: the largest violation (0 if none).
    double max_abs_error = 0.0;
    gap_summary gap; // inequalities only
    // The size of the intermediate quantities (exact_value::scale), and the largest error
    // seen relative to it: how much of the rounding allowance the step used.
    double max_scale = 0.0;
    double worst_error_per_scale = 0.0;
};

inline numeric_step_result check_step_numerically(const sym::term& before, sym::relation claimed,
                                                  const sym::term& after,
                                                  const sym::term* gap_closed_form,
                                                  std::span<const model_binding> instances,
                                                  double tolerance = default_tolerance) {
    numeric_step_result out;
    for (std::size_t i = 0; i < instances.size(); ++i) {
        const exact_evaluator eval(instances[i]);
        const exact_result lhs = eval.evaluate(before);
        const exact_result rhs = eval.evaluate(after);
        if (!lhs.ok() || !rhs.ok()) {
            out.status = numeric_status::not_evaluated;
            out.why_not_evaluated =
                !lhs.ok() ? "left side: " + lhs.why_not() : "right side: " + rhs.why_not();
            return out;
        }
        ++out.instances;
        bool false_here = false;
        if (claimed == sym::relation::eq) {
            const comparison c = compare(lhs.value(), rhs.value(), tolerance);
            out.max_abs_error = std::max(out.max_abs_error, c.abs_error);
            out.max_scale = std::max(out.max_scale, c.scale);
            out.worst_error_per_scale =
                std::max(out.worst_error_per_scale, c.abs_error / std::max(1.0, c.scale));
            false_here = !c.equal();
        } else {
            const auto l = lhs.value().scalar(), r = rhs.value().scalar();
            if (!l || !r) {
                out.status = numeric_status::not_evaluated;
                out.why_not_evaluated = "an inequality between functions of z is not compared";
                return out;
            }
            const double gap = claimed == sym::relation::ge ? *l - *r : *r - *l;
            const double scale = std::max(lhs.value().scale, rhs.value().scale);
            const double allowed = tolerance * std::max({1.0, std::abs(*l), std::abs(*r)}) +
                                   rounding_per_scale * scale;
            out.max_scale = std::max(out.max_scale, scale);
            out.gap.min = std::min(out.gap.min, gap);
            out.gap.max = std::max(out.gap.max, gap);
            if (gap < 0.0) {
                out.max_abs_error = std::max(out.max_abs_error, -gap);
                out.worst_error_per_scale =
                    std::max(out.worst_error_per_scale, -gap / std::max(1.0, scale));
            }
            false_here = gap < -allowed;
            if (gap_closed_form) {
                out.gap.has_closed_form = true;
                const exact_result expected = eval.evaluate(*gap_closed_form);
                if (!expected.ok() || !expected.value().scalar()) {
                    out.status = numeric_status::not_evaluated;
                    out.why_not_evaluated =
                        "the gap's closed form: " +
                        (expected.ok() ? std::string("depends on z") : expected.why_not());
                    return out;
                }
                const double e = *expected.value().scalar();
                const double error = std::abs(gap - e);
                const double gap_scale = std::max(scale, expected.value().scale);
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
        if (false_here) {
            if (out.first_failing < 0)
                out.first_failing = static_cast<std::ptrdiff_t>(i);
            ++out.failing;
            out.status = numeric_status::fails;
        }
    }
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
                                                 double tolerance) {
    return check_step_numerically(before, s.claimed, s.next,
                                  s.gap.empty() ? nullptr : &s.gap.front(), instances, tolerance);
}

// Every step of a derivation against the step before it (after a recorded mistake, against
// its correction, as the symbolic check does).
inline std::vector<numeric_outcome>
check_derivation_numerically(const sym::derivation_data& d,
                             std::span<const model_binding> instances,
                             double tolerance = default_tolerance) {
    std::vector<numeric_outcome> out;
    const sym::term* before = &d.start;
    for (const sym::step_data& s : d.steps) {
        numeric_outcome o{check_one_numerically(*before, s, instances, tolerance)};
        if (s.recorded_as_mistake()) {
            o.has_correction = true;
            o.corrected =
                check_one_numerically(*before, s.correction.front(), instances, tolerance);
        }
        out.push_back(std::move(o));
        before = &s.continues_from();
    }
    return out;
}

} // namespace elbocheck::eval
