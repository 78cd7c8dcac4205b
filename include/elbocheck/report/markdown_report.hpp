#pragma once
// Markdown, in two forms:
//  * the report of `elbocheck check --format markdown`: a table per derivation, a row per step
//    (index, relation, rules, symbolic verdict, numeric verdict, largest error), then a summary;
//  * the documentation for GitHub (docs/derivations/): one page per derivation and a README.md
//    index, written from the format-neutral pages of doc_page.hpp.
//
// GitHub renders math, but its Markdown parser sees the math first, so the forms used here are
// the ones that survive it: display math as a $$ block alone on its lines with a blank line on
// either side and the LaTeX on one line (no \\, which GitHub may halve; matrices use \cr);
// inline math as $`...`$, which keeps underscores and asterisks away from emphasis.

#include "elbocheck/report/derivation_report.hpp"
#include "elbocheck/report/doc_page.hpp"
#include "elbocheck/report/names.hpp"

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace elbocheck::report {

// A file the docs command writes, relative to its output directory.
struct doc_file {
    std::string path;
    std::string content;
};

namespace detail {

// Backslash-escapes the ASCII punctuation that Markdown could read as syntax inside a line
// (and '|' inside a table); CommonMark allows the escape before any punctuation, so an escaped
// character always prints as itself. What only matters at the start of a line is handled by
// markdown_paragraph.
inline std::string markdown_escaped(std::string_view s, bool in_table = false) {
    std::string out;
    for (char c : s) {
        if (std::string_view("\\`*_[]<$~").find(c) != std::string_view::npos ||
            (c == '|' && in_table))
            out += '\\';
        out += c;
    }
    return out;
}

// A paragraph that starts like a heading, quote or list item must not become one.
inline std::string markdown_paragraph(std::string text) {
    if (!text.empty() && std::string_view("#>-+").find(text.front()) != std::string_view::npos)
        text.insert(text.begin(), '\\');
    return text;
}

// A table cell ends at '|', even inside math; \vert is the same bar.
inline std::string inline_math(std::string_view latex, bool in_table) {
    std::string body;
    for (char c : latex)
        body += (c == '|' && in_table) ? std::string(R"(\vert )") : std::string(1, c);
    return "$`" + body + "`$";
}

inline std::string markdown_badge(badge b) {
    switch (b) {
    case badge::justified:
        return "✅ **justified**";
    case badge::flagged_as_recorded:
        return "⚠️ **flagged as recorded**";
    case badge::unexpected:
        return "❌ **unexpected**";
    }
    return {};
}

inline std::string markdown_target(const std::string& target) {
    return target == "index" ? "README.md" : target + ".md";
}

inline std::string markdown_line(const line& l, bool in_table = false) {
    std::string out;
    for (const span& s : l) {
        switch (s.k) {
        case span::kind::text:
            out += markdown_escaped(s.text, in_table);
            break;
        case span::kind::math:
            out += inline_math(s.text, in_table);
            break;
        case span::kind::code:
            out += "`" + s.text + "`";
            break;
        case span::kind::strong:
            out += "**" + markdown_escaped(s.text, in_table) + "**";
            break;
        case span::kind::emphasis:
            out += "*" + markdown_escaped(s.text, in_table) + "*";
            break;
        case span::kind::link:
            out +=
                "[" + markdown_escaped(s.text, in_table) + "](" + markdown_target(s.target) + ")";
            break;
        case span::kind::mark:
            out += markdown_badge(s.verdict);
            break;
        }
    }
    return out;
}

inline void markdown_block(std::string& out, const block& b, std::string_view site_root) {
    switch (b.k) {
    case block::kind::heading:
        out += std::string(static_cast<std::size_t>(b.level), '#') + " " +
               markdown_line(b.content) + "\n\n";
        break;
    case block::kind::paragraph:
        out += markdown_paragraph(markdown_line(b.content)) + "\n\n";
        break;
    case block::kind::math:
        out += "$$\n" + b.latex + "\n$$\n\n";
        break;
    case block::kind::list:
        // Appended piece by piece: GCC 12 warns falsely (-Wrestrict) on "- " + std::string.
        for (const line& item : b.items) {
            out += "- ";
            out += markdown_line(item);
            out += "\n";
        }
        out += "\n";
        break;
    case block::kind::table:
        for (std::size_t r = 0; r < b.rows.size(); ++r) {
            out += "|";
            for (const line& cell : b.rows[r]) {
                out += " ";
                out += markdown_line(cell, true);
                out += " |";
            }
            out += "\n";
            if (r == 0) {
                out += "|";
                for (std::size_t c = 0; c < b.rows[r].size(); ++c)
                    out += "---|";
                out += "\n";
            }
        }
        out += "\n";
        break;
    case block::kind::image:
        out += "![" + markdown_escaped(b.alt) + "](" + std::string(site_root) + b.source + ")\n\n";
        if (!b.content.empty())
            out += markdown_line(b.content) + "\n\n";
        break;
    case block::kind::callout:
        // A GitHub alert: a blockquote that GitHub draws as a warning box.
        out += "> [!WARNING]\n";
        for (std::size_t i = 0; i < b.children.size(); ++i) {
            if (i > 0)
                out += ">\n";
            out += "> " + markdown_paragraph(markdown_line(b.children[i].content)) + "\n";
        }
        out += "\n";
        break;
    }
}

} // namespace detail

// ---- The check report -------------------------------------------------------------------------

namespace detail {

inline std::string report_error(const step_check& c) {
    if (c.numeric.status == eval::numeric_status::not_evaluated)
        return "—";
    char buffer[64];
    if (c.numeric.by_monte_carlo) // sampled: the difference is statistical, say how large
        std::snprintf(buffer, sizeof buffer, "%.1e (sampled, se %.1e)", c.numeric.max_abs_error,
                      c.numeric.max_standard_error);
    else
        std::snprintf(buffer, sizeof buffer, "%.1e", c.numeric.max_abs_error);
    return buffer;
}

// The verdict, with how many models refute it and how many had no value where that is not
// every model: "fails on 5 of 98 (3 of 101 not evaluable)", "holds (3 of 101 not evaluable)".
inline std::string numeric_cell(const eval::numeric_step_result& n) {
    std::string cell(numeric_word(n.status));
    const std::string total = std::to_string(n.instances + n.not_evaluable);
    if (n.status == eval::numeric_status::fails)
        cell += " on " + std::to_string(n.failing) + " of " + std::to_string(n.instances);
    if (n.not_evaluable > 0 && n.status != eval::numeric_status::not_evaluated)
        cell += " (" + std::to_string(n.not_evaluable) + " of " + total + " not evaluable)";
    return cell;
}

// One table row; `label` is the step's index, or the index and "(corrected)".
inline std::string report_row(const std::string& label, const step_check& c, bool ok,
                              const std::string& note) {
    std::string row = "| " + label + " | " + markdown_escaped(sym::symbol_of(c.claimed), true);
    row += " | " + markdown_escaped(joined(c.rules, ", "), true);
    row += " | " + std::string(symbolic_word(c.symbolic.status));
    row += " | " + numeric_cell(c.numeric);
    row += " | " + report_error(c);
    row += std::string(" | ") + (ok ? "✅" : "❌");
    if (!note.empty())
        row += " " + markdown_escaped(note, true);
    row += " |\n";
    return row;
}

} // namespace detail

// The report of `elbocheck check --format markdown`. "Largest error" is the largest difference
// between the two sides of an equality, or the largest violation of an inequality, over the
// models; "—" where the step has no value to compare.
inline std::string to_markdown_report(const std::vector<derivation_report>& all, std::uint64_t seed,
                                      std::size_t random_models) {
    std::string out = "# elbocheck check\n\n";
    std::size_t steps = 0, surprises = 0, mistakes = 0, instances = 0;
    for (const derivation_report& d : all) {
        instances = std::max(instances, d.instances);
        out += "## `" + d.name + "` — " + detail::markdown_escaped(d.title) + "\n\n";
        if (!d.document.empty())
            out += "Document `" + d.document + "`. ";
        out += d.as_expected() ? std::string("Every step behaved as expected.\n\n")
                               : std::string("**Some step did not behave as expected.**\n\n");
        out += "| Step | Relation | Rule | Symbolic | Numeric | Largest error | As expected |\n";
        out += "|---:|:---:|---|---|---|---:|---|\n";
        for (const step_report& s : d.steps) {
            ++steps;
            surprises += !s.as_expected();
            mistakes += s.recorded_mistake;
            const std::string index = std::to_string(s.index);
            out += detail::report_row(index, s.as_written, s.as_expected(),
                                      s.recorded_mistake ? "recorded mistake: " + s.mistake : "");
            if (s.correction)
                out += detail::report_row(index + " (corrected)", *s.correction,
                                          step_report::correct_step_ok(*s.correction), "");
        }
        out += "\n";
    }
    out += "## Summary\n\n";
    out += std::to_string(all.size()) + " derivations, " + std::to_string(steps) + " steps on " +
           std::to_string(instances) + " models (the reference model and " +
           std::to_string(random_models) + " random ones, seed " + std::to_string(seed) + "; " +
           std::to_string(mistakes) +
           " recorded mistakes of the documents): " + std::to_string(steps - surprises) +
           " behaved as expected, " + std::to_string(surprises) + " did not.\n";
    return out;
}

// ---- The documentation ------------------------------------------------------------------------

// `site_root` is where the site's files (the plots) are, relative to the Markdown page.
inline std::string to_markdown(const page& p, std::string_view site_root = "../site/") {
    std::string out = "<!-- Generated by `elbocheck docs`; edit the derivation or the generator, "
                      "not this file. -->\n\n";
    for (const block& b : p.blocks)
        detail::markdown_block(out, b, site_root);
    while (out.size() > 1 && out[out.size() - 1] == '\n' && out[out.size() - 2] == '\n')
        out.pop_back();
    return out;
}

// derivations/README.md and derivations/<name>.md.
inline std::vector<doc_file> markdown_files(const documentation& docs) {
    std::vector<doc_file> out;
    for (const page& p : docs.pages)
        out.push_back(
            {"derivations/" + (p.name == "index" ? std::string("README") : p.name) + ".md",
             to_markdown(p)});
    return out;
}

} // namespace elbocheck::report
