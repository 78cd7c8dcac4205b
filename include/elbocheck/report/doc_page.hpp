#pragma once
// What the step-by-step documentation says, once, independent of its format: a page is a list
// of blocks (headings, paragraphs, display math, lists, tables, images, callouts) made of
// spans (words, inline math, code, links, verdict badges). markdown_report.hpp and
// html_site.hpp only decide how each block looks, so the Markdown pages and the HTML site can
// never say different things.
//
// Every number on a page comes from the check that `elbocheck docs` runs (reference model and
// random models from a fixed seed), printed so that regenerating gives the same bytes: values
// with 7 significant digits, rounding-level errors as the power of ten below which they stay,
// never a time or a path.

#include "elbocheck/eval/model_instances.hpp"
#include "elbocheck/eval/sampling_settings.hpp"
#include "elbocheck/report/derivation_report.hpp"
#include "elbocheck/report/guide_path.hpp"
#include "elbocheck/report/names.hpp"
#include "elbocheck/report/notation.hpp"
#include "elbocheck/sym/rule_catalog.hpp"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace elbocheck::report {

// ---- The format-neutral page ----------------------------------------------------------------

enum class badge { justified, flagged_as_recorded, unexpected };

constexpr std::string_view badge_text(badge b) {
    switch (b) {
    case badge::justified:
        return "justified";
    case badge::flagged_as_recorded:
        return "flagged as recorded";
    case badge::unexpected:
        return "unexpected";
    }
    return "";
}

struct span {
    enum class kind { text, math, code, strong, emphasis, link, mark };
    kind k = kind::text;
    std::string text;   // words, LaTeX (math) or code
    std::string target; // link: a page name ("index" is the index page)
    badge verdict = badge::justified;
};
using line = std::vector<span>;

struct block {
    enum class kind { heading, paragraph, math, list, table, image, callout };
    kind k = kind::paragraph;
    int level = 0;                       // heading: 1 = page title
    std::string anchor;                  // heading: a stable id, or empty
    line content;                        // heading, paragraph, image caption
    std::string latex;                   // math
    std::vector<line> items;             // list
    std::vector<std::vector<line>> rows; // table; the first row is the header
    std::string source, alt;             // image: path relative to the site's root
    std::vector<block> children;         // callout: paragraphs
};

struct page {
    std::string name; // file name without extension; "index" for the index page
    std::string title;
    std::vector<block> blocks;
};

inline span words(std::string s) {
    return {span::kind::text, std::move(s), {}, {}};
}
inline span math(std::string latex) {
    return {span::kind::math, std::move(latex), {}, {}};
}
inline span code(std::string s) {
    return {span::kind::code, std::move(s), {}, {}};
}
inline span strong(std::string s) {
    return {span::kind::strong, std::move(s), {}, {}};
}
inline span emphasis(std::string s) {
    return {span::kind::emphasis, std::move(s), {}, {}};
}
// Not "link": POSIX declares a link() that unqualified calls could find.
inline span link_to(std::string text, std::string target) {
    return {span::kind::link, std::move(text), std::move(target), {}};
}
inline span mark(badge b) {
    return {span::kind::mark, std::string(badge_text(b)), {}, b};
}

// Words with inline math between $ signs (the project's own sentences; the documents' words
// go through words() and keep any $ as written).
inline line rich(std::string_view s) {
    line out;
    bool in_math = false;
    std::string current;
    for (char c : s) {
        if (c != '$') {
            current += c;
            continue;
        }
        if (!current.empty())
            out.push_back(in_math ? math(current) : words(current));
        current.clear();
        in_math = !in_math;
    }
    if (!current.empty())
        out.push_back(in_math ? math(current) : words(current));
    return out;
}

inline line operator+(line a, const line& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}
inline line operator+(line a, span b) {
    a.push_back(std::move(b));
    return a;
}

inline block heading(int level, line content, std::string anchor = {}) {
    block b;
    b.k = block::kind::heading;
    b.level = level;
    b.content = std::move(content);
    b.anchor = std::move(anchor);
    return b;
}
inline block paragraph(line content) {
    block b;
    b.k = block::kind::paragraph;
    b.content = std::move(content);
    return b;
}
inline block display(std::string latex) {
    block b;
    b.k = block::kind::math;
    b.latex = std::move(latex);
    return b;
}
inline block list(std::vector<line> items) {
    block b;
    b.k = block::kind::list;
    b.items = std::move(items);
    return b;
}
inline block table(std::vector<std::vector<line>> rows) {
    block b;
    b.k = block::kind::table;
    b.rows = std::move(rows);
    return b;
}
inline block image(std::string source, std::string alt, line caption) {
    block b;
    b.k = block::kind::image;
    b.source = std::move(source);
    b.alt = std::move(alt);
    b.content = std::move(caption);
    return b;
}
inline block callout(std::vector<block> paragraphs) {
    block b;
    b.k = block::kind::callout;
    b.children = std::move(paragraphs);
    return b;
}

// ---- Numbers ----------------------------------------------------------------------------------

namespace detail {

// LaTeX for v with `digits` significant digits: fixed notation for ordinary sizes, and
// m \times 10^{e} beyond them.
inline std::string number_latex(double v, int digits = 7) {
    if (!std::isfinite(v))
        return std::isnan(v) ? R"(\text{NaN})" : (v > 0 ? R"(\infty)" : R"(-\infty)");
    if (v == 0.0)
        return "0";
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.*e", digits - 1, v);
    const std::string s = buffer;
    const std::size_t e = s.find('e');
    const int exponent = std::stoi(s.substr(e + 1));
    if (exponent >= -4 && exponent < 6) {
        std::snprintf(buffer, sizeof buffer, "%.*f", std::max(0, digits - 1 - exponent), v);
        return buffer;
    }
    std::string mantissa = s.substr(0, e);
    while (mantissa.find('.') != std::string::npos &&
           (mantissa.back() == '0' || mantissa.back() == '.'))
        mantissa.pop_back();
    return mantissa + R"( \times 10^{)" + std::to_string(exponent) + "}";
}

// A rounding-level error as the power of ten it stays below ("10^{-9}"): the exact digits of
// rounding noise say nothing, and they are the first thing to change between builds.
inline std::string error_bound_latex(double error) {
    if (error <= 0.0)
        return "0";
    if (!std::isfinite(error))
        return R"(\infty)";
    const int power = static_cast<int>(std::ceil(std::log10(error) - 1e-12));
    return "10^{" + std::to_string(power) + "}";
}

// Gaps of the size of rounding count as 0 (the checker allows for rounding the same way).
inline std::string gap_end_latex(double v) {
    return std::abs(v) < 1e-6 ? "0" : number_latex(v, 3);
}

} // namespace detail

// ---- Content ---------------------------------------------------------------------------------

struct docs_settings {
    std::uint64_t seed = model::default_model_seed;
    std::size_t random_models = 100;
    std::size_t path_points = 51;
    std::vector<std::uint64_t> iwae_k = {5, 50}; // the L_K drawn on the plots
    // Seed and threads of every Monte Carlo estimate, and the draws per sampled term of the
    // checks (--samples). The threads change no bit of the pages.
    eval::sampling_settings sampling;
    // Draws of z per L_K estimate on the plots: apart from --samples, which is tuned for the
    // speed of `check`, so that L_50's curve is smooth whatever the checks use.
    std::uint64_t plot_samples = 64'000;
};

inline badge step_badge(const step_report& s) {
    if (!s.as_expected())
        return badge::unexpected;
    return s.recorded_mistake ? badge::flagged_as_recorded : badge::justified;
}

inline badge derivation_badge(const derivation_report& d) {
    if (!d.as_expected())
        return badge::unexpected;
    for (const step_report& s : d.steps)
        if (s.recorded_mistake)
            return badge::flagged_as_recorded;
    return badge::justified;
}

// "7 steps, all justified" / "7 steps: 6 justified, 1 mistake of the document flagged".
inline std::string verdict_summary(const derivation_report& d) {
    std::size_t mistakes = 0, surprises = 0;
    for (const step_report& s : d.steps) {
        mistakes += s.recorded_mistake && s.as_expected();
        surprises += !s.as_expected();
    }
    const std::size_t n = d.steps.size();
    std::string out = std::to_string(n) + (n == 1 ? " step" : " steps");
    if (mistakes == 0 && surprises == 0)
        return out + (n == 1 ? ", justified" : ", all justified");
    out += ": " + std::to_string(n - mistakes - surprises) + " justified";
    if (mistakes > 0)
        out += ", " + std::to_string(mistakes) +
               (mistakes == 1 ? " mistake of the document" : " mistakes of the document") +
               " flagged and corrected";
    if (surprises > 0)
        out += ", " + std::to_string(surprises) + " not as expected";
    return out;
}

namespace detail {

inline const sym::derivation_record* find_record(const std::vector<sym::derivation_record>& all,
                                                 std::string_view name) {
    for (const sym::derivation_record& d : all)
        if (d.about.name == name)
            return &d;
    return nullptr;
}

inline std::string relation_words(sym::relation r) {
    return r == sym::relation::eq ? "equal" : r == sym::relation::ge ? "at least" : "at most";
}

// "Why": each cited rule with its statement and precondition; a cited lemma links to the
// derivation that proves it.
inline std::vector<line> why_items(const sym::step_data& s,
                                   const std::vector<sym::derivation_record>& all) {
    std::vector<line> items;
    std::size_t lemma = 0;
    for (sym::rule_id r : s.rules) {
        if (r == sym::rule_id::lemma && lemma < s.lemmas.size()) {
            const sym::lemma_data& l = s.lemmas[lemma++];
            const std::string name(l.name.view());
            const sym::derivation_record* cited = find_record(all, name);
            line item{strong("A result derived before"), words(": ")};
            item.push_back(cited ? link_to(std::string(cited->about.title), name) : code(name));
            item.push_back(words(", which shows "));
            item.push_back(math(sym::to_latex(l.from).str() + " " +
                                std::string(sym::latex_of(l.rel)) + " " +
                                sym::to_latex(l.to).str()));
            item.push_back(words("."));
            items.push_back(std::move(item));
            continue;
        }
        const sym::rule_info& info = sym::info(r);
        line item{strong(std::string(info.title)), words(": "), math(std::string(info.statement))};
        // "none" or "none (Gibbs' inequality)": nothing to hold, perhaps a name to give.
        const std::string_view pre = info.precondition;
        if (pre.substr(0, 4) != "none")
            item.push_back(words(" — holds when " + std::string(pre) + "."));
        else if (pre.size() > 7 && pre.substr(4, 2) == " (" && pre.back() == ')')
            item.push_back(words(" — " + std::string(pre.substr(6, pre.size() - 7)) + "."));
        else
            item.push_back(words("."));
        items.push_back(std::move(item));
    }
    return items;
}

// A clause as a sentence: capital first letter, full stop at the end.
inline std::string sentence(std::string s) {
    if (!s.empty() && s.front() >= 'a' && s.front() <= 'z')
        s.front() = static_cast<char>(s.front() - 'a' + 'A');
    if (!s.empty() && s.back() != '.' && s.back() != '?' && s.back() != '!')
        s += '.';
    return s;
}

// The checker's message without its "step 3 (= by rule): " head, which the page already shows.
inline std::string message_body(const std::string& message) {
    const std::size_t at = message.find("): ");
    return at == std::string::npos ? message : message.substr(at + 3);
}

inline line models_phrase(std::size_t evaluated, std::size_t total) {
    const std::string n = std::to_string(evaluated);
    if (evaluated == total && total > 1)
        return {words("all " + n + " models (the reference model and " + std::to_string(total - 1) +
                      " random ones)")};
    return {words(n + " of " + std::to_string(total) + " models")};
}

// "Checked": the symbolic verdict, the numeric one, the gap of an inequality, and the two sides
// on the reference model.
inline std::vector<line> checked_items(const step_check& c, std::size_t total_models) {
    std::vector<line> items;
    if (c.symbolic.justified())
        items.push_back({strong("Symbolically: justified."),
                         words(" The cited rules take the previous line to this one (both reach "
                               "the same canonical form).")});
    else
        items.push_back(
            {strong("Symbolically:"), words(" " + sentence(message_body(c.symbolic_message)))});

    const eval::numeric_step_result& n = c.numeric;
    const bool equality = c.claimed == sym::relation::eq;
    switch (n.status) {
    case eval::numeric_status::not_evaluated:
        items.push_back(
            {strong("Numerically: not evaluated."), words(" " + sentence(n.why_not_evaluated))});
        break;
    case eval::numeric_status::fails:
        items.push_back(
            line{strong("Numerically: false"), words(" on " + std::to_string(n.failing) +
                                                     " of the " + std::to_string(n.instances) +
                                                     " models evaluated; the largest difference "
                                                     "between the two sides is ")} +
            math(number_latex(n.max_abs_error, 3)) + words("."));
        break;
    case eval::numeric_status::holds:
        if (n.by_monte_carlo) {
            // A sampled step is not proved, only not refuted: say so, with the size of the
            // sampling error, rather than calling its error rounding.
            items.push_back(line{strong("Numerically: not refuted (sampled)."),
                                 words(" A side has no closed form, so it was estimated with " +
                                       std::to_string(n.samples) + " draws on each of ")} +
                            models_phrase(n.instances, total_models) +
                            words(equality ? "; the difference of the two sides never left its "
                                           : "; the step's inequality was never violated beyond ") +
                            math("6") + words(" standard errors (the largest standard error was ") +
                            math(number_latex(n.max_standard_error, 3)) + words(")."));
        } else if (equality) {
            line item = line{strong("Numerically: holds."), words(" Both sides agree on ")} +
                        models_phrase(n.instances, total_models);
            if (n.max_abs_error == 0.0)
                item = item + words(", exactly.");
            else
                item = item + words(", to within ") + math(error_bound_latex(n.max_abs_error)) +
                       words(" (rounding).");
            items.push_back(std::move(item));
        } else {
            line item = line{strong("Numerically: holds."),
                             words(" The previous line is " + relation_words(c.claimed) +
                                   " this one on ")} +
                        models_phrase(n.instances, total_models);
            if (n.max_abs_error > 0.0)
                item = item + words(" (up to rounding, below ") +
                       math(error_bound_latex(n.max_abs_error)) + words(")");
            items.push_back(item + words("."));
        }
        break;
    }

    // Models on which a side has no value do not decide the verdict; say how many, and why.
    if (n.not_evaluable > 0 && n.status != eval::numeric_status::not_evaluated)
        items.push_back({strong("Not evaluable on " + std::to_string(n.not_evaluable) + " of " +
                                std::to_string(total_models) + " models."),
                         words(" The first is model #" + std::to_string(n.first_not_evaluable) +
                               ": " + n.why_not_evaluated + ".")});

    if (!equality && n.status != eval::numeric_status::not_evaluated && n.instances > 0) {
        line item =
            line{strong("The gap"), words(" (the larger side minus the smaller) ranges from ")} +
            math(gap_end_latex(n.gap.min)) + words(" to ") + math(gap_end_latex(n.gap.max)) +
            words(n.by_monte_carlo ? " over the models (estimates: a side is sampled)"
                                   : " over the models");
        if (!c.gap_closed_form_latex.empty()) {
            if (n.gap.closed_form_holds)
                item = item + words("; on every model it equals ") + math(c.gap_closed_form_latex) +
                       words(", to within ") +
                       math(error_bound_latex(n.gap.closed_form_max_error)) + words(".");
            else
                item = item + words("; it does not equal ") + math(c.gap_closed_form_latex) +
                       words(", as the step says.");
        } else {
            item = item + words(".");
        }
        items.push_back(std::move(item));
    }

    if (n.status != eval::numeric_status::not_evaluated) {
        if (c.reference_before && c.reference_after) {
            line item = line{strong("On the reference model:"), words(" previous line ")} +
                        math(number_latex(*c.reference_before)) + words(", this line ") +
                        math(number_latex(*c.reference_after));
            if (!equality)
                item = item + words(", gap ") +
                       math(number_latex(c.claimed == sym::relation::ge
                                             ? *c.reference_before - *c.reference_after
                                             : *c.reference_after - *c.reference_before));
            items.push_back(item + words("."));
        } else if (n.by_monte_carlo) {
            items.push_back({strong("On the reference model:"),
                             words(" a side has no closed form; its value is an estimate, "
                                   "compared with the other side as above.")});
        } else if (!c.sides_depend_on_latent) {
            items.push_back({strong("On the reference model:"),
                             words(" the sides have no closed form as written, but their "
                                   "difference needed no sampling: the expectations without "
                                   "one are the same on both sides and cancel, or linearity "
                                   "of expectation gives them one.")});
        } else {
            items.push_back({strong("On the reference model:"),
                             words(" the two sides are functions of the latent variable, not "
                                   "single numbers, so they are compared as functions (exactly, "
                                   "as quadratic forms in it).")});
        }
    }
    return items;
}

// Two lines, as a derivation is written by hand: the previous line, then the relation and
// this one. One line would be too wide for a page, and it would hide the end of the step, where
// a mistake usually is. Rows end with \cr, not \\ (see markdown_report.hpp).
inline std::string two_lines(const std::string& left, sym::relation r, const std::string& right) {
    return R"(\begin{aligned} & )" + left + R"( \cr & {} )" + std::string(sym::latex_of(r)) + " " +
           right + R"( \end{aligned})";
}

inline std::string step_latex(const sym::term& before, const sym::step_data& s) {
    return two_lines(sym::to_latex(before).str(), s.claimed, sym::to_latex(s.next).str());
}

inline void add_step(std::vector<block>& out, const step_report& r, const sym::term& before,
                     const sym::step_data& s, const std::vector<sym::derivation_record>& all,
                     std::size_t total_models) {
    const std::string n = std::to_string(r.index);
    out.push_back(heading(3, {words("Step " + n + " "), mark(step_badge(r))}, "step-" + n));
    out.push_back(paragraph(line{strong("In words."), words(" " + r.words)}));
    out.push_back(paragraph(
        {strong("In math."), words(r.recorded_mistake ? " As the document writes it:" : "")}));
    out.push_back(display(step_latex(before, s)));
    out.push_back(
        paragraph({strong(r.recorded_mistake ? "Why, as the document argues." : "Why.")}));
    out.push_back(list(why_items(s, all)));
    if (!r.recorded_mistake) {
        out.push_back(paragraph({strong("Checked.")}));
        out.push_back(list(checked_items(r.as_written, total_models)));
        return;
    }

    const step_check& w = r.as_written;
    std::vector<block> warning;
    warning.push_back(
        paragraph({strong("The document's mistake."), words(" " + sentence(r.mistake))}));
    warning.push_back(paragraph({strong("What the checker says."),
                                 words(" " + sentence(message_body(w.symbolic_message)))}));
    line numeric{strong("Numerically.")};
    if (w.numeric.status == eval::numeric_status::fails)
        numeric = numeric +
                  words(" False on " + std::to_string(w.numeric.failing) + " of the " +
                        std::to_string(w.numeric.instances) +
                        " models evaluated; the largest difference between the two sides is ") +
                  math(number_latex(w.numeric.max_abs_error, 3)) + words(".");
    else if (w.numeric.status == eval::numeric_status::not_evaluated)
        numeric =
            numeric + words(" It has no value to compare (" + w.numeric.why_not_evaluated + ").");
    else
        numeric = numeric + words(" It happens to hold on the models, but the rules do not "
                                  "justify it.");
    warning.push_back(paragraph(std::move(numeric)));
    out.push_back(callout(std::move(warning)));

    if (!r.correction || s.correction.empty())
        return;
    const sym::step_data& fix = s.correction.front();
    out.push_back(
        paragraph({strong("The corrected step."), words(" "),
                   mark(step_report::correct_step_ok(*r.correction) ? badge::justified
                                                                    : badge::unexpected)}));
    out.push_back(display(step_latex(before, fix)));
    out.push_back(paragraph({strong("Why.")}));
    out.push_back(list(why_items(fix, all)));
    out.push_back(paragraph({strong("Checked.")}));
    out.push_back(list(checked_items(*r.correction, total_models)));
}

} // namespace detail

// A derivation's page. `plot` is the SVG's path relative to the site's root; `estimates` names
// the Monte Carlo bounds the plot shows besides the exact curves (empty when it shows none).
inline page derivation_page(const sym::derivation_record& d, const derivation_report& r,
                            const std::vector<sym::derivation_record>& all,
                            const docs_settings& settings, const std::string& plot,
                            const std::vector<std::string>& estimates,
                            const sym::derivation_record* previous,
                            const sym::derivation_record* next) {
    page p{std::string(d.about.name), std::string(d.about.title), {}};
    std::vector<block>& b = p.blocks;
    b.push_back(heading(1, {words(p.title)}));
    line lead{words("Derivation "), code(p.name)};
    if (!d.about.document.empty())
        lead = lead + words(", from the document ") + code(std::string(d.about.document)) +
               words(" (one of the project's seed documents)");
    lead = lead + words(". ") + mark(derivation_badge(r)) + words(" — " + verdict_summary(r) + ".");
    b.push_back(paragraph(std::move(lead)));

    sym::chain_relation chain;
    bool corrected = false;
    for (const sym::step_data& s : d.data.steps) {
        chain.then(s.recorded_as_mistake() ? s.correction.front().claimed : s.claimed);
        corrected = corrected || s.recorded_as_mistake();
    }
    if (chain.related && !d.data.steps.empty()) {
        b.push_back(paragraph(
            {strong("What it shows."),
             words(corrected ? " From the first line to the last, with the document's mistakes "
                               "corrected:"
                             : " From the first line to the last:")}));
        b.push_back(display(detail::two_lines(sym::to_latex(d.data.start).str(), chain.overall,
                                              sym::to_latex(d.data.final_term()).str())));
    }

    b.push_back(heading(2, {words("Notation")}, "notation"));
    std::vector<std::vector<line>> rows{{{words("Symbol")}, {words("Name")}, {words("Meaning")}}};
    for (const notation_entry& e : notation_of(d))
        rows.push_back({{math(e.latex)}, {words(e.name)}, rich(e.meaning)});
    b.push_back(table(std::move(rows)));

    b.push_back(heading(2, {words("Step by step")}, "steps"));
    b.push_back(paragraph(
        rich("Each step starts from the line before it. A step is checked twice: symbolically, by "
             "applying the rules it cites, and numerically, by computing both sides exactly on "
             "linear-Gaussian models where every term has a closed form.")));
    const sym::term* before = &d.data.start;
    for (std::size_t i = 0; i < r.steps.size() && i < d.data.steps.size(); ++i) {
        detail::add_step(b, r.steps[i], *before, d.data.steps[i], all, r.instances);
        before = &d.data.steps[i].continues_from();
    }

    b.push_back(heading(2, {words("The bound along a path of guides")}, "plot"));
    std::string shown = "the evidence $\\log p_{\\theta}(x)$, the ELBO, ";
    if (!estimates.empty()) {
        shown += "the importance-weighted bounds ";
        for (std::size_t i = 0; i < estimates.size(); ++i)
            shown += (i > 0 ? (i + 1 == estimates.size() ? " and " : ", ") : "") + estimates[i];
        shown += " (dashed; Monte Carlo estimates from " + std::to_string(settings.plot_samples) +
                 " draws of $z$ each, seed " + std::to_string(settings.sampling.seed) +
                 ", the same draws at every $t$), ";
    }
    b.push_back(paragraph(rich(
        "On the reference model, the guide moves on a line from the prior ($t = 0$) to the exact "
        "posterior ($t = 1$): its mean as $m_t = (1 - t)\\,\\mu_0 + t\\,\\mu_{\\text{post}}$ and "
        "its covariance through Cholesky factors, $L_t = (1 - t)\\,L_0 + t\\,L_{\\text{post}}$, "
        "$S_t = L_t L_t^{\\top}$, which stays positive definite all the way. The plot shows " +
        shown +
        "and the gap $D_{\\mathrm{KL}}\\left(q_t \\,\\Vert\\, p_{\\theta}(z \\mid x)\\right) = "
        "\\log p_{\\theta}(x) - \\mathrm{ELBO}$, all three computed exactly. The gap closes to 0 "
        "exactly at $t = 1$, where the guide is the posterior" +
        (estimates.empty() ? std::string(".")
                           : std::string("; the importance-weighted bounds lie between the ELBO "
                                         "and the evidence, tighter as $K$ grows.")))));
    b.push_back(image(plot,
                      "log p(x), the ELBO and their gap as q moves from the prior to the "
                      "posterior",
                      {}));

    b.push_back(heading(2, {words("Reproduce")}, "reproduce"));
    b.push_back(paragraph(
        line{words("The numbers on this page come from ")} + code("elbocheck docs") +
        words(" (the reference model and " + std::to_string(settings.random_models) +
              " random models from seed " + std::to_string(settings.seed) + "), run by ") +
        code("bash tools/docs/build.sh build/main/tools/elbocheck") +
        words(", which also renders the site's math; ") + code("elbocheck check " + p.name) +
        words(" runs the same checks.")));

    line nav;
    if (previous)
        nav = nav + words("← ") +
              link_to(std::string(previous->about.title), std::string(previous->about.name)) +
              words(" · ");
    nav = nav + link_to("All derivations", "index");
    if (next)
        nav = nav + words(" · ") +
              link_to(std::string(next->about.title), std::string(next->about.name)) + words(" →");
    b.push_back(paragraph(std::move(nav)));
    return p;
}

namespace detail {

// A model parameter as it was written: 0.5, not 0.5000.
inline std::string parameter_latex(double v) {
    if (v == 0.0)
        return "0";
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.6g", v);
    return std::string(buffer).find('e') == std::string::npos ? buffer : number_latex(v, 6);
}

inline std::string vector_latex(const Eigen::VectorXd& v) {
    std::string out = R"(\begin{pmatrix})";
    for (Eigen::Index i = 0; i < v.size(); ++i)
        out += (i > 0 ? R"( \cr )" : " ") + parameter_latex(v(i));
    return out + R"( \end{pmatrix})";
}

// Rows separated by \cr rather than \\: GitHub's Markdown may eat one backslash of \\ inside
// $$ blocks, and \cr means the same to KaTeX and MathJax.
inline std::string matrix_latex(const Eigen::MatrixXd& m) {
    std::string out = R"(\begin{pmatrix})";
    for (Eigen::Index i = 0; i < m.rows(); ++i) {
        out += i > 0 ? R"( \cr)" : "";
        for (Eigen::Index j = 0; j < m.cols(); ++j)
            out += (j > 0 ? " & " : " ") + parameter_latex(m(i, j));
    }
    return out + R"( \end{pmatrix})";
}

} // namespace detail

// The index: every derivation with its verdict, grouped by document, and how to read a page.
inline page index_page(const std::vector<sym::derivation_record>& all,
                       const std::vector<derivation_report>& reports,
                       const docs_settings& settings) {
    page p{"index", "ELBO derivations, checked step by step", {}};
    std::vector<block>& b = p.blocks;
    b.push_back(heading(1, {words(p.title)}));
    std::size_t documents_cited = 0;
    bool own = false;
    for (std::size_t i = 0; i < all.size(); ++i) {
        const bool first = std::none_of(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(i),
                                        [&](const sym::derivation_record& e) {
                                            return e.about.document == all[i].about.document;
                                        });
        documents_cited += first && !all[i].about.document.empty();
        own = own || all[i].about.document.empty();
    }
    b.push_back(paragraph(rich(
        "These pages take the derivations of the evidence lower bound (ELBO) from " +
        std::to_string(documents_cited) + (documents_cited == 1 ? " document" : " documents") +
        (own ? " (and a few of the project's own)" : "") +
        " and go through them one step at a time: what the step says in words and in math, which "
        "rule justifies it, and whether it is true. elbocheck checks every step twice: "
        "symbolically, by applying the rule the step cites, and numerically, by computing both "
        "sides exactly on linear-Gaussian models, where $\\log p_{\\theta}(x)$, the posterior and "
        "every KL divergence have closed forms. Where a document makes a mistake, the page shows "
        "it, says what is wrong, and checks the corrected step.")));

    b.push_back(heading(2, {words("How to read the verdicts")}, "verdicts"));
    b.push_back(list({
        {mark(badge::justified),
         words(": the step follows from the rules it cites, and it holds on every model.")},
        {mark(badge::flagged_as_recorded),
         words(": the document's step is wrong, the checker catches it, and the corrected step "
               "is justified. This is the expected outcome for a known mistake.")},
        {mark(badge::unexpected),
         words(": the checker disagrees with what was recorded: a step thought correct is not "
               "justified or is false, or a recorded mistake is not caught.")},
    }));

    b.push_back(heading(2, {words("The derivations")}, "derivations"));
    std::vector<std::string> documents;
    for (const sym::derivation_record& d : all)
        if (std::find(documents.begin(), documents.end(), std::string(d.about.document)) ==
            documents.end())
            documents.emplace_back(d.about.document);
    for (const std::string& document : documents) {
        b.push_back(heading(3, document.empty() ? line{words("Derivations beyond the documents")}
                                                : line{words("Document "), code(document)}));
        std::vector<std::vector<line>> rows{
            {{words("Derivation")}, {words("Name")}, {words("Verdict")}, {words("Steps")}}};
        for (std::size_t i = 0; i < all.size() && i < reports.size(); ++i) {
            if (std::string(all[i].about.document) != document)
                continue;
            const derivation_report& r = reports[i];
            rows.push_back({{link_to(r.title, r.name)},
                            {code(r.name)},
                            {mark(derivation_badge(r))},
                            {words(verdict_summary(r))}});
        }
        b.push_back(table(std::move(rows)));
    }

    b.push_back(heading(2, {words("The models")}, "models"));
    b.push_back(paragraph(
        rich("Every step is evaluated on linear-Gaussian latent-variable models: $z \\sim "
             "\\mathcal{N}(\\mu_0, \\Sigma_0)$, $x \\mid z \\sim \\mathcal{N}(W z + b, \\Psi)$, "
             "with the "
             "guide $q_{\\phi}(z \\mid x) = \\mathcal{N}(m, S)$. The values shown on each page are "
             "those of the reference model:")));
    const model::model_instance ref = model::reference_instance();
    const model::linear_gaussian& m = ref.model;
    // Two parameters per line, so that the matrices fit the page.
    b.push_back(display(R"(\mu_0 = )" + detail::vector_latex(m.prior().mean()) +
                        R"(,\qquad \Sigma_0 = )" + detail::matrix_latex(m.prior().covariance())));
    b.push_back(display(R"(W = )" + detail::matrix_latex(m.loading()) + R"(,\qquad b = )" +
                        detail::vector_latex(m.offset())));
    b.push_back(display(R"(\Psi = )" + detail::matrix_latex(m.noise_covariance()) +
                        R"(,\qquad x = )" + detail::vector_latex(ref.x)));
    b.push_back(display(R"(m = )" + detail::vector_latex(ref.guide.mean()) + R"(,\qquad S = )" +
                        detail::matrix_latex(ref.guide.covariance())));
    b.push_back(paragraph(
        rich("On it, $\\log p_{\\theta}(x) = " + detail::number_latex(m.log_evidence(ref.x)) +
             "$, the ELBO is $" + detail::number_latex(m.elbo(ref.x, ref.guide)) +
             "$ and the gap $D_{\\mathrm{KL}}\\left(q \\,\\Vert\\, p_{\\theta}(z \\mid x)\\right) "
             "= " +
             detail::number_latex(m.kl_to_posterior(ref.x, ref.guide)) + "$.") +
        rich(" Besides it, " + std::to_string(settings.random_models) + " random models (seed " +
             std::to_string(settings.seed) +
             ") vary the dimensions of $z$ and $x$ from 1 to 8, the conditioning of $\\Sigma_0$ "
             "and $\\Psi$ up to $10^{6}$, and the guide: the prior, the exact posterior, near "
             "it, or far from both. One model can make a wrong identity look right; a hundred "
             "different ones rarely do.")));

    b.push_back(heading(2, {words("Reproduce")}, "reproduce"));
    b.push_back(paragraph(line{words("Generated by ")} + code("elbocheck docs") +
                          words(" and rendered with KaTeX by ") +
                          code("bash tools/docs/build.sh build/main/tools/elbocheck") +
                          words(" (which ") + code("bash tools/run-main.sh") + words(" runs); ") +
                          code("elbocheck check") + words(" runs every check.")));
    return p;
}

// ---- Everything the docs command writes -------------------------------------------------------

struct named_plot {
    std::string name; // the derivation's
    std::string svg;
};

struct documentation {
    std::vector<page> pages; // the index first, then one per derivation in catalog order
    std::vector<named_plot> plots;
    std::vector<derivation_report> reports;
};

// Checks every derivation and writes its page and its plot.
inline documentation document(const std::vector<sym::derivation_record>& all,
                              const docs_settings& settings) {
    const eval::instance_set instances =
        eval::make_instances(settings.random_models, settings.seed);
    const model::model_instance& reference = instances.models.front();
    const path_curves curves =
        exact_curves_along_path(reference.model, reference.x, settings.path_points);
    eval::sampling_settings plot_sampling = settings.sampling;
    plot_sampling.samples = settings.plot_samples;
    std::vector<path_estimate> estimates;
    for (const std::uint64_t k : settings.iwae_k)
        estimates.push_back(
            importance_weighted_along_path(reference.model, reference.x, curves, k, plot_sampling));
    std::vector<std::string> estimate_names;
    for (const path_estimate& e : estimates)
        estimate_names.push_back("$" + e.latex + "$");

    documentation out;
    for (const sym::derivation_record& d : all)
        out.reports.push_back(check(d, instances.bindings, settings.sampling));
    out.pages.push_back(index_page(all, out.reports, settings));
    for (std::size_t i = 0; i < all.size(); ++i) {
        const std::string name(all[i].about.name);
        const std::string plot = "plots/" + name + ".svg";
        out.pages.push_back(derivation_page(all[i], out.reports[i], all, settings, plot,
                                            estimate_names, i > 0 ? &all[i - 1] : nullptr,
                                            i + 1 < all.size() ? &all[i + 1] : nullptr));
        out.plots.push_back(
            {name, to_svg(path_plot(curves, std::string(all[i].about.title), estimates))});
    }
    return out;
}

} // namespace elbocheck::report
