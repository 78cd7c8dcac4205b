#pragma once
// Two-sided confidence intervals for a mean from (estimate, standard error, sample count), and
// the check a Monte Carlo estimate uses to refute an exact value.
//
// The critical value is Student's t with n - 1 degrees of freedom up to
// student_t_max_count samples and the standard normal beyond. t is exact for Gaussian
// integrands and, for others, a conservative small-sample correction to the central limit
// theorem; past the limit the two differ by less than 1e-4 relative for z <= 6
// (t_nu / z - 1 ≈ (z^2 + 1) / (4 nu)), and the normal quantile is cheaper and is what the CLT
// justifies anyway.
//
// A "false-alarm rate" alpha is the probability that the interval misses the true mean.

#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>
#include <cstdint>
#include <stdexcept>

namespace elbocheck::eval {

inline constexpr std::uint64_t student_t_max_count = 100'000;

// The z used to refute a step by Monte Carlo: alpha ≈ 2e-9 per comparison, so thousands of
// comparisons per test run still almost never raise a false alarm.
inline constexpr double refutation_z = 6.0;

struct confidence_interval {
    double lower;
    double upper;

    // False whenever a bound is NaN: an interval built from a NaN estimate contains nothing.
    bool contains(double value) const noexcept { return lower <= value && value <= upper; }
    double center() const noexcept { return 0.5 * (lower + upper); }
    double half_width() const noexcept { return 0.5 * (upper - lower); }
};

// z with P(|N(0,1)| > z) = alpha.
inline double normal_two_sided_z(double false_alarm_rate) {
    if (!(false_alarm_rate > 0.0 && false_alarm_rate < 1.0)) {
        throw std::invalid_argument("false-alarm rate must lie in (0, 1)");
    }
    // The complement keeps full precision for tiny alpha, where 1 - alpha / 2 would round to 1.
    return boost::math::quantile(boost::math::complement(boost::math::normal_distribution<double>{},
                                                         0.5 * false_alarm_rate));
}

// alpha = P(|N(0,1)| > z).
inline double normal_two_sided_false_alarm_rate(double z) {
    if (!(z >= 0.0)) {
        throw std::invalid_argument("z must be non-negative");
    }
    return 2.0 *
           boost::math::cdf(boost::math::complement(boost::math::normal_distribution<double>{}, z));
}

// The multiple of the standard error that makes a two-sided interval for the mean of `count`
// samples miss with probability alpha: t_{n-1} quantile or normal quantile (see above).
inline double two_sided_critical_value(double false_alarm_rate, std::uint64_t count) {
    if (count < 2) {
        throw std::invalid_argument("a standard error needs at least two samples");
    }
    if (count > student_t_max_count) {
        return normal_two_sided_z(false_alarm_rate);
    }
    if (!(false_alarm_rate > 0.0 && false_alarm_rate < 1.0)) {
        throw std::invalid_argument("false-alarm rate must lie in (0, 1)");
    }
    const boost::math::students_t_distribution<double> t(static_cast<double>(count - 1));
    return boost::math::quantile(boost::math::complement(t, 0.5 * false_alarm_rate));
}

namespace detail {
inline void require_non_negative_standard_error(double standard_error) {
    // NaN passes: it yields an interval that contains nothing, which callers report.
    if (standard_error < 0.0) {
        throw std::invalid_argument("standard error must be non-negative");
    }
}
} // namespace detail

inline confidence_interval mean_confidence_interval(double mean, double standard_error,
                                                    std::uint64_t count, double false_alarm_rate) {
    detail::require_non_negative_standard_error(standard_error);
    const double half_width = two_sided_critical_value(false_alarm_rate, count) * standard_error;
    return {mean - half_width, mean + half_width};
}

// The interval with the false-alarm rate that z standard errors have under the normal
// distribution; for small samples it is widened to the matching t quantile.
inline confidence_interval mean_confidence_interval_at_z(double mean, double standard_error,
                                                         std::uint64_t count, double z) {
    detail::require_non_negative_standard_error(standard_error);
    if (count > student_t_max_count) {
        if (!(z >= 0.0)) {
            throw std::invalid_argument("z must be non-negative");
        }
        return {mean - z * standard_error, mean + z * standard_error};
    }
    return mean_confidence_interval(mean, standard_error, count,
                                    normal_two_sided_false_alarm_rate(z));
}

// True when `value` is inside the z >= 6 interval around a Monte Carlo estimate, i.e. the
// estimate does not refute it. `absolute_slack` widens the interval for rounding error: an
// integrand that is constant (e.g. the ELBO integrand when q is the exact posterior) has a
// standard error of 0, and its exact value and estimate then differ by rounding alone.
inline bool inside_refutation_interval(double value, double mean, double standard_error,
                                       std::uint64_t count, double z = refutation_z,
                                       double absolute_slack = 0.0) {
    if (!(z >= refutation_z)) {
        throw std::invalid_argument("Monte Carlo refutation needs z >= 6");
    }
    if (!(absolute_slack >= 0.0)) {
        throw std::invalid_argument("slack must be non-negative");
    }
    const confidence_interval ci = mean_confidence_interval_at_z(mean, standard_error, count, z);
    return confidence_interval{ci.lower - absolute_slack, ci.upper + absolute_slack}.contains(
        value);
}

} // namespace elbocheck::eval
