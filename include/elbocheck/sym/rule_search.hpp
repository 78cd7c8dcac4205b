#pragma once
// The rule search: which catalog rules justify a step whose author cites none (a step read
// from someone's notes), or would justify a step whose citations do not. The answer is a set
// no rule of which can be dropped, found with the same engine that checks cited steps:
// every equality rule is tried together (with each inequality rule in turn, for >= and <=),
// then rules are dropped one at a time while the step stays justified.

#include "elbocheck/sym/step_check.hpp"

#include <array>
#include <vector>

namespace elbocheck::sym {

struct rule_search_result {
    bool found = false;
    std::vector<rule_id> rules; // the cited set that justifies the step, when found
};

namespace detail {

inline constexpr std::array<rule_id, 3> every_inequality_rule{
    rule_id::jensen, rule_id::kl_nonnegative, rule_id::jensen_finite};

// Rules whose only business is to be seen (a/a, a - a, an expectation written as an
// integral): the normal form already proves what they say, so the search names them when the
// step shows what they are about, as an author citing them would.
constexpr void add_visible_rules(const term& before, const term& after,
                                 std::vector<rule_id>& rules) {
    if (visible_in(rule_id::multiply_by_one, before) || visible_in(rule_id::multiply_by_one, after))
        rules.push_back(rule_id::multiply_by_one);
    if (visible_in(rule_id::add_zero, before) || visible_in(rule_id::add_zero, after))
        rules.push_back(rule_id::add_zero);
    const bool expectation_before = contains_kind(before, op::expectation);
    const bool expectation_after = contains_kind(after, op::expectation);
    if (expectation_before != expectation_after &&
        (contains_kind(before, op::integral) || contains_kind(after, op::integral)))
        rules.push_back(expectation_before ? rule_id::expectation_as_integral
                                           : rule_id::integral_as_expectation);
}

constexpr bool justified_by_pool(const term& before, relation claimed, const term& after,
                                 const std::vector<rule_id>& pool) {
    return check_step(before, claimed, after, pool, {}, citation_policy::rules_are_a_pool)
        .justified();
}

// Drops the equality rules of `pool` one at a time while the step stays justified.
constexpr std::vector<rule_id> minimized(const term& before, relation claimed, const term& after,
                                         std::vector<rule_id> pool) {
    for (std::size_t i = 0; i < pool.size();) {
        if (info(pool[i]).kind == rule_kind::inequality) {
            ++i;
            continue;
        }
        std::vector<rule_id> without = pool;
        without.erase(without.begin() + static_cast<std::ptrdiff_t>(i));
        if (justified_by_pool(before, claimed, after, without))
            pool = std::move(without);
        else
            ++i;
    }
    return pool;
}

} // namespace detail

constexpr rule_search_result find_rules(const term& before, relation claimed, const term& after) {
    rule_search_result out;
    std::vector<rule_id> pool(every_rewrite_rule.begin(), every_rewrite_rule.end());
    // Equal sides satisfy any claimed relation; an inequality needs one inequality rule.
    if (detail::justified_by_pool(before, relation::eq, after, pool)) {
        out.rules = detail::minimized(before, relation::eq, after, pool);
    } else if (claimed != relation::eq) {
        for (rule_id inequality : detail::every_inequality_rule) {
            std::vector<rule_id> with = pool;
            with.push_back(inequality);
            if (detail::justified_by_pool(before, claimed, after, with)) {
                out.rules = detail::minimized(before, claimed, after, std::move(with));
                break;
            }
        }
        if (out.rules.empty())
            return out;
    } else {
        return out;
    }
    std::vector<rule_id> cited = out.rules;
    detail::add_visible_rules(before, after, cited);
    // The set as an author would cite it must pass the ordinary check; if naming a visible
    // rule upsets it, the set without it stands.
    if (check_step(before, claimed, after, cited).justified())
        out.rules = std::move(cited);
    out.found = check_step(before, claimed, after, out.rules).justified();
    return out;
}

} // namespace elbocheck::sym
