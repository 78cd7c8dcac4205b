#pragma once
// A note's check as Markdown: one section per note, each derivation a table of its steps
// (where, the step's math as written, the verdict, the rules found), the wrong steps spelled
// out under the table with what is wrong. `elbocheck check --format markdown` and the notes
// pages of `elbocheck docs` are both written from here.

#include "elbocheck/report/names.hpp"
#include "elbocheck/report/note_report.hpp"

#include <sstream>
#include <string>

namespace elbocheck::report {

namespace note_detail {

// Math for a table cell: on one line, with the pipe that would end the cell escaped.
inline std::string cell_math(const std::string& latex) {
    std::string out;
    for (char c : latex) {
        if (c == '\n' || c == '\r')
            c = ' ';
        if (c == '|')
            out += "\\vert ";
        else if (!(c == ' ' && !out.empty() && out.back() == ' '))
            out += c;
    }
    while (!out.empty() && out.back() == ' ')
        out.pop_back();
    while (!out.empty() && out.front() == ' ')
        out.erase(out.begin());
    return out.empty() ? out : "$" + out + "$";
}

inline std::string cell_text(std::string s) {
    std::string out;
    for (char c : s) {
        if (c == '\n' || c == '\r')
            c = ' ';
        if (c == '|')
            out += "\\|";
        else
            out += c;
    }
    return out;
}

inline const char* verdict_mark(note_verdict v) {
    switch (v) {
    case note_verdict::justified:
        return "justified";
    case note_verdict::not_justified:
        return "true, no rule found";
    case note_verdict::not_refuted:
        return "not refuted, no rule found";
    case note_verdict::false_step:
        return "**false**";
    case note_verdict::ill_formed:
        return "**ill-formed**";
    case note_verdict::not_understood:
        return "not understood";
    case note_verdict::approximation:
        return "approximation, not checked";
    case note_verdict::unchecked:
        return "not checked (follows an ill-formed expression)";
    case note_verdict::assumption:
        return "a choice of guide, not checked";
    }
    return "";
}

} // namespace note_detail

// The section of one note; `heading` is the Markdown heading level of its title.
inline std::string note_markdown(const note_report& n, int heading = 2) {
    using namespace note_detail;
    std::ostringstream o;
    const std::string hashes(static_cast<std::size_t>(heading), '#');
    o << hashes << " " << n.file << "\n\n";
    o << n.derivations << " derivations, " << n.steps.size()
      << " steps: " << n.count(note_verdict::justified) << " justified, "
      << n.count(note_verdict::false_step) << " false, " << n.count(note_verdict::ill_formed)
      << " ill-formed, " << n.count(note_verdict::not_understood)
      << " not understood. Display rows understood: " << n.understood_rows << " of "
      << n.display_rows << ".";
    if (!n.assumptions.empty()) {
        o << " Assumed: ";
        for (std::size_t k = 0; k < n.assumptions.size(); ++k)
            o << (k ? "; " : "") << n.assumptions[k];
        o << ".";
    }
    o << "\n\n";
    std::size_t shown = 0;
    for (const note_step_report& s : n.steps) {
        if (s.index == 1) {
            if (shown)
                o << "\n";
            o << hashes << "# Derivation " << s.derivation << " (line " << s.where.line
              << ")\n\n| step | line | relation | as written | verdict | rules |\n|---|---|---|---|"
                 "---|---|\n";
        }
        ++shown;
        o << "| " << s.derivation << "." << s.index << " | " << s.where.line << ":"
          << s.where.column << " | "
          << (s.implicit ? std::string("restated")
                         : cell_math(std::string(sym::symbol_of(s.claimed))))
          << " | " << cell_math(s.latex) << " | " << verdict_mark(s.verdict) << " | "
          << cell_text(joined(s.rules)) << " |\n";
    }
    bool any_problem = false;
    for (const note_step_report& s : n.steps) {
        if (!s.is_error() && s.reason_conflict.empty())
            continue;
        if (!any_problem)
            o << "\n" << hashes << "# What is wrong\n\n";
        any_problem = true;
        o << "- **" << n.file << ":" << s.where.line << ":" << s.where.column << ", step "
          << s.derivation << "." << s.index << "**";
        if (s.is_error())
            o << " is " << note_verdict_word(s.verdict) << ": " << cell_text(s.message) << ".";
        if (!s.reason_conflict.empty())
            o << " " << cell_text(s.reason_conflict) << ".";
        o << "\n\n  $$" << s.before_latex << " " << sym::symbol_of(s.claimed) << " "
          << s.after_latex << "$$\n\n";
    }
    return o.str();
}

inline std::string notes_to_markdown(const std::vector<note_report>& all) {
    std::ostringstream o;
    o << "# elbocheck: notes\n\n";
    for (const note_report& n : all)
        o << note_markdown(n) << "\n";
    return o.str();
}

} // namespace elbocheck::report
