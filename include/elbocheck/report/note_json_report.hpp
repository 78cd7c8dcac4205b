#pragma once
// A note's check as JSON, under "notes" in the report docs/report.schema.json describes:
//
// {"notes":[{"file","derivations","display_rows","understood_rows","assumptions":[..],
//   "verdict":"pass|fail","steps":[{"file","line","column","derivation","index","relation",
//   "latex","understood":{"before","after"},"verdict","rules":[..],"author_words",
//   "author_rules":[..],"message","reason_conflict","numeric":"holds|fails|not-evaluated",
//   "instances","failing","max_abs_error","reference":{"before","after"}}],
//   "diagnostics":[{"file","line","column","construct","message"}]}],
//  "summary":{"notes","derivations","steps","understood","justified",...}}
//
// A note "fail"s when a step is false or ill-formed: the exit code's rule.

#include "elbocheck/report/names.hpp"
#include "elbocheck/report/note_report.hpp"

#include <cmath>
#include <nlohmann/json.hpp>

namespace elbocheck::report {

namespace note_detail {

inline nlohmann::json finite_or_null(const std::optional<double>& v) {
    return v && std::isfinite(*v) ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

inline nlohmann::json to_json(const read::diagnostic& d) {
    nlohmann::json j{{"file", d.file},
                     {"line", d.where.line},
                     {"column", d.where.column},
                     {"construct", d.construct},
                     {"message", d.message}};
    if (d.cell >= 0)
        j["cell"] = d.cell;
    return j;
}

inline nlohmann::json to_json(const note_step_report& s) {
    nlohmann::json j{
        {"file", s.file},
        {"line", s.where.line},
        {"column", s.where.column},
        {"derivation", s.derivation},
        {"index", s.index},
        {"relation", s.implicit ? std::string("restated") : std::string(sym::symbol_of(s.claimed))},
        {"latex", s.latex},
        {"verdict", std::string(note_verdict_word(s.verdict))},
        {"rules", s.rules},
        {"author_words", s.author_words},
        {"author_rules", s.author_rules},
        {"message", s.message},
    };
    if (s.cell >= 0)
        j["cell"] = s.cell;
    if (!s.label.empty())
        j["label"] = s.label;
    if (s.definition)
        j["definition"] = true;
    if (!s.before_latex.empty())
        j["understood"] = {{"before", s.before_latex}, {"after", s.after_latex}};
    if (!s.reason_conflict.empty())
        j["reason_conflict"] = s.reason_conflict;
    if (s.evaluated) {
        const bool evaluated = s.numeric.status != eval::numeric_status::not_evaluated;
        j["numeric"] = std::string(numeric_word(s.numeric.status));
        j["instances"] = s.numeric.instances;
        j["failing"] = s.numeric.failing;
        j["method"] = std::string(s.numeric.method());
        j["max_abs_error"] =
            evaluated ? finite_or_null(s.numeric.max_abs_error) : nlohmann::json(nullptr);
        j["reference"] = {{"before", finite_or_null(s.reference_before)},
                          {"after", finite_or_null(s.reference_after)}};
    }
    return j;
}

} // namespace note_detail

inline nlohmann::json to_json(const note_report& n) {
    nlohmann::json steps = nlohmann::json::array(), diagnostics = nlohmann::json::array();
    for (const auto& s : n.steps)
        steps.push_back(note_detail::to_json(s));
    for (const auto& d : n.diagnostics)
        diagnostics.push_back(note_detail::to_json(d));
    return {{"file", n.file},
            {"verdict", n.errors() == 0 ? "pass" : "fail"},
            {"derivations", n.derivations},
            {"display_rows", n.display_rows},
            {"understood_rows", n.understood_rows},
            {"instances", n.instances},
            {"assumptions", n.assumptions},
            {"steps", std::move(steps)},
            {"diagnostics", std::move(diagnostics)}};
}

inline nlohmann::json notes_summary(const std::vector<note_report>& all) {
    std::size_t derivations = 0, steps = 0;
    nlohmann::json counts = nlohmann::json::object();
    for (int v = 0; v <= static_cast<int>(note_verdict::assumption); ++v)
        counts[std::string(note_verdict_word(static_cast<note_verdict>(v)))] = 0;
    for (const note_report& n : all) {
        derivations += n.derivations;
        steps += n.steps.size();
        for (const auto& s : n.steps)
            counts[std::string(note_verdict_word(s.verdict))] =
                counts[std::string(note_verdict_word(s.verdict))].get<std::size_t>() + 1;
    }
    return {{"notes", all.size()},
            {"derivations", derivations},
            {"steps", steps},
            {"understood", steps - counts["not-understood"].get<std::size_t>()},
            {"verdicts", std::move(counts)}};
}

inline nlohmann::json notes_to_json(const std::vector<note_report>& all, std::uint64_t seed,
                                    std::size_t models) {
    nlohmann::json notes = nlohmann::json::array();
    for (const auto& n : all)
        notes.push_back(to_json(n));
    return {{"seed", seed},
            {"random_models", models},
            {"derivations", nlohmann::json::array()},
            {"notes", std::move(notes)},
            {"summary", notes_summary(all)}};
}

} // namespace elbocheck::report
