#pragma once
// The documentation as a static HTML site (docs/site/): index.html, a page per derivation,
// the plots, and a stylesheet, written from the format-neutral pages of doc_page.hpp.
//
// Where the work is split: C++ decides everything a page says and how it is laid out, and
// leaves each formula as LaTeX in a placeholder element,
//     <span class="tex">…</span>                 inline math,
//     <div class="tex tex-display">…</div>       display math,
// with the LaTeX HTML-escaped and nothing else inside. tools/docs/render-math.mjs then renders
// exactly those elements with KaTeX (the reference implementation of its own output, in its
// own language) and copies KaTeX's stylesheet and fonts next to the pages. So the math is HTML
// before anyone opens a page, the pages load no script and reach no network, and nothing in
// C++ tries to typeset TeX. A placeholder is found by its exact form, never by guessing where
// $ signs start and end in prose.

#include "elbocheck/report/markdown_report.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace elbocheck::report {

namespace detail {

inline std::string html_escaped(std::string_view s) {
    std::string out;
    for (char c : s) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        case '\'':
            out += "&#39;";
            break;
        default:
            out += c;
        }
    }
    return out;
}

inline std::string badge_class(badge b) {
    switch (b) {
    case badge::justified:
        return "badge badge-justified";
    case badge::flagged_as_recorded:
        return "badge badge-flagged";
    case badge::unexpected:
        return "badge badge-unexpected";
    }
    return "badge";
}

inline std::string html_target(const std::string& target) {
    return target == "index" ? "index.html" : target + ".html";
}

inline std::string html_line(const line& l) {
    std::string out;
    for (const span& s : l) {
        switch (s.k) {
        case span::kind::text:
            out += html_escaped(s.text);
            break;
        case span::kind::math:
            out += "<span class=\"tex\">" + html_escaped(s.text) + "</span>";
            break;
        case span::kind::code:
            out += "<code>" + html_escaped(s.text) + "</code>";
            break;
        case span::kind::strong:
            out += "<strong>" + html_escaped(s.text) + "</strong>";
            break;
        case span::kind::emphasis:
            out += "<em>" + html_escaped(s.text) + "</em>";
            break;
        case span::kind::link:
            out += "<a href=\"" + html_escaped(html_target(s.target)) + "\">" +
                   html_escaped(s.text) + "</a>";
            break;
        case span::kind::mark:
            out += "<span class=\"" + badge_class(s.verdict) + "\">" + html_escaped(s.text) +
                   "</span>";
            break;
        }
    }
    return out;
}

inline void html_block(std::string& out, const block& b) {
    switch (b.k) {
    case block::kind::heading: {
        const std::string tag = "h" + std::to_string(b.level);
        out += "<" + tag + (b.anchor.empty() ? "" : " id=\"" + html_escaped(b.anchor) + "\"") +
               ">" + html_line(b.content) + "</" + tag + ">\n";
        break;
    }
    case block::kind::paragraph:
        out += "<p>" + html_line(b.content) + "</p>\n";
        break;
    case block::kind::math:
        out += "<div class=\"tex tex-display\">" + html_escaped(b.latex) + "</div>\n";
        break;
    case block::kind::list:
        out += "<ul>\n";
        for (const line& item : b.items)
            out += "<li>" + html_line(item) + "</li>\n";
        out += "</ul>\n";
        break;
    case block::kind::table:
        out += "<div class=\"table\"><table>\n";
        for (std::size_t r = 0; r < b.rows.size(); ++r) {
            const char* cell = r == 0 ? "th" : "td";
            out += "<tr>";
            for (const line& c : b.rows[r])
                out += std::string("<") + cell + ">" + html_line(c) + "</" + cell + ">";
            out += "</tr>\n";
        }
        out += "</table></div>\n";
        break;
    case block::kind::image:
        out += "<figure><img src=\"" + html_escaped(b.source) + "\" alt=\"" + html_escaped(b.alt) +
               "\" width=\"760\">";
        if (!b.content.empty())
            out += "<figcaption>" + html_line(b.content) + "</figcaption>";
        out += "</figure>\n";
        break;
    case block::kind::callout:
        out += "<div class=\"callout\">\n";
        for (const block& c : b.children)
            html_block(out, c);
        out += "</div>\n";
        break;
    }
}

} // namespace detail

// A readable page with no web fonts of its own (KaTeX brings the math fonts): system fonts, a
// measure of about 80 characters, verdicts as coloured badges, mistakes in a warning box.
inline constexpr std::string_view site_stylesheet = R"(/* Generated by elbocheck docs. */
:root {
  --text: #1f2937; --muted: #4b5563; --line: #e5e7eb; --accent: #1d4ed8;
  --ok: #166534; --ok-bg: #dcfce7; --warn: #92400e; --warn-bg: #fef3c7;
  --bad: #991b1b; --bad-bg: #fee2e2;
}
* { box-sizing: border-box; }
body {
  margin: 0; color: var(--text); background: #ffffff;
  font: 17px/1.6 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
}
header.site { border-bottom: 1px solid var(--line); background: #f9fafb; }
header.site nav, main, footer { max-width: 860px; margin: 0 auto; padding: 0 24px; }
header.site nav { padding-top: 12px; padding-bottom: 12px; font-weight: 600; }
header.site a { color: var(--text); text-decoration: none; }
main { padding-top: 8px; padding-bottom: 48px; }
h1 { font-size: 2rem; line-height: 1.25; margin: 28px 0 12px; }
h2 { font-size: 1.45rem; margin: 40px 0 12px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 1.15rem; margin: 32px 0 8px; }
a { color: var(--accent); }
code { font: 0.88em/1.4 ui-monospace, "DejaVu Sans Mono", monospace; background: #f3f4f6;
       padding: 1px 5px; border-radius: 4px; }
.tex-display, .math-display { overflow-x: auto; overflow-y: hidden; padding: 2px 0; }
.katex-display { margin: 0.6em 0; }
.badge { display: inline-block; font-size: 0.78rem; font-weight: 600; line-height: 1.5;
         padding: 1px 9px; border-radius: 999px; vertical-align: 0.12em; white-space: nowrap; }
.badge-justified { color: var(--ok); background: var(--ok-bg); }
.badge-flagged { color: var(--warn); background: var(--warn-bg); }
.badge-unexpected { color: var(--bad); background: var(--bad-bg); }
.callout { border-left: 4px solid #d97706; background: #fffbeb; padding: 4px 16px;
           margin: 12px 0; border-radius: 0 6px 6px 0; }
.table { overflow-x: auto; }
table { border-collapse: collapse; margin: 8px 0 16px; width: 100%; }
th, td { border: 1px solid var(--line); padding: 6px 10px; text-align: left; vertical-align: top; }
th { background: #f9fafb; }
figure { margin: 16px 0; }
figure img { max-width: 100%; height: auto; border: 1px solid var(--line); border-radius: 6px; }
footer { color: var(--muted); font-size: 0.9rem; border-top: 1px solid var(--line);
         padding-top: 12px; padding-bottom: 24px; }
)";

inline std::string to_html(const page& p) {
    std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                      "<title>" +
                      detail::html_escaped(p.title) +
                      (p.name == "index" ? std::string() : std::string(" · elbocheck")) +
                      "</title>\n<link rel=\"stylesheet\" href=\"katex/katex.min.css\">\n"
                      "<link rel=\"stylesheet\" href=\"style.css\">\n</head>\n<body>\n"
                      "<header class=\"site\"><nav><a href=\"index.html\">elbocheck · ELBO "
                      "derivations, checked step by step</a></nav></header>\n<main>\n";
    for (const block& b : p.blocks)
        detail::html_block(out, b);
    out += "</main>\n<footer>Generated by <code>elbocheck docs</code>; math rendered at build "
           "time with KaTeX.</footer>\n</body>\n</html>\n";
    return out;
}

// site/index.html, site/<name>.html, site/plots/<name>.svg and site/style.css. The math is
// still LaTeX in placeholders until tools/docs/render-math.mjs has run over the directory.
inline std::vector<doc_file> site_files(const documentation& docs) {
    std::vector<doc_file> out;
    for (const page& p : docs.pages)
        out.push_back({"site/" + p.name + ".html", to_html(p)});
    for (const named_plot& plot : docs.plots)
        out.push_back({"site/plots/" + plot.name + ".svg", plot.svg});
    out.push_back({"site/style.css", std::string(site_stylesheet)});
    return out;
}

} // namespace elbocheck::report
