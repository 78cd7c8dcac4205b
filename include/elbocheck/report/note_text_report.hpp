#pragma once
// A note's check for people at a terminal and in CI logs, written like a compiler's
// diagnostics so that editors link them: `note.md:41:3: error: step 2.3 is false: ...`, with
// the step as written and as understood, the values on the reference model, and the rules.
// Justified steps are one `note:` line each; a summary line closes the report.

#include "elbocheck/report/note_report.hpp"
#include "elbocheck/report/text_report.hpp"

#include <cstdio>
#include <string>
#include <vector>

namespace elbocheck::report {

struct note_text_options {
    bool verbose = false; // also every reader diagnostic, and the assumptions of every note
};

namespace note_detail {

inline std::string place(const note_step_report& s) {
    std::string out = s.file;
    if (s.cell >= 0)
        out += ":cells[" + std::to_string(s.cell) + "]";
    return out + ":" + std::to_string(s.where.line) + ":" + std::to_string(s.where.column);
}

inline std::string step_name(const note_step_report& s) {
    if (s.definition)
        return "the definition of " + s.label + " (derivation " + std::to_string(s.derivation) +
               ")";
    if (!s.label.empty())
        return "the label '" + s.label + "' in step " + std::to_string(s.derivation) + "." +
               std::to_string(s.index);
    return "step " + std::to_string(s.derivation) + "." + std::to_string(s.index) + " (" +
           std::string(s.implicit ? "restated" : sym::symbol_of(s.claimed)) + ")";
}

inline std::string value_text(const std::optional<double>& v) {
    if (!v)
        return "no single value";
    char buffer[40];
    std::snprintf(buffer, sizeof buffer, "%.6g", *v);
    return buffer;
}

// One line of LaTeX, as written, for the indented lines under a diagnostic.
inline std::string one_line(std::string s) {
    for (char& c : s)
        if (c == '\n' || c == '\r' || c == '\t')
            c = ' ';
    std::string out;
    for (char c : s)
        if (!(c == ' ' && !out.empty() && out.back() == ' '))
            out += c;
    if (out.size() > 300)
        out = out.substr(0, 297) + "...";
    return out;
}

} // namespace note_detail

inline void write_note_text(std::FILE* out, const note_report& n, const palette& c,
                            const note_text_options& options = {}) {
    using namespace note_detail;
    if (options.verbose)
        for (const auto& a : n.assumptions)
            std::fprintf(out, "%s: note: assumed %s\n", n.file.c_str(), a.c_str());
    for (const note_step_report& s : n.steps) {
        const std::string at = place(s);
        const std::string name = step_name(s);
        switch (s.verdict) {
        case note_verdict::justified:
            std::fprintf(out, "%s: %snote:%s %s justified by %s\n", at.c_str(), c.good, c.reset,
                         name.c_str(), joined(s.rules).c_str());
            break;
        case note_verdict::false_step:
        case note_verdict::ill_formed:
            std::fprintf(
                out, "%s: %serror:%s %s is %s: %s\n", at.c_str(), c.bad, c.reset, name.c_str(),
                s.verdict == note_verdict::false_step ? "false" : "ill-formed", s.message.c_str());
            break;
        case note_verdict::not_justified:
        case note_verdict::not_refuted:
            std::fprintf(out, "%s: warning: %s is not justified: %s\n", at.c_str(), name.c_str(),
                         s.message.c_str());
            break;
        case note_verdict::not_understood:
            std::fprintf(out, "%s: %snote:%s %s not understood: %s\n", at.c_str(), c.dim, c.reset,
                         name.c_str(), s.message.c_str());
            break;
        case note_verdict::assumption:
        case note_verdict::unchecked:
            std::fprintf(out, "%s: %snote:%s %s %s\n", at.c_str(), c.dim, c.reset, name.c_str(),
                         s.message.c_str());
            break;
        case note_verdict::approximation:
            std::fprintf(out, "%s: %snote:%s %s is an approximation (\\approx), not checked\n",
                         at.c_str(), c.dim, c.reset, name.c_str());
            break;
        }
        if (!s.reason_conflict.empty())
            std::fprintf(out, "%s: warning: %s: %s\n", at.c_str(), name.c_str(),
                         s.reason_conflict.c_str());
        if (!s.is_error() && s.verdict != note_verdict::not_justified &&
            s.verdict != note_verdict::not_refuted)
            continue;
        std::fprintf(out, "    written:    %s\n", one_line(s.latex).c_str());
        std::fprintf(out, "    understood: %s %s %s\n", one_line(s.before_latex).c_str(),
                     sym::symbol_of(s.claimed).data(), one_line(s.after_latex).c_str());
        if (s.verdict == note_verdict::false_step)
            std::fprintf(out, "    on the reference model: left side %s, right side %s\n",
                         value_text(s.reference_before).c_str(),
                         value_text(s.reference_after).c_str());
        if (!s.author_rules.empty())
            std::fprintf(out, "    the text names: %s\n", joined(s.author_rules).c_str());
    }
    if (options.verbose)
        for (const auto& d : n.diagnostics)
            std::fprintf(out, "%s\n", d.to_string().c_str());
}

// notes, derivations, steps, and how many of each verdict.
inline void write_note_summary(std::FILE* out, const std::vector<note_report>& all,
                               const palette& c) {
    std::size_t derivations = 0, steps = 0, counts[9] = {};
    for (const note_report& n : all) {
        derivations += n.derivations;
        steps += n.steps.size();
        for (const auto& s : n.steps)
            ++counts[static_cast<int>(s.verdict)];
    }
    auto count = [&](note_verdict v) { return counts[static_cast<int>(v)]; };
    const std::size_t errors = count(note_verdict::false_step) + count(note_verdict::ill_formed);
    std::fprintf(out,
                 "\n%zu %s, %zu derivations, %zu steps: %zu understood, %zu justified, %zu true "
                 "but not justified, %zu not refuted, %s%zu false, %zu ill-formed%s, %zu not "
                 "understood, %zu approximations, %zu unchecked after an error, %zu "
                 "assumptions\n",
                 all.size(), all.size() == 1 ? "note" : "notes", derivations, steps,
                 steps - count(note_verdict::not_understood), count(note_verdict::justified),
                 count(note_verdict::not_justified), count(note_verdict::not_refuted),
                 errors ? c.bad : c.good, count(note_verdict::false_step),
                 count(note_verdict::ill_formed), c.reset, count(note_verdict::not_understood),
                 count(note_verdict::approximation), count(note_verdict::unchecked),
                 count(note_verdict::assumption));
}

} // namespace elbocheck::report
