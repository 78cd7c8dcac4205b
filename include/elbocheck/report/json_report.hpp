#pragma once
// The JSON report, a contract other tools rely on (docs/report.schema.json states it):
//
// {"derivations":[{"name","document","verdict":"pass|fail","steps":[{"index","relation",
//   "latex","rule","symbolic":"justified|unjustified|ill-formed",
//   "numeric":"holds|fails|not-evaluated","max_abs_error","instances","failing",
//   "not_evaluable","expected":"pass|fail","gap":{"min","max","equals","max_abs_error"}}]}]}
//
// `instances` counts the models both sides were evaluated on, `failing` those among them that
// refute the step, `not_evaluable` those where a side had no value (a divergent E_q[q / p]): a
// step "fails" when failing > 0, "holds" when failing = 0 < instances, and is "not-evaluated"
// only when instances = 0.
// `latex` is the step's right-hand side; `max_abs_error` of an inequality is its largest
// violation (0 when it holds) and null when the step was not evaluated; `gap` appears on
// inequalities only, with `equals` the LaTeX of what the step says the gap is (or null).
// Fields beyond the contract (words, messages, the correction of a recorded mistake) are
// additions that a reader may ignore.

#include "elbocheck/report/derivation_report.hpp"
#include "elbocheck/report/names.hpp"

#include <cmath>
#include <nlohmann/json.hpp>

namespace elbocheck::report {

namespace detail {

inline nlohmann::json number_or_null(double v) {
    return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}

inline nlohmann::json step_fields(const step_check& c) {
    const bool evaluated = c.numeric.status != eval::numeric_status::not_evaluated;
    nlohmann::json j{
        {"relation", std::string(sym::symbol_of(c.claimed))},
        {"latex", c.latex},
        {"rule", joined(c.rules)},
        {"rules", c.rules},
        {"symbolic", std::string(symbolic_word(c.symbolic.status))},
        {"symbolic_message", c.symbolic_message},
        {"numeric", std::string(numeric_word(c.numeric.status))},
        {"max_abs_error", evaluated ? number_or_null(c.numeric.max_abs_error) : nullptr},
        {"instances", c.numeric.instances},
        {"failing", c.numeric.failing},
        {"not_evaluable", c.numeric.not_evaluable},
        {"method", std::string(c.numeric.method())},
    };
    if (c.numeric.by_monte_carlo) {
        j["standard_error"] = c.numeric.max_standard_error;
        j["samples"] = c.numeric.samples;
    }
    // Why a model had no value: the whole step's reason when none had one, else the first
    // model's (the others decided the verdict).
    if (c.numeric.not_evaluable > 0)
        j["numeric_message"] = c.numeric.why_not_evaluated;
    if (c.numeric.first_failing >= 0)
        j["first_failing_instance"] = c.numeric.first_failing;
    if (c.numeric.first_not_evaluable >= 0)
        j["first_not_evaluable_instance"] = c.numeric.first_not_evaluable;
    if (c.claimed != sym::relation::eq) {
        const eval::gap_summary& g = c.numeric.gap;
        const bool has_gap = evaluated && c.numeric.instances > 0;
        j["gap"] = {
            {"min", has_gap ? number_or_null(g.min) : nullptr},
            {"max", has_gap ? number_or_null(g.max) : nullptr},
            {"equals", c.gap_closed_form_latex.empty() ? nlohmann::json(nullptr)
                                                       : nlohmann::json(c.gap_closed_form_latex)},
            {"max_abs_error", has_gap && g.has_closed_form ? number_or_null(g.closed_form_max_error)
                                                           : nlohmann::json(nullptr)},
        };
    }
    return j;
}

} // namespace detail

inline nlohmann::json to_json(const derivation_report& d) {
    nlohmann::json steps = nlohmann::json::array();
    for (const step_report& s : d.steps) {
        nlohmann::json j = detail::step_fields(s.as_written);
        j["index"] = s.index;
        j["expected"] = s.recorded_mistake ? "fail" : "pass";
        j["behaved_as_expected"] = s.as_expected();
        j["words"] = s.words;
        if (s.recorded_mistake) {
            j["mistake"] = s.mistake;
            if (s.correction)
                j["correction"] = detail::step_fields(*s.correction);
        }
        steps.push_back(std::move(j));
    }
    return {
        {"name", d.name},
        {"document", d.document.empty() ? nlohmann::json(nullptr) : nlohmann::json(d.document)},
        {"title", d.title},
        {"start_latex", d.start_latex},
        {"instances", d.instances},
        {"verdict", d.as_expected() ? "pass" : "fail"},
        {"steps", std::move(steps)},
    };
}

struct run_settings {
    std::uint64_t seed;
    std::size_t models;
    eval::sampling_settings sampling{};
};

inline nlohmann::json to_json(const std::vector<derivation_report>& all, const run_settings& s) {
    nlohmann::json list = nlohmann::json::array();
    for (const derivation_report& d : all)
        list.push_back(to_json(d));
    return {{"derivations", std::move(list)},
            {"settings",
             {{"seed", s.seed},
              {"random_models", s.models},
              {"sampling_seed", s.sampling.seed},
              {"samples", s.sampling.samples},
              {"threads", s.sampling.threads}}}};
}

} // namespace elbocheck::report
