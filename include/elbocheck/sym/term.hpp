#pragma once
// The term: the one representation every check works on. Expression-template types lower
// to it at compile time, the Markdown reader will build it at run time, and the rule
// engine, canonical form, LaTeX and numeric evaluators all take it. Because it is made
// only of constexpr-friendly parts (std::vector, std::string), the same functions run in
// a static_assert and in the command-line tool, so no rule is written twice.

#include "elbocheck/sym/rational.hpp"

#include <cstdint>
#include <stdexcept>
#include <string_view>
#include <utility>
#include <vector>

namespace elbocheck::sym {

enum class op : std::uint8_t {
    number,      // value
    variable,    // a random variable such as x or z; id, role
    parameter,   // a scalar constant such as beta; id
    density,     // family id; kids = sampled variables, then conditioning variables
    named,       // a defined quantity such as ELBO; kids = {definition} (or empty)
    log,         // kids = {argument}
    exp,         // kids = {argument}
    add,         // kids = summands (n-ary)
    mul,         // kids = factors (n-ary); a quotient is a product with a negative power
    power,       // kids = {base}; value = integer exponent
    expectation, // kids = {variable, density it is drawn from, integrand}
    integral,    // kids = {variable, integrand}
    kl,          // kids = {first density, second density}
};

// Observed variables are the data (fixed); latent variables are integrated over. The
// chain rule and Bayes' rule use this to factor a model's joint in its generative order.
enum class variable_role : std::uint8_t { observed, latent };

// A model family has a joint distribution, so its conditionals and marginals are related
// by the chain rule, Bayes' rule and marginalization. A guide family (q) is a free-standing
// distribution over the latent variables, to which those rules do not apply.
enum class family_role : std::uint8_t { model, guide };

// The LaTeX of a symbol, held inline. Symbol names are short, and an inline buffer keeps
// terms free of string allocations (cheaper constexpr evaluation, and it sidesteps GCC 12's
// rejection of moved-from small std::strings in constant expressions).
struct short_text {
    static constexpr std::size_t capacity = 31;
    char chars[capacity + 1]{};
    std::uint8_t length = 0;

    constexpr short_text() = default;
    constexpr short_text(std::string_view text) {
        if (text.size() > capacity)
            throw std::length_error("elbocheck: a symbol's LaTeX is longer than 31 characters");
        for (std::size_t i = 0; i < text.size(); ++i)
            chars[i] = text[i];
        length = static_cast<std::uint8_t>(text.size());
    }
    constexpr short_text(const char* text)
        : short_text(std::string_view(text)) {}
    constexpr std::string_view view() const { return {chars, length}; }
    constexpr bool empty() const { return length == 0; }
};

// What is known of a parameter's sign.
enum class parameter_sign : std::uint8_t { any, nonnegative };

// A named symbol: explicit id (identity, order), its LaTeX, and for families the subscript
// of their parameters. Names do not take part in equality: two symbols are the same
// exactly when their ids are.
struct symbol {
    int id = 0;
    short_text latex;
    std::uint8_t role = 0;
    short_text subscript;
};

struct term {
    op kind = op::number;
    int id = 0;              // the symbol id of a variable, parameter, family or name
    std::uint8_t role = 0;   // variable_role or family_role
    rational value{};        // a number's value, a power's exponent
    std::uint32_t given = 0; // density: kids[given...] are the conditioning variables
    short_text latex;        // the symbol's LaTeX
    short_text subscript;    // a family's parameter subscript
    std::vector<term> kids;

    constexpr bool is(op k) const { return kind == k; }
    constexpr bool is_number(rational v) const { return kind == op::number && value == v; }
};

// ---- Construction -------------------------------------------------------------------------

constexpr term make_number(rational v) {
    term t;
    t.kind = op::number;
    t.value = v;
    return t;
}

constexpr term make_symbol(op kind, const symbol& s) {
    term t;
    t.kind = kind;
    t.id = s.id;
    t.role = s.role;
    t.latex = s.latex;
    t.subscript = s.subscript;
    return t;
}

constexpr term make_variable(const symbol& s) {
    return make_symbol(op::variable, s);
}
// A parameter carries the value the numeric check uses for it (term::value), so that a
// derivation about beta = 1 + gamma is evaluated at a stated gamma.
constexpr term make_parameter(const symbol& s, rational numeric_value) {
    term t = make_symbol(op::parameter, s);
    t.value = numeric_value;
    return t;
}

constexpr term make_density(const symbol& family, std::vector<term> sampled,
                            std::vector<term> conditioning) {
    term t = make_symbol(op::density, family);
    t.given = static_cast<std::uint32_t>(sampled.size());
    t.kids = std::move(sampled);
    for (auto& v : conditioning)
        t.kids.push_back(std::move(v));
    return t;
}

constexpr term make_named(const symbol& s, term definition) {
    term t = make_symbol(op::named, s);
    t.kids.push_back(std::move(definition));
    return t;
}

constexpr term make_unary(op kind, term argument) {
    term t;
    t.kind = kind;
    t.kids.push_back(std::move(argument));
    return t;
}
constexpr term make_log(term a) {
    return make_unary(op::log, std::move(a));
}
constexpr term make_exp(term a) {
    return make_unary(op::exp, std::move(a));
}

constexpr term make_nary(op kind, std::vector<term> operands) {
    term t;
    t.kind = kind;
    t.kids = std::move(operands);
    return t;
}
constexpr term make_sum(std::vector<term> summands) {
    return make_nary(op::add, std::move(summands));
}
constexpr term make_product(std::vector<term> factors) {
    return make_nary(op::mul, std::move(factors));
}

constexpr term make_power(term base, rational exponent) {
    term t = make_unary(op::power, std::move(base));
    t.value = exponent;
    return t;
}

constexpr term make_negation(term a) {
    std::vector<term> factors;
    factors.push_back(make_number(-1));
    factors.push_back(std::move(a));
    return make_product(std::move(factors));
}
constexpr term make_difference(term a, term b) {
    std::vector<term> summands;
    summands.push_back(std::move(a));
    summands.push_back(make_negation(std::move(b)));
    return make_sum(std::move(summands));
}
constexpr term make_quotient(term a, term b) {
    std::vector<term> factors;
    factors.push_back(std::move(a));
    factors.push_back(make_power(std::move(b), -1));
    return make_product(std::move(factors));
}

constexpr term make_expectation(term variable, term distribution, term integrand) {
    term t;
    t.kind = op::expectation;
    t.kids.push_back(std::move(variable));
    t.kids.push_back(std::move(distribution));
    t.kids.push_back(std::move(integrand));
    return t;
}

constexpr term make_integral(term variable, term integrand) {
    term t;
    t.kind = op::integral;
    t.kids.push_back(std::move(variable));
    t.kids.push_back(std::move(integrand));
    return t;
}

// An integral written without its differential (a document's "\\int f" with no dz): kept
// as written so that the checker can flag it.
inline constexpr int no_variable_id = 0;
constexpr term make_integral_without_differential(term integrand) {
    return make_integral(make_variable({no_variable_id, "", 0, {}}), std::move(integrand));
}

constexpr term make_kl(term first, term second) {
    term t;
    t.kind = op::kl;
    t.kids.push_back(std::move(first));
    t.kids.push_back(std::move(second));
    return t;
}

// ---- Accessors that name what a kid means -------------------------------------------------

constexpr const term& bound_variable(const term& t) {
    return t.kids[0];
} // E, integral
constexpr const term& sampling_density(const term& e) {
    return e.kids[1];
}
constexpr const term& integrand(const term& t) {
    return t.kids.back();
} // E, integral

} // namespace elbocheck::sym
