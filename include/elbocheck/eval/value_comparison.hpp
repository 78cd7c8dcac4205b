#pragma once
// Comparing two exact values. They are equal when
//
//     |a - b| <= tolerance * max(1, |a|, |b|)  +  rounding * max(scale_a, scale_b)
//
// The first term is the claim's precision (relative for large values, absolute near zero, so
// a gap of 0 is compared with 0 absolutely). The second is what floating point can resolve:
// a value computed from intermediate quantities of size `scale` (exact_value::scale) carries
// rounding error relative to that size, whatever the size of the result.
// Values that are exp(Q) with tiny magnitudes are compared in the log domain, where the
// relative tolerance applies to the logs. Functions of z (a pointwise identity such as
// Bayes' rule) are compared coefficient by coefficient, which is the same as comparing them
// everywhere.

#include "elbocheck/eval/exact_value.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace elbocheck::eval {

inline constexpr double default_tolerance = 1e-9;
// Rounding allowance per unit of scale (about 45000 machine epsilons). Measured over every
// correct step of the derivations (corrections in place of recorded mistakes) on 1001 models
// with condition numbers up to 1e6, guides five prior standard deviations away or ten times as
// wide, and observations in units a hundred times smaller, the largest error relative to scale
// was 1.3e-13 (doc002_gap step 1; numeric_step_result::worst_error_per_scale, maximized over
// check_derivation_numerically on make_instances(1000); the family before the wide guides and
// small units gave 5.0e-13). Re-run with
//     build/<dir>/tests/runtime_numeric_wrong_claims "[.measure]"
// The allowance keeps a large margin and stays far below the size of any real mistake (a
// dropped log, a sign, a swapped KL change a value by O(1) or O(scale)).
inline constexpr double rounding_per_scale = 1e-11;

struct comparison {
    double abs_error = 0.0; // |a - b| (of logs, or of coefficients; see above)
    double allowed = 0.0;   // the bound it is held to
    double scale = 0.0;     // max(scale_a, scale_b)
    bool equal() const { return abs_error <= allowed; }
};

namespace detail {
inline double magnitude(const model::quadratic_form& f) {
    return std::max({std::abs(f.constant()), f.linear().lpNorm<Eigen::Infinity>(),
                     f.quadratic().lpNorm<Eigen::Infinity>()});
}
inline double difference(const model::quadratic_form& a, const model::quadratic_form& b) {
    return std::max({std::abs(a.constant() - b.constant()),
                     (a.linear() - b.linear()).lpNorm<Eigen::Infinity>(),
                     (a.quadratic() - b.quadratic()).lpNorm<Eigen::Infinity>()});
}
// exp(Q) R with constant R folded into Q: R becomes +1 or -1.
inline exact_value fold(exact_value v) {
    if (!v.log_weight || !v.factor_is_constant() || v.factor.constant() == 0.0)
        return v;
    const double r = v.factor.constant();
    *v.log_weight += std::log(std::abs(r));
    v.factor = model::quadratic_form::zero(v.dim()) + (r > 0.0 ? 1.0 : -1.0);
    return v;
}
} // namespace detail

inline comparison compare(const exact_value& a, const exact_value& b,
                          double tolerance = default_tolerance) {
    comparison c;
    c.scale = std::max(a.scale, b.scale);
    const double rounding = rounding_per_scale * c.scale;
    auto hold_to = [&](double error, double size) {
        c.abs_error = error;
        c.allowed = tolerance * std::max(1.0, size) + rounding;
        return c;
    };
    const exact_value fa = detail::fold(a), fb = detail::fold(b);
    const auto sa = a.scalar(), sb = b.scalar();
    if (sa && sb) {
        // Both tiny positive exponentials: compare logs, which underflow does not touch.
        if (fa.log_weight && fb.log_weight && fa.factor.constant() == fb.factor.constant() &&
            fa.factor.constant() != 0.0) {
            const double la = fa.log_weight->constant(), lb = fb.log_weight->constant();
            return hold_to(std::abs(la - lb), std::max(std::abs(la), std::abs(lb)));
        }
        return hold_to(std::abs(*sa - *sb), std::max(std::abs(*sa), std::abs(*sb)));
    }
    if (!fa.log_weight && !fb.log_weight)
        return hold_to(detail::difference(fa.factor, fb.factor),
                       std::max(detail::magnitude(fa.factor), detail::magnitude(fb.factor)));
    if (fa.log_weight && fb.log_weight)
        return hold_to(
            std::max(detail::difference(*fa.log_weight, *fb.log_weight),
                     detail::difference(fa.factor, fb.factor)),
            std::max({detail::magnitude(*fa.log_weight), detail::magnitude(*fb.log_weight),
                      detail::magnitude(fa.factor), detail::magnitude(fb.factor)}));
    // One side exponential in z, the other not: they differ as functions.
    c.abs_error = std::numeric_limits<double>::infinity();
    c.allowed = 0.0;
    return c;
}

} // namespace elbocheck::eval
