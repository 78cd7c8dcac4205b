#pragma once
// LaTeX in the documents' notation: p_\theta(x \mid z), \mathbb{E}_{q_\phi(z \mid x)}[...],
// \int ... \, dz, D_{\mathrm{KL}}(q \,\Vert\, p). constexpr, so a term's LaTeX can be
// computed at compile time (and put in a diagnostic) or at run time.

#include "elbocheck/sym/term.hpp"
#include "elbocheck/sym/text.hpp"

namespace elbocheck::sym {

constexpr text to_latex(const term& t);

namespace detail {

constexpr text integer_text(std::int64_t v) {
    if (v == 0)
        return "0";
    const bool negative = v < 0;
    std::uint64_t u = negative ? 0 - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v);
    char reversed[24]{};
    int n = 0;
    for (; u > 0; u /= 10)
        reversed[n++] = static_cast<char>('0' + u % 10);
    text out = negative ? "-" : "";
    while (n > 0)
        out += reversed[--n];
    return out;
}

constexpr text number_latex(rational v) {
    if (v.is_integer())
        return integer_text(v.num);
    const text sign = v.sign() < 0 ? "-" : "";
    return sign + R"(\frac{)" + integer_text(v.num < 0 ? -v.num : v.num) + "}{" +
           integer_text(v.den) + "}";
}

// A term printed as a factor next to others: sums need parentheses.
constexpr text factor_latex(const term& t) {
    if (t.is(op::add))
        return R"(\left()" + to_latex(t) + R"(\right))";
    return to_latex(t);
}

// Is this summand printed with a leading minus (so the sum writes " - " instead)?
constexpr bool negative_summand(const term& t) {
    if (t.is(op::number))
        return t.value.sign() < 0;
    return t.is(op::mul) && !t.kids.empty() && t.kids.front().is(op::number) &&
           t.kids.front().value.sign() < 0;
}

constexpr term negated(const term& t) {
    if (t.is(op::number))
        return make_number(-t.value);
    term out = t;
    out.kids.front().value = -out.kids.front().value;
    if (out.kids.front().value.is_one() && out.kids.size() == 2)
        return term(out.kids[1]);
    if (out.kids.front().value.is_one())
        out.kids.erase(out.kids.begin());
    return out;
}

constexpr text juxtaposed(const std::vector<const term*>& factors) {
    text out;
    for (const term* f : factors) {
        if (!out.empty())
            out += R"( \, )";
        out += factor_latex(*f);
    }
    return out;
}

constexpr text product_latex(const term& t) {
    std::vector<const term*> numerator, denominator;
    std::vector<term> inverted; // storage for the positive powers of the denominator
    inverted.reserve(t.kids.size());
    text sign;
    for (const term& f : t.kids) {
        if (f.is(op::number) && f.value == rational{-1} && &f == &t.kids.front()) {
            sign = "-";
        } else if (f.is(op::power) && f.value.sign() < 0) {
            if (f.value == rational{-1})
                denominator.push_back(&f.kids.front());
            else {
                inverted.push_back(make_power(f.kids.front(), -f.value));
                denominator.push_back(&inverted.back());
            }
        } else {
            numerator.push_back(&f);
        }
    }
    if (denominator.empty())
        return sign + juxtaposed(numerator);
    // No ?: with a text on either side: GCC 12 frees the wrong branch's temporary in
    // constant expressions ("use of allocated storage after deallocation").
    text top = "1";
    if (!numerator.empty())
        top = juxtaposed(numerator);
    return sign + R"(\frac{)" + top + "}{" + juxtaposed(denominator) + "}";
}

constexpr text density_latex(const term& t) {
    text out(t.latex.view());
    if (!t.subscript.empty())
        out += "_{" + text(t.subscript.view()) + "}";
    out += "(";
    for (std::size_t i = 0; i < t.kids.size(); ++i) {
        if (i == t.given)
            out += R"( \mid )";
        else if (i > 0)
            out += ", ";
        out += t.kids[i].latex.view();
    }
    return out + ")";
}

// The argument of log or exp: bare when it is a single symbol-like thing.
constexpr text function_argument(const term& t) {
    if (t.is(op::density) || t.is(op::variable) || t.is(op::parameter) || t.is(op::named) ||
        t.is(op::expectation) || t.is(op::kl) || t.is(op::integral))
        return " " + to_latex(t);
    if (t.is(op::mul) && !negative_summand(t))
        return " " + to_latex(t); // \log \frac{a}{b} reads as in the documents
    return R"(\left()" + to_latex(t) + R"(\right))";
}

} // namespace detail

constexpr text to_latex(const term& t) {
    switch (t.kind) {
    case op::number:
        return detail::number_latex(t.value);
    case op::variable:
    case op::parameter:
    case op::named:
        return text(t.latex.view());
    case op::density:
        return detail::density_latex(t);
    case op::log:
        return R"(\log)" + detail::function_argument(t.kids[0]);
    case op::exp:
        return R"(\exp)" + detail::function_argument(t.kids[0]);
    case op::add: {
        text out;
        for (std::size_t i = 0; i < t.kids.size(); ++i) {
            const term& s = t.kids[i];
            if (i == 0)
                out += to_latex(s);
            else if (detail::negative_summand(s))
                out += " - " + detail::factor_latex(detail::negated(s));
            else
                out += " + " + to_latex(s);
        }
        return out;
    }
    case op::mul:
        return detail::product_latex(t);
    case op::power: {
        if (t.value == rational{-1})
            return R"(\frac{1}{)" + to_latex(t.kids[0]) + "}";
        text base = to_latex(t.kids[0]);
        if (!t.kids[0].is(op::variable) && !t.kids[0].is(op::parameter))
            base = R"(\left()" + base + R"(\right))";
        return base + "^{" + detail::number_latex(t.value) + "}";
    }
    case op::expectation:
        return R"(\mathbb{E}_{)" + to_latex(t.kids[1]) + R"(}\left[)" + to_latex(t.kids[2]) +
               R"(\right])";
    case op::integral: {
        const term& body = t.kids[1];
        const text inner = detail::factor_latex(body); // a sum gets parentheses
        if (t.kids[0].id == no_variable_id)
            return R"(\int )" + inner; // as written: no differential
        return R"(\int )" + inner + R"( \, d)" + text(t.kids[0].latex.view());
    }
    case op::kl:
        return R"(D_{\mathrm{KL}}\left()" + to_latex(t.kids[0]) + R"( \,\Vert\, )" +
               to_latex(t.kids[1]) + R"(\right))";
    }
    return {};
}

} // namespace elbocheck::sym
