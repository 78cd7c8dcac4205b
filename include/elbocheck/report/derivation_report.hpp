#pragma once
// What a check of one derivation found, step by step: the symbolic verdict and the numeric
// one side by side, what was expected of the step, and for inequalities the gap. Every output
// format (text, JSON, JUnit, Markdown) is written from this one structure.

#include "elbocheck/eval/numeric_step_check.hpp"
#include "elbocheck/sym/derivation_record.hpp"

#include <optional>
#include <string>
#include <vector>

namespace elbocheck::report {

struct step_check {
    sym::relation claimed;
    std::string latex;              // the step's right-hand side
    std::vector<std::string> rules; // keys; a lemma as "lemma:<name>"
    sym::step_verdict symbolic;
    std::string symbolic_message; // describe(): what is wrong, or "justified"
    eval::numeric_step_result numeric;
    std::optional<double> reference_before, reference_after; // values on the reference model
    std::string gap_closed_form_latex;                       // empty when none is stated
    // Whether a side depends on a latent variable left free (then the sides are functions
    // of it and have no single value on the reference model). When both reference values are
    // missing and this is false, the sides are numbers without a closed form.
    bool sides_depend_on_latent = false;
};

struct step_report {
    std::size_t index; // 1-based
    std::string words;
    step_check as_written;
    bool recorded_mistake = false; // expected to fail
    std::string mistake;           // why, when recorded
    std::optional<step_check> correction;

    // A correct step must be justified and must not be refuted numerically; a recorded
    // mistake must be flagged symbolically and must not hold numerically, and its correction
    // must behave as a correct step.
    static bool correct_step_ok(const step_check& c) {
        return c.symbolic.justified() && c.numeric.status != eval::numeric_status::fails;
    }
    bool as_expected() const {
        if (!recorded_mistake)
            return correct_step_ok(as_written);
        return !as_written.symbolic.justified() &&
               as_written.numeric.status != eval::numeric_status::holds && correction &&
               correct_step_ok(*correction);
    }
};

struct derivation_report {
    std::string name, title, document, start_latex;
    std::size_t instances = 0; // model instances every step was evaluated on
    std::vector<step_report> steps;

    bool as_expected() const {
        for (const step_report& s : steps)
            if (!s.as_expected())
                return false;
        return true;
    }
};

namespace detail {

inline std::vector<std::string> rule_keys(const sym::step_data& s) {
    std::vector<std::string> out;
    std::size_t lemma = 0;
    for (sym::rule_id r : s.rules) {
        std::string key(sym::info(r).key);
        if (r == sym::rule_id::lemma && lemma < s.lemmas.size())
            key += ":" + std::string(s.lemmas[lemma++].name.view());
        out.push_back(std::move(key));
    }
    return out;
}

inline std::optional<double> value_on(const eval::model_binding& b, const sym::term& t) {
    const eval::exact_result r = eval::exact_evaluator(b).evaluate(t);
    if (!r.ok())
        return std::nullopt;
    return r.value().scalar();
}

// True when `t` depends on a latent variable it does not integrate out.
inline bool depends_on_free_latent(const sym::term& t) {
    const sym::variable_set free = sym::free_variables(t);
    bool found = false;
    auto visit = [&](auto&& self, const sym::term& u) -> void {
        if (found)
            return;
        if (u.is(sym::op::variable) &&
            u.role == static_cast<std::uint8_t>(sym::variable_role::latent) && free.contains(u.id))
            found = true;
        for (const sym::term& k : u.kids)
            self(self, k);
    };
    visit(visit, t);
    return found;
}

inline step_check check_one(const sym::term& before, const sym::step_data& s,
                            const sym::step_verdict& verdict, std::size_t index,
                            std::string_view label, std::span<const eval::model_binding> instances,
                            const eval::sampling_settings& sampling) {
    step_check c{
        s.claimed,
        sym::to_latex(s.next).str(),
        rule_keys(s),
        verdict,
        sym::describe(verdict, index, s, label).str(),
        eval::check_one_numerically(before, s, instances, eval::default_tolerance, sampling),
        std::nullopt,
        std::nullopt,
        s.gap.empty() ? std::string() : sym::to_latex(s.gap.front()).str(),
        depends_on_free_latent(before) || depends_on_free_latent(s.next)};
    if (!instances.empty()) {
        c.reference_before = value_on(instances.front(), before);
        c.reference_after = value_on(instances.front(), s.next);
    }
    return c;
}

} // namespace detail

// Checks a derivation symbolically and on `instances` (the first is the reference model). Terms
// without a closed form are sampled with `sampling` (numeric_step_check.hpp); their steps say
// so (numeric.by_monte_carlo).
inline derivation_report check(const sym::derivation_record& d,
                               std::span<const eval::model_binding> instances,
                               const eval::sampling_settings& sampling = {}) {
    derivation_report out{std::string(d.about.name),
                          std::string(d.about.title),
                          std::string(d.about.document),
                          sym::to_latex(d.data.start).str(),
                          instances.size(),
                          {}};
    const std::vector<sym::step_outcome> outcomes = sym::check_derivation(d.data);
    const sym::term* before = &d.data.start;
    for (std::size_t i = 0; i < d.data.steps.size(); ++i) {
        const sym::step_data& s = d.data.steps[i];
        step_report r{
            i + 1,
            std::string(d.notes[i].words),
            detail::check_one(*before, s, outcomes[i].written, i + 1, "", instances, sampling),
            s.recorded_as_mistake(),
            std::string(d.notes[i].mistake),
            std::nullopt};
        if (s.recorded_as_mistake())
            r.correction = detail::check_one(*before, s.correction.front(), outcomes[i].corrected,
                                             i + 1, ", corrected", instances, sampling);
        out.steps.push_back(std::move(r));
        before = &s.continues_from();
    }
    return out;
}

} // namespace elbocheck::report
