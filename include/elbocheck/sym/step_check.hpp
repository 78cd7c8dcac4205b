#pragma once
// The rule engine: decides whether one step of a derivation is justified by the rules it
// cites. It is constexpr so that a static_assert and the command-line tool run the very
// same code.
//
// Equality rules are rewrites towards a normal form (rewrites.hpp): both sides are
// normalized under the cited rules and compared in canonical form. An inequality rule
// (Jensen, KL >= 0) is applied at one position of either side whose sign is known — under
// sums, positive factors, log, exp, E and integrals — which fixes the direction of the
// relation it yields. A cited rule that changes nothing is reported: naming a rule that
// does not apply is a mistake of its own.

#include "elbocheck/sym/lemma.hpp"
#include "elbocheck/sym/relation.hpp"
#include "elbocheck/sym/rewrites.hpp"
#include "elbocheck/sym/well_formed.hpp"

#include <array>
#include <span>

namespace elbocheck::sym {

enum class step_status : std::uint8_t { justified, unjustified, ill_formed };

enum class step_reason : std::uint8_t {
    none,
    sides_differ,        // the cited rules do not take one side to the other
    rule_does_not_apply, // a cited rule's pattern occurs nowhere in the step
    relation_mismatch,   // the rules give a different relation than the step claims
    sign_unknown,        // the inequality's pattern occurs only where its sign is unknown
    two_inequalities,    // one step may use at most one inequality
    ill_formed,          // see form
    wrong_gap,           // the stated gap is not the larger side minus the smaller
    direction_reversed,  // >= after <= (or the reverse): the chain relates nothing
};

struct step_verdict {
    step_status status = step_status::justified;
    step_reason reason = step_reason::none;
    relation derived = relation::eq;       // what the rules give (for relation_mismatch)
    rule_id rule = rule_id::rearrangement; // the rule concerned, when there is one
    form_report form{};

    constexpr bool justified() const { return status == step_status::justified; }
    friend constexpr bool operator==(const step_verdict& a, const step_verdict& b) {
        return a.status == b.status && a.reason == b.reason && a.derived == b.derived &&
               a.rule == b.rule && a.form.problem == b.form.problem &&
               a.form.variable == b.form.variable;
    }
};

namespace detail {

// ---- Visible rules: what they are about must be written somewhere in the step ---------

// The factors of a product as written, with the sign of their exponent: a power of a product
// contributes each of its factors ((r q)^-1 is r^-1 q^-1), and an expectation contributes its
// density, as the integral it stands for does (E_q[p / q] is the integral of q p / q).
constexpr void gather_factors(const term& t, int sign, std::vector<term>& bases,
                              std::vector<int>& signs) {
    if (t.is(op::mul)) {
        for (const term& k : t.kids)
            gather_factors(k, sign, bases, signs);
    } else if (t.is(op::power)) {
        gather_factors(t.kids.front(), sign * t.value.sign(), bases, signs);
    } else if (t.is(op::expectation)) {
        gather_factors(sampling_density(t), sign, bases, signs);
        gather_factors(integrand(t), sign, bases, signs);
    } else if (!t.is(op::number)) {
        bases.push_back(canonical(t));
        signs.push_back(sign);
    }
}

constexpr void gather_summands(const term& t, std::vector<term>& rests, std::vector<int>& signs) {
    if (t.is(op::add)) {
        for (const term& k : t.kids)
            gather_summands(k, rests, signs);
        return;
    }
    scaled_term s = split_coefficient(canonical(t));
    if (s.has_rest) {
        rests.push_back(std::move(s.rest));
        signs.push_back(s.coefficient.sign());
    }
}

constexpr bool opposite_pair(const std::vector<term>& items, const std::vector<int>& signs) {
    for (std::size_t i = 0; i < items.size(); ++i)
        for (std::size_t j = i + 1; j < items.size(); ++j)
            if (signs[i] * signs[j] < 0 && same(items[i], items[j]))
                return true;
    return false;
}

// Is there, anywhere in t, a product holding f and 1/f (op::mul; an expectation is the product
// of its density and its integrand) or a sum holding a and -a (op::add)?
constexpr bool has_cancelling_pair(const term& t, op where) {
    const bool product_here = where == op::mul && (t.is(op::mul) || t.is(op::expectation));
    if (product_here || (where == op::add && t.is(op::add))) {
        std::vector<term> items;
        std::vector<int> signs;
        if (where == op::mul)
            gather_factors(t, 1, items, signs);
        else
            gather_summands(t, items, signs);
        if (opposite_pair(items, signs))
            return true;
    }
    if (t.is(op::named))
        return false;
    for (const term& k : t.kids)
        if (has_cancelling_pair(k, where))
            return true;
    return false;
}

constexpr bool contains_kind(const term& t, op kind) {
    if (t.is(kind))
        return true;
    if (t.is(op::named))
        return false;
    for (const term& k : t.kids)
        if (contains_kind(k, kind))
            return true;
    return false;
}

constexpr bool visible_in(rule_id rule, const term& t) {
    switch (rule) {
    case rule_id::multiply_by_one:
        return has_cancelling_pair(t, op::mul);
    case rule_id::add_zero:
        return has_cancelling_pair(t, op::add);
    case rule_id::integral_as_expectation:
    case rule_id::expectation_as_integral:
        // The normal form writes every expectation as its integral; citing the notation says
        // that the step moves between the two, so an expectation must be there to move.
        return contains_kind(t, op::expectation);
    default:
        return true; // rearrangement needs nothing to be visible
    }
}

// ---- Normal forms ----------------------------------------------------------------------

// One item a step cites: a rule, or a lemma (a derivation proved before).
struct cited_item {
    rule_id rule;
    const lemma_data* lemma = nullptr;
    term lemma_start{}; // a lemma's start in canonical form, computed once

    constexpr rule_kind kind() const {
        if (lemma)
            return lemma->rel == relation::eq ? rule_kind::rewrite : rule_kind::inequality;
        return info(rule).kind;
    }
};

// Is t the start of the cited lemma? A symbol is what it is; anything else is compared in
// canonical form (where a sum may collapse to a single term, so kinds are not compared).
constexpr bool is_lemma_start(const cited_item& item, const term& t) {
    const bool symbol =
        t.is(op::variable) || t.is(op::parameter) || t.is(op::number) || t.is(op::named);
    if (symbol)
        return same(t, item.lemma_start);
    return same(canonical(t), item.lemma_start);
}

// A lemma used as a rewrite: the subterm equal to its start becomes its end.
constexpr bool rewrite_by_lemma(const cited_item& item, term& node) {
    if (!is_lemma_start(item, node))
        return false;
    node = item.lemma->to;
    return true;
}

// Rewrites t everywhere by the item; `observe` sees each rewritten node before canonical
// algebra folds it (so that KL(q || q) is seen to become E_q[log(q / q)] on its way to 0).
template <class Observe>
constexpr bool rewrite_item_everywhere(const cited_item& item, term& t, const Observe& observe) {
    if (item.lemma)
        return rewrite_everywhere_by([&item](term& node) { return rewrite_by_lemma(item, node); },
                                     t);
    return rewrite_everywhere_by(
        [&item, &observe](term& node) {
            if (!rewrite_here(item.rule, node))
                return false;
            observe(node);
            return true;
        },
        t);
}

// The summands of a canonical sum (a lone term is a sum of one).
constexpr std::vector<term> summands_of(const term& t) {
    if (t.is(op::add))
        return t.kids;
    return {t};
}

constexpr bool contains_where(const term& t, rule_id rule) {
    if (may_rewrite_at(rule, t))
        return true;
    if (t.is(op::named))
        return false;
    for (const term& k : t.kids)
        if (contains_where(k, rule))
            return true;
    return false;
}

struct cited_rules {
    std::vector<cited_item> items;
    std::vector<char> fired; // per item (vector<bool> is not constexpr-safe on GCC 12)
    // Per rewrite item: the kind of node it rewrites occurred in the step as written or on the
    // way to its normal form. For a justified step this is what a citation must meet: the
    // normal form may reach the end by another route (canonical algebra folds q / q before
    // log_of_quotient could split it), and the author's route is as good.
    std::vector<char> present;

    constexpr cited_rules(std::span<const rule_id> rules, std::span<const lemma_data> lemmas) {
        std::size_t next_lemma = 0;
        for (rule_id r : rules) {
            const lemma_data* l = nullptr;
            if (r == rule_id::lemma && next_lemma < lemmas.size())
                l = &lemmas[next_lemma++];
            items.push_back({r, l});
            if (l) // (not ?: : GCC 12 mishandles a conditional's term in constant evaluation)
                items.back().lemma_start = canonical(l->from);
        }
        fired.assign(items.size(), false);
        present.assign(items.size(), false);
    }

    constexpr std::size_t count(rule_kind k) const {
        std::size_t n = 0;
        for (const cited_item& i : items)
            n += i.kind() == k;
        return n;
    }
    // The index of the n-th item of kind k.
    constexpr std::size_t nth(rule_kind k, std::size_t n) const {
        for (std::size_t i = 0; i < items.size(); ++i)
            if (items[i].kind() == k && n-- == 0)
                return i;
        return items.size();
    }

    constexpr void look_for_visible(const term& t) {
        for (std::size_t i = 0; i < items.size(); ++i)
            if (!fired[i] && items[i].kind() == rule_kind::visible && visible_in(items[i].rule, t))
                fired[i] = true;
    }

    // A cited rewrite counts as used when it applies to the step as written, even where the
    // normal form would not need it (E_p[0] = 0 by expectation_of_constant: canonical algebra
    // already drops the expectation of zero).
    // Each rewrite is also tried once on the step as written, and what it produces is looked at
    // before canonical algebra folds it (KL(q || q) becomes E_q[log(q / q)]: a log of a quotient).
    constexpr void look_for_applicable(const term& written) {
        for (std::size_t i = 0; i < items.size(); ++i) {
            if (items[i].kind() != rule_kind::rewrite || (items[i].lemma && lemmas_as_relations))
                continue;
            if (!items[i].lemma && !contains_where(written, items[i].rule))
                continue;
            term scratch = written;
            const bool applies = rewrite_item_everywhere(
                items[i], scratch, [this](const term& raw) { look_for_present(raw); });
            fired[i] = fired[i] || applies;
        }
    }

    // The normal form of t under the cited rewrites, recording which of them fired.
    // Each pass applies every rewrite everywhere, then writes expectations as integrals
    // (notation, always); passes repeat until nothing changes (a bound on passes guards
    // against a rule set that would cycle).
    // Equality lemmas as relations rather than rewrites: a lemma from = to says that
    // from - to is zero, so it justifies any step whose sides differ, in normal form, by a
    // rational multiple of from - to (its start need not be written as such: the step may hold
    // E[log(a / b)] where the lemma starts from E[log a] - E[log b]). Several lemmas combine.
    bool lemmas_as_relations = false;

    constexpr std::size_t count_lemmas() const {
        std::size_t n = 0;
        for (const cited_item& i : items)
            n += i.lemma != nullptr;
        return n;
    }

    constexpr bool closes_by_lemmas(const term& before, const term& after) {
        term residual = canonical(make_difference(normalize(before), normalize(after)));
        for (std::size_t i = 0; i < items.size() && !residual.is_number(0); ++i) {
            if (!items[i].lemma || items[i].lemma->rel != relation::eq)
                continue;
            const term relation_zero = canonical(
                make_difference(normalize(items[i].lemma->from), normalize(items[i].lemma->to)));
            if (relation_zero.is_number(0))
                continue;
            // The multiple: compare the coefficients of one summand of the lemma's relation.
            const scaled_term key = split_coefficient(summands_of(relation_zero).front());
            for (const term& summand : summands_of(residual)) {
                const scaled_term mine = split_coefficient(summand);
                if (!key.has_rest || !mine.has_rest || !same(mine.rest, key.rest))
                    continue;
                const rational multiple = mine.coefficient / key.coefficient;
                residual = canonical(make_difference(
                    residual, make_product({make_number(multiple), relation_zero})));
                fired[i] = true;
                break;
            }
        }
        return residual.is_number(0);
    }

    constexpr void mark_fired(rule_id rule) {
        for (std::size_t i = 0; i < items.size(); ++i)
            if (!items[i].lemma && items[i].rule == rule)
                fired[i] = true;
    }

    constexpr void look_for_present(const term& t) {
        for (std::size_t i = 0; i < items.size(); ++i)
            if (!present[i] && !items[i].lemma && items[i].kind() == rule_kind::rewrite)
                present[i] = contains_where(t, items[i].rule);
    }

    constexpr term normalize(const term& t) {
        look_for_visible(t);
        look_for_applicable(t);
        look_for_present(t);
        term current = notation_normal_form(canonical(t));
        for (int pass = 0; pass < 16; ++pass) {
            bool changed = false;
            for (std::size_t i = 0; i < items.size(); ++i) {
                if (items[i].kind() != rule_kind::rewrite ||
                    (items[i].lemma && lemmas_as_relations))
                    continue;
                // Most rules find nothing to do on most passes: a look for their kind of node
                // spares copying the whole term for them.
                if (!items[i].lemma && !contains_where(current, items[i].rule))
                    continue;
                term next = current;
                if (!rewrite_item_everywhere(items[i], next,
                                             [this](const term& raw) { look_for_present(raw); }))
                    continue;
                look_for_visible(next);
                next = notation_normal_form(canonical(next));
                if (same(next, current))
                    continue;
                fired[i] = true;
                current = std::move(next);
                changed = true;
            }
            if (!changed)
                break;
        }
        return current;
    }

    // Whether item i, or another item citing the same statement under another name, fired.
    constexpr bool statement_fired(std::size_t i) const {
        for (std::size_t j = 0; j < items.size(); ++j)
            if (fired[j] && !items[j].lemma && !items[i].lemma &&
                statement_of(items[j].rule) == statement_of(items[i].rule))
                return true;
        return fired[i];
    }

    // The first cited equality item that never fired, if any.
    constexpr bool all_fired(std::size_t& idle) const {
        for (std::size_t i = 0; i < items.size(); ++i)
            if (items[i].kind() != rule_kind::inequality && !statement_fired(i)) {
                idle = i;
                return false;
            }
        return true;
    }

    // For a justified step: the first cited equality item that neither fired nor met its kind
    // of node anywhere on the way, if any (a citation of something the step is not about).
    constexpr bool all_relevant(std::size_t& idle) const {
        for (std::size_t i = 0; i < items.size(); ++i) {
            const bool weakly_met = items[i].kind() == rule_kind::rewrite && present[i];
            if (items[i].kind() != rule_kind::inequality && !statement_fired(i) && !weakly_met) {
                idle = i;
                return false;
            }
        }
        return true;
    }
};

// ---- Inequality positions --------------------------------------------------------------

struct position {
    std::vector<std::uint32_t> path;
    int sign; // +1: the subterm enters increasingly, -1: decreasingly, 0: unknown
};

// log(sum_k lambda_k a_k) with lambda_k > 0 summing to 1 and at least two terms: the
// weights and terms of the canonical sum, or false.
constexpr bool weighted_average(const term& log_node, std::vector<scaled_term>& parts) {
    if (!log_node.is(op::log))
        return false;
    const term arg = canonical(log_node.kids[0]);
    if (!arg.is(op::add) || arg.kids.size() < 2)
        return false;
    rational total{0};
    parts.clear();
    for (const term& s : arg.kids) {
        scaled_term part = split_coefficient(s);
        if (!part.has_rest || part.coefficient.sign() <= 0)
            return false;
        total = total + part.coefficient;
        parts.push_back(std::move(part));
    }
    return total.is_one();
}

// One way an inequality applies at a subterm: what the subterm becomes, and whether it got
// there by multiplying by one first (d / d, for Jensen against a density d not yet written).
struct inequality_result {
    term result;
    bool multiplies_by_one = false;
};

// The densities over exactly v written anywhere in t (as factors or as an expectation's
// measure), each once.
constexpr void densities_over(const term& t, int v, std::vector<term>& out) {
    if (t.is(op::density)) {
        if (t.given == 1 && t.kids[0].id == v) {
            for (const term& seen : out)
                if (same(seen, t))
                    return;
            out.push_back(t);
        }
        return;
    }
    if (t.is(op::named))
        return;
    for (const term& k : t.kids)
        densities_over(k, v, out);
}

// Jensen's inequality, log of a mean >= mean of the log, for every way t is the log of a
// mean: log E_{v ~ d}[f] >= E_{v ~ d}[log f], and, on the integral the expectation stands for,
// log of the integral of d f over v >= the integral of d log f over v, for each factor d of the
// integrand that is a density over exactly v (its measure; d then need not be written first).
// With `other_side`, also for each density d over v that the other side of the step writes:
// log of the integral of g >= the integral of d log(g / d), Jensen after multiplying by d / d.
constexpr std::vector<inequality_result> jensen_results(const term& t, const term* other_side) {
    std::vector<inequality_result> out;
    if (!t.is(op::log))
        return out;
    const term& mean = t.kids[0];
    if (mean.is(op::expectation)) {
        out.push_back({make_expectation(bound_variable(mean), sampling_density(mean),
                                        make_log(integrand(mean)))});
        return out;
    }
    if (!mean.is(op::integral))
        return out;
    const int v = bound_variable(mean).id;
    const std::vector<term> factors = factors_of(integrand(mean));
    for (std::size_t i = 0; i < factors.size(); ++i) {
        const term& d = factors[i];
        if (!d.is(op::density) || d.given != 1 || d.kids[0].id != v)
            continue;
        std::vector<term> rest;
        for (std::size_t j = 0; j < factors.size(); ++j)
            if (j != i)
                rest.push_back(factors[j]);
        out.push_back({make_integral(bound_variable(mean),
                                     make_product({d, make_log(product_of(std::move(rest)))}))});
    }
    if (other_side) {
        std::vector<term> measures;
        densities_over(*other_side, v, measures);
        for (const term& d : measures)
            out.push_back(
                {make_integral(bound_variable(mean),
                               make_product({d, make_log(make_quotient(integrand(mean), d))})),
                 true});
    }
    return out;
}

// What the cited inequality turns t into ("t R result"), one entry per way it applies; empty
// where it does not apply at t. A lemma's start becomes its end; KL(q || p) becomes 0.
constexpr std::vector<inequality_result> inequality_results(const cited_item& item, const term& t,
                                                            const term* other_side = nullptr) {
    if (item.lemma) {
        if (is_lemma_start(item, t))
            return {{item.lemma->to}};
        return {};
    }
    switch (item.rule) {
    case rule_id::jensen:
        return jensen_results(t, other_side);
    case rule_id::jensen_finite: {
        std::vector<scaled_term> parts;
        if (!weighted_average(t, parts))
            return {};
        std::vector<term> logs;
        for (scaled_term& p : parts)
            logs.push_back(make_product({make_number(p.coefficient), make_log(std::move(p.rest))}));
        return {{make_sum(std::move(logs))}};
    }
    case rule_id::kl_nonnegative:
        if (t.is(op::kl))
            return {{make_number(0)}};
        return {};
    default:
        return {};
    }
}
constexpr relation inequality_relation(const cited_item& item) {
    return item.lemma ? item.lemma->rel : relation::ge;
}

// Factors that keep the direction of an inequality under them (nonnegative parameters too:
// a >= b implies c a >= c b for c >= 0).
constexpr bool known_positive(const term& t) {
    return t.is(op::density) || t.is(op::exp) || (t.is(op::number) && t.value.sign() > 0) ||
           (t.is(op::parameter) && t.role != static_cast<std::uint8_t>(parameter_sign::any));
}

constexpr void find_positions(const cited_item& rule, const term& t, int sign,
                              std::vector<std::uint32_t>& path, std::vector<position>& out) {
    if (!inequality_results(rule, t).empty())
        out.push_back({path, sign});
    auto visit = [&](std::uint32_t i, int kid_sign) {
        path.push_back(i);
        find_positions(rule, t.kids[i], kid_sign, path, out);
        path.pop_back();
    };
    switch (t.kind) {
    case op::add:
    case op::log:
    case op::exp:
        for (std::uint32_t i = 0; i < t.kids.size(); ++i)
            visit(i, sign);
        break;
    case op::mul:
        for (std::uint32_t i = 0; i < t.kids.size(); ++i) {
            int kid_sign = sign;
            for (std::uint32_t j = 0; j < t.kids.size(); ++j) {
                if (j == i)
                    continue;
                const term& other = t.kids[j];
                if (other.is(op::number))
                    kid_sign *= other.value.sign();
                else if (!known_positive(other))
                    kid_sign = 0;
            }
            visit(i, kid_sign);
        }
        break;
    case op::expectation:
    case op::integral: // integration against a positive measure is monotone
        visit(static_cast<std::uint32_t>(t.kids.size() - 1), sign);
        break;
    case op::power:
        visit(0, 0);
        break;
    default:
        break;
    }
}

constexpr term replaced_at(const term& t, std::span<const std::uint32_t> path, const term& with) {
    if (path.empty())
        return with;
    term out = t;
    out.kids[path.front()] = replaced_at(t.kids[path.front()], path.subspan(1), with);
    return out;
}

} // namespace detail

// Whether every cited rule must have something to do in the step (an author's citation), or
// the rules are a pool the step may draw on (the rule search of rule_search.hpp).
enum class citation_policy : std::uint8_t { every_rule_used, rules_are_a_pool };

constexpr step_verdict check_step(const term& before, relation claimed, const term& after,
                                  std::span<const rule_id> rules,
                                  std::span<const lemma_data> lemmas = {},
                                  citation_policy policy = citation_policy::every_rule_used) {
    const bool every_rule_used = policy == citation_policy::every_rule_used;
    if (form_report form = check_form(before); !form.ok())
        return {step_status::ill_formed, step_reason::ill_formed, claimed, rule_id::rearrangement,
                form};
    if (form_report form = check_step_form(before, after); !form.ok())
        return {step_status::ill_formed, step_reason::ill_formed, claimed, rule_id::rearrangement,
                form};

    detail::cited_rules cited(rules, lemmas);
    const rule_id first_cited = rules.empty() ? rule_id::rearrangement : rules.front();
    if (cited.count(rule_kind::inequality) > 1)
        return {step_status::unjustified,
                step_reason::two_inequalities,
                claimed,
                cited.items[cited.nth(rule_kind::inequality, 1)].rule,
                {}};

    auto fail = [&](step_reason why, relation derived, rule_id rule) {
        return step_verdict{step_status::unjustified, why, derived, rule, {}};
    };
    auto succeed = [&](relation derived, const detail::cited_rules& used) {
        std::size_t idle = 0;
        if (every_rule_used && !used.all_relevant(idle))
            return step_verdict{step_status::unjustified,
                                step_reason::rule_does_not_apply,
                                derived,
                                used.items[idle].rule,
                                {}};
        return step_verdict{step_status::justified, step_reason::none, derived, first_cited, {}};
    };

    if (cited.count(rule_kind::inequality) == 0) {
        const term lhs = cited.normalize(before);
        const term rhs = cited.normalize(after);
        if (!same(lhs, rhs) && cited.count_lemmas() > 0) {
            detail::cited_rules relations(rules, lemmas);
            relations.lemmas_as_relations = true;
            if (relations.closes_by_lemmas(before, after))
                return succeed(relation::eq, relations);
        }
        if (!same(lhs, rhs)) {
            // A cited rule that never applied is the more useful thing to say.
            std::size_t idle = 0;
            if (every_rule_used && !cited.all_fired(idle))
                return fail(step_reason::rule_does_not_apply, relation::eq, cited.items[idle].rule);
            return fail(step_reason::sides_differ, relation::eq, first_cited);
        }
        // Equal sides also satisfy a claimed >= or <=; the claim is weaker, not false.
        return succeed(relation::eq, cited);
    }

    const std::size_t inequality_index = cited.nth(rule_kind::inequality, 0);
    const detail::cited_item& inequality = cited.items[inequality_index];
    bool matched = false, signed_match = false, mismatch = false;
    relation mismatch_relation = relation::eq;
    // Forward: before R candidate, with candidate ~ after. Backward: after R candidate, with
    // candidate ~ before, so before flipped(R) after.
    // The inequality's pattern is looked for in each side as written and in its normal form
    // under the cited equalities (so that, say, a definition unfolded exposes a lemma's start).
    for (int attempt_side = 0; attempt_side < 4; ++attempt_side) {
        const bool backward = attempt_side % 2 == 1;
        const term& written = backward ? after : before;
        const term& target = backward ? before : after;
        term normalized;
        if (attempt_side >= 2) {
            detail::cited_rules scratch(rules, lemmas);
            normalized = scratch.normalize(written);
        }
        const term& source = attempt_side >= 2 ? normalized : written;
        // The other side's normal form is the same for every candidate: computed once, with
        // the rules it used carried into each attempt.
        detail::cited_rules target_rules(rules, lemmas);
        const term target_normal = target_rules.normalize(target);
        std::vector<detail::position> positions;
        std::vector<std::uint32_t> path;
        detail::find_positions(inequality, source, +1, path, positions);
        for (const detail::position& at : positions) {
            matched = true;
            if (at.sign == 0)
                continue;
            signed_match = true;
            const term* node = &source;
            for (std::uint32_t i : at.path)
                node = &node->kids[i];
            relation derived = detail::inequality_relation(inequality);
            if (at.sign < 0)
                derived = flipped(derived);
            if (backward)
                derived = flipped(derived);
            for (const detail::inequality_result& result :
                 detail::inequality_results(inequality, *node, &target)) {
                const term candidate = detail::replaced_at(source, at.path, result.result);
                detail::cited_rules attempt(rules, lemmas);
                attempt.fired = target_rules.fired;
                attempt.present = target_rules.present;
                if (result.multiplies_by_one)
                    attempt.mark_fired(rule_id::multiply_by_one);
                attempt.fired[inequality_index] = true;
                if (!same(attempt.normalize(candidate), target_normal))
                    continue;
                if (derived == claimed)
                    return succeed(derived, attempt);
                mismatch = true;
                mismatch_relation = derived;
            }
        }
    }
    if (mismatch)
        return fail(step_reason::relation_mismatch, mismatch_relation, inequality.rule);
    if (!matched)
        return fail(step_reason::rule_does_not_apply, claimed, inequality.rule);
    if (!signed_match)
        return fail(step_reason::sign_unknown, claimed, inequality.rule);
    return fail(step_reason::sides_differ, claimed, inequality.rule);
}

// ---- Equality under every rule ---------------------------------------------------------

// Every equality rule of the catalog that rewrites (each statement once: chain_rule stands for
// Bayes' rule too, log_of_product for log_of_quotient).
inline constexpr std::array<rule_id, 8> every_rewrite_rule{
    rule_id::definition,     rule_id::marginalization, rule_id::chain_rule,
    rule_id::log_of_product, rule_id::linearity,       rule_id::expectation_of_constant,
    rule_id::normalization,  rule_id::kl_definition};

// The normal form of t under every equality rule: what a step needs no citation to know is
// equal, used where the author states a value rather than a step (an inequality's gap).
constexpr term normal_form_under_every_rule(const term& t) {
    detail::cited_rules all(every_rewrite_rule, {});
    return all.normalize(t);
}

constexpr bool equal_under_every_rule(const term& a, const term& b) {
    return same(normal_form_under_every_rule(a), normal_form_under_every_rule(b));
}

// Does the stated gap of a step equal its larger side minus its smaller one?
constexpr bool stated_gap_holds(const term& before, relation claimed, const term& after,
                                const term& gap) {
    const bool after_is_larger = claimed == relation::le;
    const term difference =
        make_difference(after_is_larger ? after : before, after_is_larger ? before : after);
    // Most stated gaps are what is left once the sides' common terms cancel: algebra decides
    // those without unfolding anything.
    return equal_canonically(difference, gap) || equal_under_every_rule(difference, gap);
}

} // namespace elbocheck::sym
