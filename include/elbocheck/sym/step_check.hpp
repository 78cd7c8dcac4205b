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

// ---- Visible rules: the cancelling pair must be written somewhere in the step ----------

constexpr void gather_factors(const term& t, std::vector<term>& bases, std::vector<int>& signs) {
    if (t.is(op::mul)) {
        for (const term& k : t.kids)
            gather_factors(k, bases, signs);
    } else if (t.is(op::power)) {
        bases.push_back(canonical(t.kids.front()));
        signs.push_back(t.value.sign());
    } else if (!t.is(op::number)) {
        bases.push_back(canonical(t));
        signs.push_back(1);
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

// Is there, anywhere in t, a product holding f and 1/f (op::mul) or a sum holding a and
// -a (op::add)?
constexpr bool has_cancelling_pair(const term& t, op where) {
    if (t.is(where)) {
        std::vector<term> items;
        std::vector<int> signs;
        if (where == op::mul)
            gather_factors(t, items, signs);
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

constexpr bool visible_in(rule_id rule, const term& t) {
    switch (rule) {
    case rule_id::multiply_by_one:
        return has_cancelling_pair(t, op::mul);
    case rule_id::add_zero:
        return has_cancelling_pair(t, op::add);
    default:
        return true; // rearrangement needs nothing to be visible
    }
}

// ---- Normal forms ----------------------------------------------------------------------

// One item a step cites: a rule, or a lemma (a derivation proved before).
struct cited_item {
    rule_id rule;
    const lemma_data* lemma = nullptr;

    constexpr rule_kind kind() const {
        if (lemma)
            return lemma->rel == relation::eq ? rule_kind::rewrite : rule_kind::inequality;
        return info(rule).kind;
    }
};

// A lemma used as a rewrite: the subterm equal to its start becomes its end.
constexpr bool rewrite_by_lemma(const lemma_data& l, term& node) {
    if (!same(canonical(node), canonical(l.from)))
        return false;
    node = l.to;
    return true;
}

constexpr bool rewrite_item_everywhere(const cited_item& item, term& t) {
    if (item.lemma)
        return rewrite_everywhere_by(
            [&item](term& node) { return rewrite_by_lemma(*item.lemma, node); }, t);
    return rewrite_everywhere(item.rule, t);
}

struct cited_rules {
    std::vector<cited_item> items;
    std::vector<char> fired; // per item (vector<bool> is not constexpr-safe on GCC 12)

    constexpr cited_rules(std::span<const rule_id> rules, std::span<const lemma_data> lemmas) {
        std::size_t next_lemma = 0;
        for (rule_id r : rules) {
            const lemma_data* l = nullptr;
            if (r == rule_id::lemma && next_lemma < lemmas.size())
                l = &lemmas[next_lemma++];
            items.push_back({r, l});
        }
        fired.assign(items.size(), false);
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

    // The normal form of t under the cited rewrites, recording which of them fired.
    // Each pass applies every rewrite everywhere; passes repeat until nothing changes
    // (a bound on passes guards against a rule set that would cycle).
    constexpr term normalize(const term& t) {
        look_for_visible(t);
        term current = canonical(t);
        for (int pass = 0; pass < 16; ++pass) {
            bool changed = false;
            for (std::size_t i = 0; i < items.size(); ++i) {
                if (items[i].kind() != rule_kind::rewrite)
                    continue;
                term next = current;
                if (!rewrite_item_everywhere(items[i], next))
                    continue;
                look_for_visible(next);
                next = canonical(next);
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

    // The first cited equality item that never fired, if any.
    constexpr bool all_fired(std::size_t& idle) const {
        for (std::size_t i = 0; i < items.size(); ++i)
            if (items[i].kind() != rule_kind::inequality && !fired[i]) {
                idle = i;
                return false;
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

constexpr bool inequality_matches(const cited_item& item, const term& t) {
    if (item.lemma)
        return same(canonical(t), canonical(item.lemma->from));
    if (item.rule == rule_id::jensen)
        return t.is(op::log) && t.kids[0].is(op::expectation);
    if (item.rule == rule_id::jensen_finite) {
        std::vector<scaled_term> parts;
        return weighted_average(t, parts);
    }
    return item.rule == rule_id::kl_nonnegative && t.is(op::kl);
}

// The other side of the inequality, which replaces the matched subterm, and the relation
// "matched R result" (>= for Jensen and KL >= 0; a lemma's own relation).
constexpr term inequality_result(const cited_item& item, const term& t) {
    if (item.lemma)
        return item.lemma->to;
    if (item.rule == rule_id::jensen) {
        const term& e = t.kids[0];
        return make_expectation(e.kids[0], e.kids[1], make_log(e.kids[2]));
    }
    if (item.rule == rule_id::jensen_finite) {
        std::vector<scaled_term> parts;
        weighted_average(t, parts);
        std::vector<term> logs;
        for (scaled_term& p : parts)
            logs.push_back(make_product({make_number(p.coefficient), make_log(std::move(p.rest))}));
        return make_sum(std::move(logs));
    }
    return make_number(0);
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
    if (inequality_matches(rule, t))
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

constexpr step_verdict check_step(const term& before, relation claimed, const term& after,
                                  std::span<const rule_id> rules,
                                  std::span<const lemma_data> lemmas = {}) {
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
        if (!used.all_fired(idle))
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
        if (!same(lhs, rhs)) {
            // A cited rule that never applied is the more useful thing to say.
            std::size_t idle = 0;
            if (!cited.all_fired(idle))
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
            const term candidate =
                detail::replaced_at(source, at.path, detail::inequality_result(inequality, *node));
            relation derived = detail::inequality_relation(inequality);
            if (at.sign < 0)
                derived = flipped(derived);
            if (backward)
                derived = flipped(derived);
            detail::cited_rules attempt(rules, lemmas);
            attempt.fired[inequality_index] = true;
            if (!same(attempt.normalize(candidate), attempt.normalize(target)))
                continue;
            if (derived == claimed)
                return succeed(derived, attempt);
            mismatch = true;
            mismatch_relation = derived;
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

} // namespace elbocheck::sym
