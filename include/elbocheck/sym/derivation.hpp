#pragma once
// A derivation as data: a start term and steps (relation, next term, cited rules). This is
// what the compile-time builder lowers to and what a reader of Markdown/LaTeX will build at
// run time; check_derivation gives every step its verdict, and describe() words it.

#include "elbocheck/sym/latex.hpp"
#include "elbocheck/sym/step_check.hpp"
#include "elbocheck/sym/text.hpp"

#include <vector>

namespace elbocheck::sym {

struct step_data {
    relation claimed = relation::eq;
    term next;
    std::vector<rule_id> rules;
    // For an inequality: what its gap (larger side minus smaller) equals, when the author
    // says so, e.g. KL(q || p(z | x)) for Jensen's step. Zero or one term.
    std::vector<term> gap;
};

struct derivation_data {
    term start;
    std::vector<step_data> steps;
};

constexpr std::vector<step_verdict> check_derivation(const derivation_data& d) {
    std::vector<step_verdict> out;
    const term* before = &d.start;
    if (form_report start_form = check_form(d.start); !start_form.ok()) {
        // Nothing can follow from a meaningless start: every step inherits the problem.
        for (std::size_t i = 0; i < d.steps.size(); ++i)
            out.push_back({step_status::ill_formed, step_reason::ill_formed, d.steps[i].claimed,
                           rule_id::rearrangement, start_form});
        return out;
    }
    for (const step_data& s : d.steps) {
        out.push_back(check_step(*before, s.claimed, s.next, s.rules));
        before = &s.next;
    }
    return out;
}

// The relation between the start and the end of a derivation, if its steps compose.
constexpr chain_relation overall_relation(const derivation_data& d) {
    chain_relation chain;
    for (const step_data& s : d.steps)
        chain.then(s.claimed);
    return chain;
}

namespace detail {

constexpr text variable_name(const term& t, int id) {
    if (t.is(op::variable) && t.id == id)
        return text(t.latex.view());
    for (const term& k : t.kids)
        if (text n = variable_name(k, id); !n.empty())
            return n;
    return {};
}

// Messages avoid quote characters: GCC prints a message carried in a template argument
// with its quotes escaped, which reads badly.
constexpr text rule_key(rule_id r) {
    return text(info(r).key);
}

constexpr text form_text(const form_report& f, const term& where) {
    const text v = variable_name(where, f.variable);
    switch (f.problem) {
    case form_problem::expectation_needs_density:
        return "an expectation over " + v +
               " is taken with respect to something that is "
               "not a density";
    case form_problem::expectation_variable_not_sampled:
        return "E binds " + v +
               " but the distribution it is drawn from is not a density "
               "over " +
               v;
    case form_problem::density_repeats_variable:
        return "a density names the variable " + v + " twice";
    case form_problem::kl_needs_densities:
        return "a KL divergence takes two densities";
    case form_problem::kl_over_different_variables:
        return "a KL divergence compares densities over different variables";
    case form_problem::depends_on_integrated_variable:
        return "the expression depends on " + v +
               ", which the previous step integrated out (an integral over the wrong "
               "variable, such as dx written for d" +
               v + "?)";
    case form_problem::none:
        break;
    }
    return "well-formed";
}

} // namespace detail

// One line that says what is wrong with step `index` (1-based), or that it is justified.
constexpr text describe(const step_verdict& v, std::size_t index, const step_data& step) {
    text rules;
    for (rule_id r : step.rules)
        rules += (rules.empty() ? "" : ", ") + text(info(r).key);
    if (rules.empty())
        rules = "no rule";
    const text head = "step " + detail::integer_text(static_cast<std::int64_t>(index)) + " (" +
                      text(symbol_of(step.claimed)) + " by " + rules + "): ";
    switch (v.reason) {
    case step_reason::none:
        return head + "justified";
    case step_reason::sides_differ:
        return head + "not justified: the cited rules do not turn the previous expression into "
                      "this one";
    case step_reason::rule_does_not_apply:
        return head + "not justified: rule " + detail::rule_key(v.rule) +
               " does not apply here (its pattern occurs nowhere in the step)";
    case step_reason::relation_mismatch:
        return head + "not justified: rule " + detail::rule_key(v.rule) + " gives " +
               text(symbol_of(v.derived)) + " here, but the step claims " +
               text(symbol_of(step.claimed));
    case step_reason::sign_unknown:
        return head + "not justified: rule " + detail::rule_key(v.rule) +
               " matches only where the sign of the surrounding expression is unknown";
    case step_reason::two_inequalities:
        return head + "not justified: a step may use one inequality at a time";
    case step_reason::ill_formed:
        return head + "ill-formed: " + detail::form_text(v.form, step.next);
    }
    return head;
}

} // namespace elbocheck::sym
