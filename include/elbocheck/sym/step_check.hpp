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

struct cited_rules {
    std::vector<rule_id> rewrites;
    std::vector<rule_id> visible;
    std::vector<rule_id> inequalities;
    std::array<bool, rule_count> fired{};

    constexpr explicit cited_rules(std::span<const rule_id> rules) {
        for (rule_id r : rules) {
            switch (info(r).kind) {
            case rule_kind::rewrite:
                rewrites.push_back(r);
                break;
            case rule_kind::visible:
                visible.push_back(r);
                break;
            case rule_kind::inequality:
                inequalities.push_back(r);
                break;
            }
        }
    }

    constexpr void look_for_visible(const term& t) {
        for (rule_id r : visible)
            if (!fired[static_cast<std::size_t>(r)] && visible_in(r, t))
                fired[static_cast<std::size_t>(r)] = true;
    }

    // The normal form of t under the cited rewrites, recording which of them fired.
    // Each pass applies every rewrite everywhere; passes repeat until nothing changes
    // (a bound on passes guards against a rule set that would cycle).
    constexpr term normalize(const term& t) {
        look_for_visible(t);
        term current = canonical(t);
        for (int pass = 0; pass < 16; ++pass) {
            bool changed = false;
            for (rule_id r : rewrites) {
                term next = current;
                if (!rewrite_everywhere(r, next))
                    continue;
                look_for_visible(next);
                next = canonical(next);
                if (same(next, current))
                    continue;
                fired[static_cast<std::size_t>(r)] = true;
                current = std::move(next);
                changed = true;
            }
            if (!changed)
                break;
        }
        return current;
    }

    // The first cited equality rule that never fired, if any.
    constexpr bool all_fired(rule_id& idle) const {
        for (const auto& group : {rewrites, visible})
            for (rule_id r : group)
                if (!fired[static_cast<std::size_t>(r)]) {
                    idle = r;
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

constexpr bool inequality_matches(rule_id rule, const term& t) {
    if (rule == rule_id::jensen)
        return t.is(op::log) && t.kids[0].is(op::expectation);
    return rule == rule_id::kl_nonnegative && t.is(op::kl);
}

// The smaller side of the inequality, which replaces the matched subterm.
constexpr term inequality_result(rule_id rule, const term& t) {
    if (rule == rule_id::jensen) {
        const term& e = t.kids[0];
        return make_expectation(e.kids[0], e.kids[1], make_log(e.kids[2]));
    }
    return make_number(0);
}

constexpr bool known_positive(const term& t) {
    return t.is(op::density) || t.is(op::exp) || (t.is(op::number) && t.value.sign() > 0);
}

constexpr void find_positions(rule_id rule, const term& t, int sign,
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
                                  std::span<const rule_id> rules) {
    if (form_report form = check_step_form(before, after); !form.ok())
        return {step_status::ill_formed, step_reason::ill_formed, claimed, rule_id::rearrangement,
                form};

    detail::cited_rules cited(rules);
    const rule_id first_cited = rules.empty() ? rule_id::rearrangement : rules.front();
    if (cited.inequalities.size() > 1)
        return {step_status::unjustified,
                step_reason::two_inequalities,
                claimed,
                cited.inequalities[1],
                {}};

    auto fail = [&](step_reason why, relation derived, rule_id rule) {
        return step_verdict{step_status::unjustified, why, derived, rule, {}};
    };
    auto succeed = [&](relation derived, const detail::cited_rules& used) {
        rule_id idle{};
        if (!used.all_fired(idle))
            return step_verdict{
                step_status::unjustified, step_reason::rule_does_not_apply, derived, idle, {}};
        return step_verdict{step_status::justified, step_reason::none, derived, first_cited, {}};
    };

    if (cited.inequalities.empty()) {
        const term lhs = cited.normalize(before);
        const term rhs = cited.normalize(after);
        if (!same(lhs, rhs)) {
            // A cited rule that never applied is the more useful thing to say.
            rule_id idle{};
            if (!cited.all_fired(idle))
                return fail(step_reason::rule_does_not_apply, relation::eq, idle);
            return fail(step_reason::sides_differ, relation::eq, first_cited);
        }
        // Equal sides also satisfy a claimed >= or <=; the claim is weaker, not false.
        return succeed(relation::eq, cited);
    }

    const rule_id inequality = cited.inequalities.front();
    bool matched = false, signed_match = false, mismatch = false;
    relation mismatch_relation = relation::eq;
    // Forward: before R candidate, with candidate ~ after. Backward: after R candidate, with
    // candidate ~ before, so before flipped(R) after.
    for (int backward = 0; backward < 2; ++backward) {
        const term& source = backward ? after : before;
        const term& target = backward ? before : after;
        std::vector<detail::position> positions;
        std::vector<std::uint32_t> path;
        detail::find_positions(inequality, source, +1, path, positions);
        for (const detail::position& at : positions) {
            matched = true;
            if (at.sign == 0)
                continue;
            signed_match = true;
            const term& matched_term = [&]() -> const term& {
                const term* node = &source;
                for (std::uint32_t i : at.path)
                    node = &node->kids[i];
                return *node;
            }();
            const term candidate = detail::replaced_at(
                source, at.path, detail::inequality_result(inequality, matched_term));
            relation derived = at.sign > 0 ? relation::ge : relation::le;
            if (backward)
                derived = flipped(derived);
            detail::cited_rules attempt(rules);
            attempt.fired[static_cast<std::size_t>(inequality)] = true;
            if (!same(attempt.normalize(candidate), attempt.normalize(target)))
                continue;
            if (derived == claimed)
                return succeed(derived, attempt);
            mismatch = true;
            mismatch_relation = derived;
        }
    }
    if (mismatch)
        return fail(step_reason::relation_mismatch, mismatch_relation, inequality);
    if (!matched)
        return fail(step_reason::rule_does_not_apply, claimed, inequality);
    if (!signed_match)
        return fail(step_reason::sign_unknown, claimed, inequality);
    return fail(step_reason::sides_differ, claimed, inequality);
}

} // namespace elbocheck::sym
