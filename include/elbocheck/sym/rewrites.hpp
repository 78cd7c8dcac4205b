#pragma once
// The equality rules as rewrites oriented towards a normal form. A step is justified when
// both of its sides reach the same canonical form under the rules it cites: we compare
// normal forms rather than search for a rewrite path, so the cost of a check is a few
// passes over two small trees, cheap enough for a static_assert.
//
// Orientation: every model density is written in the model's generative factors (latent
// first: p(x, z) -> p(x | z) p(z), p(z | x) -> p(x | z) p(z) / p(x)); logs of monomials are
// expanded; sums and constants are pulled out of integrals; integrals of joints and of
// likelihood times prior are marginalized.
//
// Beneath the rules lies notation: E_{z ~ q}[f] is by definition the integral of q f over z,
// so the normal form writes every expectation as that integral (notation_normal_form), whatever
// the step cites. The rules then see through E: the q of E_q[p / q] cancels against the
// measure, Jensen's inequality applies to log of an integral against a density, and linearity,
// the expectation of a constant and marginalization are each stated once, for integrals.

#include "elbocheck/sym/canonical.hpp"
#include "elbocheck/sym/rule_catalog.hpp"
#include "elbocheck/sym/variables.hpp"

namespace elbocheck::sym {

namespace detail {

constexpr bool is_model_density(const term& t) {
    return t.is(op::density) && t.role == static_cast<std::uint8_t>(family_role::model);
}

constexpr term density_like(const term& family, std::vector<term> sampled,
                            std::vector<term> conditioning) {
    symbol s{family.id, family.latex, family.role, family.subscript};
    return make_density(s, std::move(sampled), std::move(conditioning));
}

constexpr std::vector<term> sampled_of(const term& d) {
    return {d.kids.begin(), d.kids.begin() + d.given};
}
constexpr std::vector<term> conditioning_of(const term& d) {
    return {d.kids.begin() + d.given, d.kids.end()};
}

constexpr bool is_latent(const term& v) {
    return v.role == static_cast<std::uint8_t>(variable_role::latent);
}

// The factors of a canonical product (a lone term is a product of one).
constexpr std::vector<term> factors_of(const term& t) {
    if (t.is(op::mul))
        return t.kids;
    return {t};
}

constexpr term product_of(std::vector<term> factors) {
    if (factors.empty())
        return make_number(1);
    if (factors.size() == 1)
        return std::move(factors.front());
    return make_product(std::move(factors));
}

constexpr term sum_of(std::vector<term> summands) {
    if (summands.empty())
        return make_number(0);
    if (summands.size() == 1)
        return std::move(summands.front());
    return make_sum(std::move(summands));
}

// ---- marginalization: int p(A, v | C) dv = p(A | C); int p(A | v, C) p(v | C) dv = p(A | C)
constexpr bool marginalize(term& node) {
    if (!node.is(op::integral))
        return false;
    const int v = node.kids[0].id;
    const term& body = node.kids[1];
    if (is_model_density(body) && body.given >= 2 && sampled_variables(body).contains(v)) {
        std::vector<term> sampled;
        for (const term& s : sampled_of(body))
            if (s.id != v)
                sampled.push_back(s);
        node = density_like(body, std::move(sampled), conditioning_of(body));
        return true;
    }
    if (body.is(op::mul) && body.kids.size() == 2 && is_model_density(body.kids[0]) &&
        is_model_density(body.kids[1]) && body.kids[0].id == body.kids[1].id) {
        for (int first = 0; first < 2; ++first) {
            const term& rest = body.kids[first];         // p(A | v, C)
            const term& marginal = body.kids[1 - first]; // p(v | C)
            if (marginal.given != 1 || marginal.kids[0].id != v)
                continue;
            variable_set cond = conditioning_variables(rest);
            if (!cond.contains(v) || sampled_variables(rest).contains(v))
                continue;
            cond.erase(v);
            if (cond != conditioning_variables(marginal))
                continue;
            node = density_like(rest, sampled_of(rest), conditioning_of(marginal));
            return true;
        }
    }
    return false;
}

// ---- chain rule and Bayes' rule: one statement, p(A | B) p(B) = p(A, B), used in whichever
// direction and grouping a step writes it. Its normal form writes every model density in the
// model's generative factors (latent first, then observed given latent):
//     p(O, L | C) = p(O | L, C) p(L | C)                      (a joint, factored)
//     p(L | O, C) = p(O | L, C) p(L | C) / p(O | C)           (a posterior, inverted)
// so that p(z | x) p(x), p(x, z), p(x | z) p(z) and p(x, z) / p(z | x) p(z | x) all meet.
constexpr bool split_by_role(const std::vector<term>& vars, std::vector<term>& observed,
                             std::vector<term>& latent) {
    for (const term& v : vars)
        (is_latent(v) ? latent : observed).push_back(v);
    return !observed.empty() && !latent.empty();
}

constexpr bool factor_model_density(term& node) {
    if (!is_model_density(node))
        return false;
    std::vector<term> observed, latent;
    if (split_by_role(sampled_of(node), observed, latent)) { // a joint of both kinds
        std::vector<term> cond_likelihood = latent;
        for (const term& c : conditioning_of(node))
            cond_likelihood.push_back(c);
        term likelihood = density_like(node, std::move(observed), std::move(cond_likelihood));
        term prior = density_like(node, std::move(latent), conditioning_of(node));
        node = make_product({std::move(likelihood), std::move(prior)});
        return true;
    }
    if (!observed.empty()) // over observed variables only: already a generative factor
        return false;
    std::vector<term> given_observed, given_latent;
    for (const term& c : conditioning_of(node))
        (is_latent(c) ? given_latent : given_observed).push_back(c);
    if (given_observed.empty()) // latent given latent: a generative factor too
        return false;
    std::vector<term> cond_likelihood = sampled_of(node);
    for (const term& c : given_latent)
        cond_likelihood.push_back(c);
    term likelihood = density_like(node, given_observed, std::move(cond_likelihood));
    term prior = density_like(node, sampled_of(node), given_latent);
    term evidence = density_like(node, std::move(given_observed), std::move(given_latent));
    node = make_product(
        {std::move(likelihood), std::move(prior), make_power(std::move(evidence), -1)});
    return true;
}

// ---- E_{v ~ d}[f] = int d f dv: notation, applied by every normal form (not a rule to cite;
// integral_as_expectation and expectation_as_integral only ask that the step shows both forms)
constexpr bool expectation_to_integral(term& node) {
    if (!node.is(op::expectation))
        return false;
    term body = make_product({node.kids[1], node.kids[2]});
    node = make_integral(node.kids[0], canonical(body));
    return true;
}

// ---- log(c a^j b^k ...) = log c + j log a + k log b + ...: the logarithm of a monomial.
// Products and quotients are one algebra (a quotient is a product with a negative power), so
// log_of_product and log_of_quotient state one rule and either justifies any split of a log
// of a monomial into logs of its parts: log(a b / c) = log a + log(b / c) as well as
// log(a / b) = log a - log b. A non-positive number among the factors stops it (the log of
// a negative quantity is not ours to split); a log of a single factor has nothing to split.
constexpr bool expand_log_monomial(term& node) {
    if (!node.is(op::log))
        return false;
    const std::vector<term> factors = factors_of(node.kids[0]);
    const bool single_power = factors.size() == 1 && factors[0].is(op::power);
    if (factors.size() < 2 && !single_power)
        return false;
    std::vector<term> logs;
    for (const term& f : factors) {
        if (f.is(op::number)) {
            if (f.value.sign() <= 0)
                return false;
            // log(n / d) = log n - log d, so that log(1/2) + log 2 cancels.
            logs.push_back(make_log(make_number(f.value.num)));
            logs.push_back(make_negation(make_log(make_number(f.value.den))));
        } else if (f.is(op::power)) {
            logs.push_back(make_product({make_number(f.value), make_log(f.kids.front())}));
        } else {
            logs.push_back(make_log(f));
        }
    }
    node = make_sum(std::move(logs));
    return true;
}

// ---- E_q[a + b] = E_q[a] + E_q[b]; E_q[c f] = c E_q[f]; the same for integrals, where
// an integrand q (a + b) is distributed first: int q (a + b) = int q a + int q b.
constexpr term rebind(const term& binder, term body) {
    term out = binder;
    out.kids.back() = std::move(body);
    return out;
}

constexpr bool apply_linearity(term& node) {
    if (!node.is(op::expectation) && !node.is(op::integral))
        return false;
    const int v = node.kids[0].id;
    const term& body = node.kids.back();
    if (body.is(op::add)) {
        std::vector<term> parts;
        for (const term& s : body.kids)
            parts.push_back(rebind(node, s));
        node = make_sum(std::move(parts));
        return true;
    }
    if (!body.is(op::mul))
        return false;
    std::vector<term> constant, varying;
    for (const term& f : body.kids)
        (depends_on(f, v) ? varying : constant).push_back(f);
    // A body constant in v keeps its non-numeric part inside (taking a constant out of E
    // altogether is expectation_of_constant's business) but gives up its numeric factor.
    if (varying.empty() && constant.size() > 1 && constant.front().is(op::number)) {
        varying.assign(constant.begin() + 1, constant.end());
        constant.resize(1);
    }
    if (!constant.empty() && !varying.empty()) {
        node = make_product(
            {product_of(std::move(constant)), rebind(node, product_of(std::move(varying)))});
        return true;
    }
    // int q (a + b) dz: distribute over the one sum among the factors.
    for (std::size_t i = 0; i < body.kids.size(); ++i) {
        if (!body.kids[i].is(op::add))
            continue;
        std::vector<term> parts;
        for (const term& s : body.kids[i].kids) {
            std::vector<term> factors = body.kids;
            factors[i] = s;
            parts.push_back(rebind(node, make_product(std::move(factors))));
        }
        node = make_sum(std::move(parts));
        return true;
    }
    return false;
}

// The density over exactly v among an integrand's factors, if there is one.
constexpr int density_over(const std::vector<term>& factors, int v) {
    for (std::size_t i = 0; i < factors.size(); ++i) {
        const term& f = factors[i];
        if (f.is(op::density) && f.given == 1 && f.kids[0].id == v)
            return static_cast<int>(i);
    }
    return -1;
}

// ---- E_{v ~ q}[c] = c and int q c dv = c, for c free of v
constexpr bool drop_constant_expectation(term& node) {
    const bool is_e = node.is(op::expectation);
    if (!is_e && !node.is(op::integral))
        return false;
    const int v = node.kids[0].id;
    if (is_e) {
        if (depends_on(node.kids[2], v))
            return false;
        node = term(node.kids[2]);
        return true;
    }
    std::vector<term> factors = factors_of(node.kids[1]);
    const int at = density_over(factors, v);
    if (at < 0)
        return false;
    factors.erase(factors.begin() + at);
    term rest = product_of(std::move(factors));
    if (depends_on(rest, v))
        return false;
    node = std::move(rest);
    return true;
}

// ---- int q(v | C) dv = 1
constexpr bool normalize_density(term& node) {
    if (!node.is(op::integral))
        return false;
    const term& body = node.kids[1];
    if (!body.is(op::density) || body.given != 1 || body.kids[0].id != node.kids[0].id)
        return false;
    node = make_number(1);
    return true;
}

// ---- KL(a || b) = E_{v ~ a}[log(a / b)]
constexpr bool unfold_kl(term& node) {
    if (!node.is(op::kl) || node.kids[0].given != 1)
        return false;
    term first = node.kids[0];
    term second = node.kids[1];
    term variable = first.kids[0];
    // Exactly the definition's form, E_a[log(a / b)]; splitting the log is a rule of its own.
    node = make_expectation(std::move(variable), first,
                            make_log(make_quotient(first, std::move(second))));
    return true;
}

constexpr bool unfold_definition(term& node) {
    if (!node.is(op::named) || node.kids.empty())
        return false;
    node = term(node.kids.front());
    return true;
}

// Rules that state one piece of mathematics under two names (a reader may cite either): the
// name whose rewrite does the work.
constexpr rule_id statement_of(rule_id rule) {
    switch (rule) {
    case rule_id::bayes_rule:
        return rule_id::chain_rule;
    case rule_id::log_of_quotient:
        return rule_id::log_of_product;
    case rule_id::expectation_as_integral:
        return rule_id::integral_as_expectation;
    default:
        return rule;
    }
}

// The kind of node a rule's rewrite can start from: a cheap test that spares trying the rule
// (on a copy) at every other node. A lemma may start anywhere.
constexpr bool may_rewrite_at(rule_id rule, const term& node) {
    switch (statement_of(rule)) {
    case rule_id::definition:
        return node.is(op::named);
    case rule_id::marginalization:
    case rule_id::normalization:
        return node.is(op::integral);
    case rule_id::chain_rule: {
        term trial = node; // a density: small
        return node.is(op::density) && factor_model_density(trial);
    }
    case rule_id::log_of_product:
        return node.is(op::log);
    case rule_id::linearity:
    case rule_id::expectation_of_constant:
        return node.is(op::expectation) || node.is(op::integral);
    case rule_id::kl_definition:
        return node.is(op::kl);
    case rule_id::lemma:
        return true;
    default:
        return false;
    }
}

constexpr bool rewrite_here(rule_id rule, term& node) {
    switch (rule) {
    case rule_id::definition:
        return unfold_definition(node);
    case rule_id::marginalization:
        return marginalize(node);
    case rule_id::chain_rule:
    case rule_id::bayes_rule:
        return factor_model_density(node);
    case rule_id::log_of_product:
    case rule_id::log_of_quotient:
        return expand_log_monomial(node);
    case rule_id::linearity:
        return apply_linearity(node);
    case rule_id::expectation_of_constant:
        return drop_constant_expectation(node);
    case rule_id::normalization:
        return normalize_density(node);
    case rule_id::kl_definition:
        return unfold_kl(node);
    default:
        return false; // notation, visible and inequality rules do not rewrite
    }
}

} // namespace detail

// Applies a rewrite everywhere in t, innermost first; `here(node)` rewrites one node in place
// and says whether it did. Returns whether anything changed. Only integrands and operands
// are entered: the bound variable and the density an expectation draws from are its
// measure, and rewriting p(z | x) there into a product would turn E_{p(z | x)} into
// nonsense. A name's definition and KL's operands (densities) are not entered either.
template <class RewriteHere>
constexpr bool rewrite_everywhere_by(const RewriteHere& here, term& t) {
    bool changed = false;
    switch (t.kind) {
    case op::expectation:
    case op::integral:
        changed = rewrite_everywhere_by(here, t.kids.back());
        break;
    case op::named:
    case op::density:
    case op::kl:
        break;
    default:
        for (term& k : t.kids)
            changed = rewrite_everywhere_by(here, k) || changed;
    }
    if (here(t)) {
        changed = true;
        t = canonical(t);
    }
    return changed;
}

constexpr bool rewrite_everywhere(rule_id rule, term& t) {
    return rewrite_everywhere_by([rule](term& node) { return detail::rewrite_here(rule, node); },
                                 t);
}

} // namespace elbocheck::sym

namespace elbocheck::sym {

namespace detail {
// Every expectation inside t, innermost first, as its integral; whether there was one.
constexpr bool expectations_to_integrals(term& t) {
    bool changed = false;
    if (!t.is(op::named) && !t.is(op::density))
        for (term& k : t.kids)
            changed = expectations_to_integrals(k) || changed;
    if (t.is(op::expectation)) {
        term body = make_product({std::move(t.kids[1]), std::move(t.kids[2])});
        term variable = std::move(t.kids[0]);
        t = make_integral(std::move(variable), std::move(body));
        changed = true;
    }
    return changed;
}
} // namespace detail

// The normal form of notation: every expectation written as the integral it stands for, then
// canonical algebra once (not at every rewritten node: this runs after every rule).
constexpr term notation_normal_form(const term& t) {
    term out = t;
    if (detail::expectations_to_integrals(out))
        return canonical(out);
    return out;
}

} // namespace elbocheck::sym
