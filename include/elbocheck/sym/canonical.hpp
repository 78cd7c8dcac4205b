#pragma once
// Canonical form: two terms that are equal as elements of a commutative field (with log,
// exp, E, integrals and KL as uninterpreted functions of their canonical arguments) get the
// same canonical form. It flattens nested sums and products, folds numbers, collects like
// terms (c1*t + c2*t -> (c1+c2)*t and t^a * t^b -> t^(a+b)), and sorts operands by the
// total order of order.hpp. It also knows what holds by the meaning of the symbols alone:
// log 1 = 0, log exp a = a, E[0] = 0, KL(p || p) = 0. It does not expand logarithms, integrals or
// densities: those are named rules, and a step must cite them.

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
    // Products are expanded over sums (the polynomial normal form), so that -(a - b) and
    // b - a agree, and so do (beta - 1) KL and beta KL - KL. Sums under a negative power
    // (1 / (a + b)) stay whole: they are not polynomial.
    for (std::size_t i = 0; i < out.size(); ++i) {
        if (!out[i].is(op::add))
            continue;
        std::vector<term> summands;
        for (const term& s : out[i].kids) {
            std::vector<term> factors = out;
            factors[i] = s;
            summands.push_back(make_product(std::move(factors)));
        }
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

// Bound variables are renamed so that terms equal up to the names of their bound variables
// (E_{z1}[f(z1)] and E_{z2}[f(z2)]) have one canonical form. The new id is first_bound_id +
// the binder's height (1 + the deepest binder inside it): an inner binder never takes an
// outer one's name, and the ids of free variables stay below first_bound_id.
inline constexpr int first_bound_id = 1 << 20;

constexpr int binder_height(const term& t) {
    int inner = 0;
    for (const term& k : t.kids)
        inner = std::max(inner, binder_height(k));
    return (t.is(op::expectation) || t.is(op::integral)) ? inner + 1 : inner;
}

constexpr void rename_variable(term& t, int from, int to) {
    if (t.is(op::variable) && t.id == from)
        t.id = to;
    for (term& k : t.kids)
        rename_variable(k, from, to);
}

constexpr term canonical_binder(const term& t) {
    const int old_id = t.kids[0].id;
    const int fresh = first_bound_id + binder_height(t);
    if (old_id == no_variable_id || old_id == fresh) {
        // Already named canonically (the common case inside the engine's loops): no copy of
        // the subtree is needed before its parts are put in canonical form.
        term out;
        out.kind = t.kind;
        out.kids.reserve(t.kids.size());
        out.kids.push_back(t.kids[0]);
        for (std::size_t i = 1; i < t.kids.size(); ++i)
            out.kids.push_back(canonical(t.kids[i]));
        return out;
    }
    term out = t;
    for (term& k : out.kids)
        rename_variable(k, old_id, fresh);
    for (std::size_t i = 1; i < out.kids.size(); ++i)
        out.kids[i] = canonical(out.kids[i]);
    return out;
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
        if (a.is(op::exp)) // log and exp are inverse functions
            return std::move(a.kids.front());
        return make_log(std::move(a));
    }
    case op::exp: {
        term a = canonical(t.kids.front());
        if (a.is_number(0))
            return make_number(1);
        if (a.is(op::log)) // where log a is defined, a > 0 and exp(log a) = a
            return std::move(a.kids.front());
        return make_exp(std::move(a));
    }
    case op::add:
        return detail::canonical_sum(t);
    case op::mul:
        return detail::canonical_product(t);
    case op::power:
        return detail::canonical_power(t);
    case op::expectation:
    case op::integral: {
        // The expectation or integral of zero is zero, whatever it is taken over.
        // (An if, not ?:, here: GCC 12 mishandles a conditional's copy in constant evaluation.)
        term c = detail::canonical_binder(t);
        if (integrand(c).is_number(0))
            return make_number(0);
        return c;
    }
    case op::kl: {
        // A distribution is at divergence zero from itself.
        term first = canonical(t.kids[0]), second = canonical(t.kids[1]);
        if (same(first, second))
            return make_number(0);
        return make_kl(std::move(first), std::move(second));
    }
    }
    return t;
}

// Equal as algebra: the "rearrangement" rule.
constexpr bool equal_canonically(const term& a, const term& b) {
    return same(canonical(a), canonical(b));
}

} // namespace elbocheck::sym
