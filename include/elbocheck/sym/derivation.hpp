#pragma once
// A derivation as data: a start term and steps (relation, next term, cited rules). This is
// what the compile-time builder lowers to and what a reader of Markdown/LaTeX will build at
// run time; check_derivation gives every step its verdict, and describe() words it.

#include "elbocheck/sym/latex.hpp"
#include "elbocheck/sym/lemma.hpp"
#include "elbocheck/sym/step_check.hpp"
#include "elbocheck/sym/text.hpp"

#include <vector>

namespace elbocheck::sym {

struct step_data {
    relation claimed = relation::eq;
    term next;
    std::vector<rule_id> rules;
    std::vector<lemma_data> lemmas; // one per rule_id::lemma in rules, in order
    // For an inequality: what its gap (larger side minus smaller) equals, when the author
    // says so, e.g. KL(q || p(z | x)) for Jensen's step. Zero or one term.
    std::vector<term> gap;
    // A document's wrong step is recorded as written, with its correction here (zero or one
    // step); the derivation continues from the correction.
    std::vector<step_data> correction;

    constexpr bool recorded_as_mistake() const { return !correction.empty(); }
    // The term the next step starts from.
    constexpr const term& continues_from() const {
        return correction.empty() ? next : correction.front().next;
    }
};

struct derivation_data {
    term start;
    std::vector<step_data> steps;

    constexpr const term& final_term() const {
        return steps.empty() ? start : steps.back().continues_from();
    }
};

// A step's verdict as written and, for a recorded mistake, its correction's.
struct step_outcome {
    step_verdict written;
    bool has_correction = false;
    step_verdict corrected{};

    // A correct step must be justified; a recorded mistake must not be, and its correction
    // must be.
    constexpr bool as_expected() const {
        return has_correction ? !written.justified() && corrected.justified() : written.justified();
    }
};

// A step is justified when its cited rules take the previous expression to it and, where the
// author states what an inequality's gap equals, when every equality rule takes the larger
// side minus the smaller to that gap: a stated gap is a claim like any other.
constexpr step_verdict check_one(const term& before, const step_data& s) {
    step_verdict v = check_step(before, s.claimed, s.next, s.rules, s.lemmas);
    if (v.justified() && !s.gap.empty() &&
        !stated_gap_holds(before, s.claimed, s.next, s.gap.front())) {
        v.status = step_status::unjustified;
        v.reason = step_reason::wrong_gap;
    }
    return v;
}

// Every step's verdict. A chain relates its start to its end only while its inequalities
// point one way (a >= b = c >= d); the first step that turns the other way (a >= b <= c) is
// not justified as part of the derivation, however true on its own, because the chain then
// proves nothing about its ends.
constexpr std::vector<step_outcome> check_derivation(const derivation_data& d) {
    std::vector<step_outcome> out;
    const term* before = &d.start;
    chain_relation chain;
    for (const step_data& s : d.steps) {
        step_outcome o{check_one(*before, s)};
        if (s.recorded_as_mistake()) {
            o.has_correction = true;
            o.corrected = check_one(*before, s.correction.front());
        }
        const relation direction_so_far = chain.overall;
        const bool related_before = chain.related;
        chain.then(s.recorded_as_mistake() ? s.correction.front().claimed : s.claimed);
        if (related_before && !chain.related) {
            step_verdict& v = o.has_correction ? o.corrected : o.written;
            if (v.justified()) {
                v.status = step_status::unjustified;
                v.reason = step_reason::direction_reversed;
                v.derived = direction_so_far;
            }
        }
        out.push_back(o);
        before = &s.continues_from();
    }
    return out;
}

// The relation between the start and the end of a derivation, if its steps compose. A
// recorded mistake counts with its correction's relation.
constexpr chain_relation overall_relation(const derivation_data& d) {
    chain_relation chain;
    for (const step_data& s : d.steps)
        chain.then(s.recorded_as_mistake() ? s.correction.front().claimed : s.claimed);
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
    case form_problem::expectation_over_joint:
        return "E binds " + v +
               " but draws it from a joint density over more variables; the density of an "
               "expectation must be over exactly " +
               v + " (given anything else)";
    case form_problem::integral_over_absent_variable:
        return "the integral is over " + v + ", which the integrand does not mention (d" + v +
               " written for the variable meant?)";
    case form_problem::guide_draws_observed:
        return "the guide is written as a density over " + v +
               ", the observed variable; it is a density over the latent variables";
    case form_problem::integral_without_variable:
        return "an integral is written without its differential (no dz), so what it "
               "integrates over is not said";
    case form_problem::none:
        break;
    }
    return "well-formed";
}

} // namespace detail

// The rules a step cites, as their keys; a lemma as "lemma name".
constexpr text cited_keys(const step_data& step) {
    text out;
    std::size_t lemma = 0;
    for (rule_id r : step.rules) {
        if (!out.empty())
            out += ", ";
        out += info(r).key;
        if (r == rule_id::lemma && lemma < step.lemmas.size())
            out += text(" ") + step.lemmas[lemma++].name.view();
    }
    if (out.empty())
        out = "no rule";
    return out;
}

// One line that says what is wrong with step `index` (1-based), or that it is justified.
// `label` distinguishes a recorded mistake's correction ("step 4, corrected").
constexpr text describe(const step_verdict& v, std::size_t index, const step_data& step,
                        std::string_view label = "") {
    const text head = "step " + detail::integer_text(static_cast<std::int64_t>(index)) + label +
                      " (" + text(symbol_of(step.claimed)) + " by " + cited_keys(step) + "): ";
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
    case step_reason::wrong_gap: {
        // (An if, not ?:, here: GCC 12 frees a conditional's text twice in constant evaluation.)
        text gap;
        if (!step.gap.empty())
            gap = to_latex(step.gap.front());
        return head + "not justified: the stated gap " + gap +
               " is not the larger side minus the smaller";
    }
    case step_reason::direction_reversed:
        return head + "not justified: the steps before it give " + text(symbol_of(v.derived)) +
               ", so with this step the derivation relates its start to its end by nothing";
    }
    return head;
}

} // namespace elbocheck::sym

namespace elbocheck::sym {

// What is unexpected about step `index` (1-based): a correct step that is not justified, a
// recorded mistake that the checker does not flag, or a correction that is not justified.
constexpr text describe_unexpected(const step_outcome& o, std::size_t index,
                                   const step_data& step) {
    if (!o.has_correction)
        return describe(o.written, index, step);
    if (o.written.justified())
        return "step " + detail::integer_text(static_cast<std::int64_t>(index)) +
               " is recorded as a mistake of its document, but it is justified";
    return describe(o.corrected, index, step.correction.front(), ", corrected");
}

} // namespace elbocheck::sym
