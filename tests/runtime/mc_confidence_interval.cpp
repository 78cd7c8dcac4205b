// Confidence intervals: quantiles against known values and closed forms, Student t against
// normal, and the z >= 6 refutation check.
#include <catch2/catch.hpp>
#include <cmath>
#include <elbocheck/eval/confidence_interval.hpp>
#include <numbers>
#include <stdexcept>

namespace ev = elbocheck::eval;

TEST_CASE("normal quantiles equal known values", "[confidence]") {
    // z_{0.975} and z_{0.995} (sqrt(2) erfinv(0.95), sqrt(2) erfinv(0.99), 30-digit mpmath).
    CHECK(ev::normal_two_sided_z(0.05) == Approx(1.959963984540054).epsilon(1e-15));
    CHECK(ev::normal_two_sided_z(0.01) == Approx(2.5758293035489008).epsilon(1e-15));
    // Round trip at the refutation level, where 1 - alpha / 2 is within 1e-9 of 1.
    const double alpha6 = ev::normal_two_sided_false_alarm_rate(6.0);
    CHECK(alpha6 == Approx(std::erfc(6.0 / std::numbers::sqrt2)).epsilon(1e-14));
    CHECK(alpha6 == Approx(1.9731752900753963e-9).epsilon(1e-14));
    CHECK(ev::normal_two_sided_z(alpha6) == Approx(6.0).epsilon(1e-14));
    CHECK(ev::normal_two_sided_false_alarm_rate(0.0) == 1.0);
}

TEST_CASE("Student t quantiles equal their closed forms", "[confidence]") {
    // nu = 1 (Cauchy): t_p = tan(pi (p - 1/2)); nu = 2: t_p = (2p - 1) / sqrt(2 p (1 - p)).
    // Degrees of freedom are count - 1.
    const double p = 0.975;
    CHECK(ev::two_sided_critical_value(0.05, 2) ==
          Approx(std::tan(std::numbers::pi * (p - 0.5))).epsilon(1e-13));
    CHECK(ev::two_sided_critical_value(0.05, 2) == Approx(12.706204736174705).epsilon(1e-13));
    CHECK(ev::two_sided_critical_value(0.05, 3) ==
          Approx((2 * p - 1) / std::sqrt(2 * p * (1 - p))).epsilon(1e-13));
    // Same closed form in the far tail, where the complement form of the quantile matters:
    // with q = 1 - p = alpha / 2, t = (1 - 2q) / sqrt(2 q (1 - q)).
    const double q = 0.5 * ev::normal_two_sided_false_alarm_rate(6.0);
    CHECK(ev::two_sided_critical_value(2 * q, 3) ==
          Approx((1 - 2 * q) / std::sqrt(2 * q * (1 - q))).epsilon(1e-13));
}

TEST_CASE("Student t intervals are wider than normal ones and converge to them", "[confidence]") {
    const double z_normal = ev::normal_two_sided_z(0.05);
    double previous = INFINITY;
    for (const std::uint64_t count : {2U, 3U, 5U, 10U, 30U, 100U, 1000U, 100000U}) {
        const double t = ev::two_sided_critical_value(0.05, count);
        CHECK(t > z_normal);
        CHECK(t < previous); // more samples, narrower
        previous = t;
        const ev::confidence_interval ci = ev::mean_confidence_interval(10.0, 0.5, count, 0.05);
        CHECK(ci.center() == 10.0);
        CHECK(ci.half_width() == Approx(t * 0.5).epsilon(1e-15));
    }
    // Above the limit the normal quantile is used, and the switch is a step of < 1e-4 relative.
    const std::uint64_t limit = ev::student_t_max_count;
    CHECK(ev::two_sided_critical_value(0.05, limit + 1) == z_normal);
    CHECK(ev::two_sided_critical_value(0.05, limit) == Approx(z_normal).epsilon(1e-4));
    const double alpha6 = ev::normal_two_sided_false_alarm_rate(6.0);
    CHECK(ev::two_sided_critical_value(alpha6, limit) > 6.0);
    CHECK(ev::two_sided_critical_value(alpha6, limit) == Approx(6.0).epsilon(1e-4));

    SECTION("the z form widens to t for small samples only") {
        const ev::confidence_interval large =
            ev::mean_confidence_interval_at_z(1.0, 0.1, 1'000'000, 6.0);
        CHECK(large.lower == 1.0 - 6.0 * 0.1);
        CHECK(large.upper == 1.0 + 6.0 * 0.1);
        const ev::confidence_interval small = ev::mean_confidence_interval_at_z(1.0, 0.1, 20, 6.0);
        CHECK(small.half_width() ==
              Approx(0.1 * ev::two_sided_critical_value(alpha6, 20)).epsilon(1e-15));
        CHECK(small.half_width() > 1.5 * large.half_width()); // t_19 at alpha 2e-9 is about 10.6
    }
}

TEST_CASE("the refutation check uses z >= 6", "[confidence]") {
    constexpr std::uint64_t n = 1'000'000;
    CHECK(ev::inside_refutation_interval(5.0 + 5.9 * 0.01, 5.0, 0.01, n));
    CHECK(ev::inside_refutation_interval(5.0 - 5.9 * 0.01, 5.0, 0.01, n));
    CHECK_FALSE(ev::inside_refutation_interval(5.0 + 6.1 * 0.01, 5.0, 0.01, n));
    CHECK_FALSE(ev::inside_refutation_interval(5.0 - 6.1 * 0.01, 5.0, 0.01, n));
    CHECK(ev::inside_refutation_interval(5.0 + 7.9 * 0.01, 5.0, 0.01, n, 8.0));
    CHECK_THROWS_AS(ev::inside_refutation_interval(5.0, 5.0, 0.01, n, 3.0), std::invalid_argument);

    SECTION("a zero standard error needs slack for rounding") {
        const double exact = 0.1 + 0.2;
        const double estimate = 0.3;
        CHECK_FALSE(ev::inside_refutation_interval(exact, estimate, 0.0, n));
        CHECK(ev::inside_refutation_interval(exact, estimate, 0.0, n, 6.0, 1e-15));
    }

    SECTION("an interval around a NaN estimate contains nothing") {
        CHECK_FALSE(ev::inside_refutation_interval(1.0, NAN, 0.1, n));
        CHECK_FALSE(ev::inside_refutation_interval(1.0, 1.0, NAN, n));
    }
}

TEST_CASE("confidence intervals reject meaningless inputs", "[confidence]") {
    CHECK_THROWS_AS(ev::normal_two_sided_z(0.0), std::invalid_argument);
    CHECK_THROWS_AS(ev::normal_two_sided_z(1.0), std::invalid_argument);
    CHECK_THROWS_AS(ev::two_sided_critical_value(0.05, 1), std::invalid_argument);
    CHECK_THROWS_AS(ev::mean_confidence_interval(0.0, -1.0, 10, 0.05), std::invalid_argument);
    CHECK_THROWS_AS(ev::mean_confidence_interval_at_z(0.0, 1.0, 10, -1.0), std::invalid_argument);
}
