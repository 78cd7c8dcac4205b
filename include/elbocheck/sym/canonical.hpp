#pragma once
// Canonical form: two terms that are equal as elements of a commutative field (with log,
// exp, E, integrals and KL as uninterpreted functions of their canonical arguments) get the
// same canonical form. It flattens nested sums and products, folds numbers, collects like
// terms (c1*t + c2*t -> (c1+c2)*t and t^a * t^b -> t^(a+b)), and sorts operands by the
// total order of order.hpp. It does not expand logarithms, integrals or densities: those are
// named rules, and a step must cite them.

#include "elbocheck/sym/order.hpp"

#include <algorithm>

namespace elbocheck::sym {

constexpr term canonical(const term& t);

namespace detail {

// One summand as coefficient * rest; rest is absent for a pure number.
struct scaled_term {
    rational coefficient;
    term rest;
    bool has_rest;
};

constexpr scaled_term split_coefficient(const term& t) {
    if (t.is(op::number))
        return {t.value, term{}, false};
    if (t.is(op::mul) && !t.kids.empty() && t.kids.front().is(op::number)) {
        term rest;
        if (t.kids.size() == 2) {
            rest = t.kids[1];
        } else {
            rest = make_product(std::vector<term>(t.kids.begin() + 1, t.kids.end()));
        }
        return {t.kids.front().value, std::move(rest), true};
    }
    return {rational{1}, t, true};
}

// coefficient * rest, with rest already canonical.
constexpr term scale(rational coefficient, term rest) {
    if (coefficient.is_one())
        return rest;
    if (rest.is(op::mul)) {
        rest.kids.insert(rest.kids.begin(), make_number(coefficient));
        return rest;
    }
    return make_product({make_number(coefficient), std::move(rest)});
}

constexpr term canonical_sum(const term& t) {
    std::vector<scaled_term> parts;
    rational constant{0};
    auto add_part = [&](const term& summand) {
        scaled_term s = split_coefficient(summand);
        if (!s.has_rest)
            constant = constant + s.coefficient;
        else
            parts.push_back(std::move(s));
    };
    for (const term& kid : t.kids) {
        term c = canonical(kid);
        if (c.is(op::add))
            for (const term& inner : c.kids)
                add_part(inner);
        else
            add_part(c);
    }
    std::sort(parts.begin(), parts.end(), [](const scaled_term& a, const scaled_term& b) {
        return compare(a.rest, b.rest) < 0;
    });
    std::vector<term> summands;
    if (!constant.is_zero())
        summands.push_back(make_number(constant));
    for (std::size_t i = 0; i < parts.size();) {
        rational total = parts[i].coefficient;
        std::size_t j = i + 1;
        while (j < parts.size() && same(parts[j].rest, parts[i].rest))
            total = total + parts[j++].coefficient;
        if (!total.is_zero())
            summands.push_back(scale(total, std::move(parts[i].rest)));
        i = j;
    }
    if (summands.empty())
        return make_number(0);
    if (summands.size() == 1)
        return std::move(summands.front());
    return make_sum(std::move(summands));
}

struct powered_term {
    term base;
    rational exponent;
};

constexpr term canonical_product(const term& t) {
    rational coefficient{1};
    std::vector<powered_term> factors;
    auto add_factor = [&](term f) {
        if (f.is(op::number)) {
            coefficient = coefficient * f.value;
        } else if (f.is(op::power)) {
            factors.push_back({std::move(f.kids.front()), f.value});
        } else {
            factors.push_back({std::move(f), rational{1}});
        }
    };
    for (const term& kid : t.kids) {
        term c = canonical(kid);
        if (c.is(op::mul))
            for (term& inner : c.kids)
                add_factor(std::move(inner));
        else
            add_factor(std::move(c));
    }
    if (coefficient.is_zero())
        return make_number(0);
    std::sort(factors.begin(), factors.end(), [](const powered_term& a, const powered_term& b) {
        return compare(a.base, b.base) < 0;
    });
    std::vector<term> out;
    if (!coefficient.is_one())
        out.push_back(make_number(coefficient));
    for (std::size_t i = 0; i < factors.size();) {
        rational exponent = factors[i].exponent;
        std::size_t j = i + 1;
        while (j < factors.size() && same(factors[j].base, factors[i].base))
            exponent = exponent + factors[j++].exponent;
        if (!exponent.is_zero()) {
            if (exponent.is_one())
                out.push_back(std::move(factors[i].base));
            else
                out.push_back(make_power(std::move(factors[i].base), exponent));
        }
        i = j;
    }
    if (out.empty())
        return make_number(1);
    if (out.size() == 1)
        return std::move(out.front());
    // A number times a sum is distributed, so that -(a - b) and b - a agree. Products of
    // non-numbers are left alone: int q (a + b) dz = int q a dz + int q b dz is linearity.
    if (out.size() == 2 && out[0].is(op::number) && out[1].is(op::add)) {
        std::vector<term> summands;
        for (const term& s : out[1].kids)
            summands.push_back(make_product({out[0], s}));
        return canonical_sum(make_sum(std::move(summands)));
    }
    return make_product(std::move(out));
}

constexpr term canonical_power(const term& t) {
    const rational k = t.value;
    term base = canonical(t.kids.front());
    if (k.is_zero())
        return make_number(1);
    if (k.is_one())
        return base;
    if (base.is(op::number) && k.is_integer() && !(base.value.is_zero() && k.sign() < 0))
        return make_number(integer_power(base.value, k.num));
    if (base.is(op::power)) {
        return canonical(make_power(std::move(base.kids.front()), base.value * k));
    }
    if (base.is(op::mul)) {
        // (a b)^k = a^k b^k for the integer exponents that quotients produce.
        std::vector<term> factors;
        for (term& f : base.kids)
            factors.push_back(make_power(std::move(f), k));
        return canonical_product(make_product(std::move(factors)));
    }
    return make_power(std::move(base), k);
}

constexpr bool by_id(const term& a, const term& b) {
    return a.id < b.id;
}

} // namespace detail

constexpr term canonical(const term& t) {
    switch (t.kind) {
    case op::number:
    case op::variable:
    case op::parameter:
    case op::named:
        return t;
    case op::density: {
        // A joint is symmetric in its variables and so is the conditioning set:
        // p(z, x) and p(x, z) are the same density.
        term c = t;
        std::sort(c.kids.begin(), c.kids.begin() + c.given, detail::by_id);
        std::sort(c.kids.begin() + c.given, c.kids.end(), detail::by_id);
        return c;
    }
    case op::log: {
        term a = canonical(t.kids.front());
        if (a.is_number(1))
            return make_number(0);
        return make_log(std::move(a));
    }
    case op::exp: {
        term a = canonical(t.kids.front());
        if (a.is_number(0))
            return make_number(1);
        return make_exp(std::move(a));
    }
    case op::add:
        return detail::canonical_sum(t);
    case op::mul:
        return detail::canonical_product(t);
    case op::power:
        return detail::canonical_power(t);
    case op::expectation:
        return make_expectation(t.kids[0], canonical(t.kids[1]), canonical(t.kids[2]));
    case op::integral:
        return make_integral(t.kids[0], canonical(t.kids[1]));
    case op::kl:
        return make_kl(canonical(t.kids[0]), canonical(t.kids[1]));
    }
    return t;
}

// Equal as algebra: the "rearrangement" rule.
constexpr bool equal_canonically(const term& a, const term& b) {
    return same(canonical(a), canonical(b));
}

} // namespace elbocheck::sym
