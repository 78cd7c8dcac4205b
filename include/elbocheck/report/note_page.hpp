#pragma once
// A note's documentation page (`elbocheck docs --out DIR NOTE...`): what the checker read in
// the note and what it found, step by step, in the format-neutral page of doc_page.hpp, so
// that the Markdown and the HTML pages say the same. The wrong steps are shown with what is
// wrong, both sides as understood, and their values on the reference model.

#include "elbocheck/report/doc_page.hpp"
#include "elbocheck/report/names.hpp"
#include "elbocheck/report/note_report.hpp"

#include <string>

namespace elbocheck::report {

namespace note_detail {

// The page name for a note: its file name, with anything but letters, digits, '-' and '_'
// replaced, so that it is a safe file name and link target.
inline std::string page_name_of(const std::string& file) {
    std::string stem = file;
    if (auto slash = stem.find_last_of("/\\"); slash != std::string::npos)
        stem.erase(0, slash + 1);
    if (auto dot = stem.rfind('.'); dot != std::string::npos && dot > 0)
        stem.erase(dot);
    std::string out = "note-";
    for (char c : stem)
        out += std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' ? c : '_';
    return out;
}

inline std::string one_line_latex(const std::string& latex) {
    std::string out;
    for (char c : latex) {
        if (c == '\n' || c == '\r' || c == '\t')
            c = ' ';
        if (!(c == ' ' && !out.empty() && out.back() == ' '))
            out += c;
    }
    // A step as written may end in an alignment tab or a row break; neither renders alone.
    while (!out.empty() && (out.back() == ' ' || out.back() == '&' || out.back() == '\\'))
        out.pop_back();
    std::string cleaned;
    for (char c : out)
        if (c != '&')
            cleaned += c;
    return cleaned;
}

inline line verdict_cell(const note_step_report& s) {
    switch (s.verdict) {
    case note_verdict::justified:
        return {mark(badge::justified)};
    case note_verdict::false_step:
    case note_verdict::ill_formed:
        return {mark(badge::unexpected), words(" " + std::string(note_verdict_word(s.verdict)))};
    default:
        return {words(std::string(note_verdict_word(s.verdict)))};
    }
}

} // namespace note_detail

inline page note_page(const note_report& n) {
    using namespace note_detail;
    page p;
    p.name = page_name_of(n.file);
    p.title = "Checking " + n.file;
    p.blocks.push_back(heading(1, {words("Checking "), code(n.file)}));
    p.blocks.push_back(paragraph({words(
        std::to_string(n.derivations) + " derivations and " + std::to_string(n.steps.size()) +
        " steps found; " + std::to_string(n.count(note_verdict::justified)) +
        " justified by the rules, " + std::to_string(n.count(note_verdict::false_step)) +
        " false, " + std::to_string(n.count(note_verdict::ill_formed)) + " ill-formed, " +
        std::to_string(n.count(note_verdict::not_understood)) +
        " not understood. Display rows understood: " + std::to_string(n.understood_rows) + " of " +
        std::to_string(n.display_rows) + ". Every understood step is also " + "evaluated on " +
        std::to_string(n.instances) + " exact linear-Gaussian models.")}));
    if (!n.assumptions.empty()) {
        std::vector<line> items;
        for (const auto& a : n.assumptions)
            items.push_back({words(a)});
        p.blocks.push_back(paragraph({words("What the checker assumed:")}));
        p.blocks.push_back(list(std::move(items)));
    }
    std::vector<std::vector<line>> rows;
    auto flush = [&] {
        if (rows.size() > 1)
            p.blocks.push_back(table(std::move(rows)));
        rows.clear();
    };
    for (const note_step_report& s : n.steps) {
        if (s.index == 1) {
            flush();
            p.blocks.push_back(heading(2, {words("Derivation " + std::to_string(s.derivation) +
                                                 " (line " + std::to_string(s.where.line) + ")")}));
            rows.push_back({{words("step")},
                            {words("line")},
                            {words("as written")},
                            {words("verdict")},
                            {words("rules found")}});
        }
        const std::string written = one_line_latex(s.latex);
        rows.push_back(
            {{words(std::to_string(s.derivation) + "." + std::to_string(s.index))},
             {words(std::to_string(s.where.line) + ":" + std::to_string(s.where.column))},
             written.empty() ? line{} : line{math(written)},
             verdict_cell(s),
             {words(joined(s.rules))}});
    }
    flush();
    bool heading_written = false;
    for (const note_step_report& s : n.steps) {
        if (!s.is_error())
            continue;
        if (!heading_written)
            p.blocks.push_back(heading(2, {words("What is wrong")}));
        heading_written = true;
        std::vector<block> inside;
        inside.push_back(paragraph(
            {strong(n.file + ":" + std::to_string(s.where.line) + ":" +
                    std::to_string(s.where.column) + ", step " + std::to_string(s.derivation) +
                    "." + std::to_string(s.index)),
             words(" is " + std::string(note_verdict_word(s.verdict)) + ": " + s.message + ".")}));
        inside.push_back(display(s.before_latex + " " +
                                 (s.claimed == sym::relation::eq   ? std::string("=")
                                  : s.claimed == sym::relation::ge ? std::string("\\geq")
                                                                   : std::string("\\leq")) +
                                 " " + s.after_latex));
        if (s.verdict == note_verdict::false_step && s.reference_before && s.reference_after)
            inside.push_back(paragraph(
                {words("On the reference model the left side is "),
                 math(detail::number_latex(*s.reference_before)), words(" and the right side "),
                 math(detail::number_latex(*s.reference_after)), words(".")}));
        p.blocks.push_back(callout(std::move(inside)));
    }
    return p;
}

// The index of a run of `elbocheck docs --out DIR NOTE...`: one row per note, linking to its
// page, with what was found in it; the notes with a false or ill-formed step first named.
inline page note_index_page(const std::vector<note_report>& notes) {
    using namespace note_detail;
    page p;
    p.name = "notes-index";
    p.title = "Notes checked";
    p.blocks.push_back(heading(1, {words("Notes checked")}));
    std::size_t with_errors = 0;
    for (const note_report& n : notes)
        with_errors += n.errors() > 0 ? 1 : 0;
    p.blocks.push_back(paragraph(
        {words(std::to_string(notes.size()) + (notes.size() == 1 ? " note" : " notes") +
               " checked; " + std::to_string(with_errors) + " with a false or ill-formed step.")}));
    std::vector<std::vector<line>> rows;
    rows.push_back({{words("note")},
                    {words("steps")},
                    {words("justified")},
                    {words("false or ill-formed")},
                    {words("not understood")},
                    {words("first wrong step")}});
    for (const note_report& n : notes) {
        const note_step_report* first = n.first_error();
        rows.push_back({{link_to(n.file, page_name_of(n.file))},
                        {words(std::to_string(n.steps.size()))},
                        {words(std::to_string(n.count(note_verdict::justified)))},
                        n.errors()
                            ? line{mark(badge::unexpected), words(" " + std::to_string(n.errors()))}
                            : line{words("0")},
                        {words(std::to_string(n.count(note_verdict::not_understood)))},
                        first ? line{words("line " + std::to_string(first->where.line) + ", step " +
                                           std::to_string(first->derivation) + "." +
                                           std::to_string(first->index))}
                              : line{words("-")}});
    }
    p.blocks.push_back(table(std::move(rows)));
    return p;
}

} // namespace elbocheck::report
