#pragma once
// Exact rational coefficients for the canonical form: collecting like terms must give
// exactly zero when a term is added and subtracted, which floating point would not.

#include <compare>
#include <cstdint>
#include <numeric>

namespace elbocheck::sym {

struct rational {
    std::int64_t num = 0;
    std::int64_t den = 1;

    constexpr rational() = default;
    constexpr rational(std::int64_t n, std::int64_t d = 1)
        : num(n)
        , den(d) {
        normalize();
    }

    constexpr void normalize() {
        if (den < 0) {
            num = -num;
            den = -den;
        }
        const std::int64_t g = std::gcd(num < 0 ? -num : num, den);
        if (g > 1) {
            num /= g;
            den /= g;
        }
    }

    constexpr bool is_zero() const { return num == 0; }
    constexpr bool is_one() const { return num == 1 && den == 1; }
    constexpr bool is_integer() const { return den == 1; }
    constexpr int sign() const { return (num > 0) - (num < 0); }

    friend constexpr rational operator+(rational a, rational b) {
        return {a.num * b.den + b.num * a.den, a.den * b.den};
    }
    friend constexpr rational operator-(rational a) { return {-a.num, a.den}; }
    friend constexpr rational operator*(rational a, rational b) {
        return {a.num * b.num, a.den * b.den};
    }
    friend constexpr rational operator/(rational a, rational b) {
        return {a.num * b.den, a.den * b.num};
    }
    friend constexpr bool operator==(rational a, rational b) = default;
    friend constexpr std::strong_ordering operator<=>(rational a, rational b) {
        return a.num * b.den <=> b.num * a.den; // dens are positive after normalize()
    }
};

// a^k for an integer k (k may be negative; a must then be non-zero).
constexpr rational integer_power(rational a, std::int64_t k) {
    rational result{1};
    const rational base = k < 0 ? rational{1} / a : a;
    for (std::int64_t i = 0; i < (k < 0 ? -k : k); ++i)
        result = result * base;
    return result;
}

} // namespace elbocheck::sym
