#pragma once
// What a check of a note found: every step of every derivation in it, with the place it is
// written, the rules that justify it (found by the rule search, since authors of notes do not
// cite rules), the author's own reason where the text gives one, and the numeric verdict on
// the exact models. Every output format for notes is written from this one structure.
//
// A step's verdict, in the order it is decided:
//   not understood  the reader could not map the step (or the expression before it) onto
//                   terms; reported with the construct, never guessed at
//   approximation   written with \approx: reported, not checked
//   ill-formed      an error: the expression means nothing as written (an integral without its
//                   differential, dx where the expression is about z)
//   false           an error: some exact model refutes it (both sides' values are reported)
//   justified       rules of the catalog take one side to the other
//   not justified   true on every model tried, but no rule of the catalog justifies it
//                   (reported, not an error: the catalog is what is missing)
//   not refuted     as not justified, but the numeric check could not evaluate the step
//   unchecked       the expression before it is ill-formed (the error is reported there)
//   assumption      one side is the guide alone (q(z | x) = p(z | x)): a choice, not checked
//
// A step is judged from the last expression of its chain that was not found wrong, so one
// mistake is reported once and the steps after it are still checked.

#include "elbocheck/eval/numeric_step_check.hpp"
#include "elbocheck/read/meaning.hpp"
#include "elbocheck/sym/derivation.hpp"
#include "elbocheck/sym/latex.hpp"
#include "elbocheck/sym/rule_search.hpp"

#include <algorithm>
#include <cctype>
#include <deque>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace elbocheck::report {

enum class note_verdict : std::uint8_t {
    justified,
    not_justified,
    not_refuted,
    false_step,
    ill_formed,
    not_understood,
    approximation,
    unchecked,  // follows an ill-formed expression
    assumption, // equates the guide with something: a choice, not a consequence
};

constexpr std::string_view note_verdict_word(note_verdict v) {
    switch (v) {
    case note_verdict::justified:
        return "justified";
    case note_verdict::not_justified:
        return "not-justified";
    case note_verdict::not_refuted:
        return "not-refuted";
    case note_verdict::false_step:
        return "false";
    case note_verdict::ill_formed:
        return "ill-formed";
    case note_verdict::not_understood:
        return "not-understood";
    case note_verdict::approximation:
        return "approximation";
    case note_verdict::unchecked:
        return "unchecked";
    case note_verdict::assumption:
        return "assumption";
    }
    return "unknown";
}

struct note_step_report {
    std::string file;
    int cell = -1; // notebook cell, -1 for a plain file
    read::source_position where;
    std::size_t derivation = 0; // 1-based, in the note
    std::size_t index = 0;      // 1-based, in its derivation
    sym::relation claimed = sym::relation::eq;
    bool implicit = false; // no relation written: a display restating the previous one
    std::string latex;     // the step as written in the note
    std::string before_latex, after_latex; // what the reader understood, rendered again
    std::string author_words;              // the annotation, and the prose just before it
    std::vector<std::string> author_rules; // rules the author's words name
    note_verdict verdict = note_verdict::not_understood;
    std::vector<std::string> rules; // found by the rule search
    std::string message;            // what is wrong, or why the step was not checked
    std::string reason_conflict;    // the author names a reason the step does not rest on
    bool evaluated = false;         // the numeric check ran
    eval::numeric_step_result numeric;
    std::optional<double> reference_before, reference_after;
    // Not empty for the claim a brace label makes (\underbrace{..}_{\text{ELBO}} says the part
    // is the ELBO; _{\geq 0} that it is not negative): the label as written.
    std::string label;
    // The claim is the note's definition of the quantity `label` names (\text{ELBO} := ..),
    // which must be what the name means, rather than a brace label.
    bool definition = false;

    bool is_error() const {
        return verdict == note_verdict::false_step || verdict == note_verdict::ill_formed;
    }
    bool understood() const { return verdict != note_verdict::not_understood; }
};

struct note_report {
    std::string file;
    std::vector<std::string> assumptions;      // roles the checker took the letters to play
    std::vector<read::diagnostic> diagnostics; // what the reader could not read or understand
    std::size_t derivations = 0;
    std::size_t display_rows = 0, understood_rows = 0;
    std::size_t instances = 0;
    std::vector<note_step_report> steps;

    std::size_t count(note_verdict v) const {
        return static_cast<std::size_t>(std::count_if(
            steps.begin(), steps.end(), [v](const note_step_report& s) { return s.verdict == v; }));
    }
    std::size_t errors() const {
        return count(note_verdict::false_step) + count(note_verdict::ill_formed);
    }
    const note_step_report* first_error() const {
        for (const auto& s : steps)
            if (s.is_error())
                return &s;
        return nullptr;
    }
};

namespace note_detail {

inline std::string lowered(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

inline bool has(const std::string& haystack, std::string_view needle) {
    return haystack.find(needle) != std::string::npos;
}

// The rules an author's words name. Only names that single out one rule count: "Jensen",
// "Bayes" or "chain rule", "KL >= 0" (or the divergence being non-negative, Gibbs' inequality),
// "definition of KL". Words are lower-cased; LaTeX spellings of >= are accepted.
inline std::vector<sym::rule_id> rules_named_in(const std::string& words) {
    const std::string w = lowered(words);
    std::vector<sym::rule_id> out;
    if (has(w, "jensen"))
        out.push_back(sym::rule_id::jensen);
    const bool mentions_kl = has(w, "kl") || has(w, "divergence");
    if (has(w, "gibbs") ||
        (mentions_kl &&
         (has(w, "non-negativ") || has(w, "nonnegativ") || has(w, "\\geq 0") || has(w, "\\ge 0") ||
          has(w, ">= 0") || has(w, ">=0") || has(w, "\\geq0") || has(w, "\xe2\x89\xa5 0") ||
          has(w, "\xe2\x89\xa5"
                 "0") ||
          has(w, "always positive") || has(w, "at least 0") || has(w, "at least zero"))))
        out.push_back(sym::rule_id::kl_nonnegative);
    if (has(w, "bayes") || has(w, "chain rule") || has(w, "product rule"))
        out.push_back(sym::rule_id::bayes_rule);
    if (mentions_kl && has(w, "definition"))
        out.push_back(sym::rule_id::kl_definition);
    return out;
}

inline std::vector<std::string> keys_of(const std::vector<sym::rule_id>& rules) {
    std::vector<std::string> out;
    for (sym::rule_id r : rules)
        out.emplace_back(sym::info(r).key);
    return out;
}

inline bool contains(const std::vector<sym::rule_id>& rules, sym::rule_id r) {
    return std::find(rules.begin(), rules.end(), r) != rules.end();
}

inline std::optional<double> value_on(const eval::model_binding& b, const sym::term& t) {
    const eval::exact_result r = eval::exact_evaluator(b).evaluate(t);
    if (!r.ok())
        return std::nullopt;
    return r.value().scalar();
}

// The prose between the previous step and this one, when it is short enough to be about this
// step: the words that introduce a display ("by Jensen's inequality:") are its reason.
inline std::string prose_before(const read::note& n, const read::chain_step& step,
                                read::source_position after) {
    std::string words;
    for (const auto& p : n.prose) {
        if (p.source >= n.sources.size() || n.sources[p.source].name() != step.file)
            continue;
        const bool starts_after = p.start.line > after.line ||
                                  (p.start.line == after.line && p.start.column > after.column);
        const bool starts_before =
            p.start.line < step.where.line ||
            (p.start.line == step.where.line && p.start.column < step.where.column);
        if (starts_after && starts_before)
            words = p.text; // the last one before the step
    }
    // Only the last paragraph, and not a page of it.
    if (auto blank = words.rfind("\n\n"); blank != std::string::npos) {
        std::string tail = words.substr(blank + 2);
        if (tail.find_first_not_of(" \t\r\n") != std::string::npos)
            words = std::move(tail);
    }
    if (words.size() > 400)
        words.erase(0, words.size() - 400);
    return words;
}

// The reader's first diagnostic about the stretch of source from `from` up to `to`: why the
// step there was not understood.
inline const read::diagnostic* diagnostic_between(const std::vector<read::diagnostic>& all,
                                                  const std::string& file,
                                                  read::source_position from,
                                                  read::source_position to) {
    auto before = [](read::source_position a, read::source_position b) {
        return a.line < b.line || (a.line == b.line && a.column < b.column);
    };
    for (const auto& d : all)
        if (d.file == file && !before(d.where, from) && before(d.where, to))
            return &d;
    return nullptr;
}

struct step_context {
    std::span<const eval::model_binding> instances;
    const eval::sampling_settings* sampling;
};

// Decides the verdict of one understood step, before -> after.
inline void judge(note_step_report& r, const sym::term& before, const sym::term& after,
                  const step_context& ctx) {
    r.before_latex = sym::to_latex(before).str();
    r.after_latex = sym::to_latex(after).str();
    // The guide is the author's to choose: q(z | x) = p(z | x), q(z) = \prod_j q_j(z_j)
    // state a choice (or the condition for equality), not a consequence of what came before.
    auto guide_alone = [](const sym::term& t) {
        return t.is(sym::op::density) &&
               t.role == static_cast<std::uint8_t>(sym::family_role::guide);
    };
    if (r.claimed == sym::relation::eq && (guide_alone(before) || guide_alone(after))) {
        r.verdict = note_verdict::assumption;
        r.message = "a statement of which guide is chosen, not a step to check";
        return;
    }
    if (sym::form_report f = sym::check_form(before); !f.ok()) {
        // The error is the step that wrote it; what follows from it is not checked.
        r.verdict = note_verdict::unchecked;
        r.message = "not checked: the expression before it is ill-formed (" +
                    sym::detail::form_text(f, before).str() + ")";
        return;
    }
    if (sym::form_report f = sym::check_form(after); !f.ok()) {
        r.verdict = note_verdict::ill_formed;
        r.message = sym::detail::form_text(f, after).str();
        return;
    }

    r.numeric = eval::check_step_numerically(before, r.claimed, after, nullptr, ctx.instances,
                                             eval::default_tolerance, *ctx.sampling);
    r.evaluated = true;
    if (!ctx.instances.empty()) {
        r.reference_before = value_on(ctx.instances.front(), before);
        r.reference_after = value_on(ctx.instances.front(), after);
    }
    // A side that depends on a variable the other integrated out is the mark of dx written for
    // dz, unless the step holds at every value of that variable on every model: then the
    // variable cancels (p(x) = p(x, z) / p(z | x) after p(x) = the integral of p(x, z) dz)
    // and the step says nothing wrong.
    if (sym::form_report f = sym::check_step_form(before, after);
        !f.ok() && r.numeric.status != eval::numeric_status::holds) {
        r.verdict = note_verdict::ill_formed;
        r.message = sym::detail::form_text(f, after).str();
        return;
    }
    if (r.numeric.status == eval::numeric_status::fails) {
        r.verdict = note_verdict::false_step;
        r.message = "false on " + std::to_string(r.numeric.failing) + " of " +
                    std::to_string(r.numeric.instances) + " models";
        if (r.numeric.pointwise_instances > 0)
            r.message += " at some value of the free latent variable (an inequality between "
                         "functions of it must hold at every value; compared at " +
                         std::to_string(r.numeric.points_compared) + " points)";
        return;
    }

    // The author's named inequality first: when it justifies the step, it is the one shown.
    const std::vector<sym::rule_id> named = rules_named_in(r.author_words);
    sym::rule_search_result found = sym::find_rules(before, r.claimed, after);
    if (found.found && r.claimed != sym::relation::eq) {
        for (sym::rule_id inequality : sym::detail::every_inequality_rule) {
            if (!contains(named, inequality) || contains(found.rules, inequality))
                continue;
            std::vector<sym::rule_id> pool(sym::every_rewrite_rule.begin(),
                                           sym::every_rewrite_rule.end());
            pool.push_back(inequality);
            if (sym::detail::justified_by_pool(before, r.claimed, after, pool)) {
                found.rules = sym::detail::minimized(before, r.claimed, after, std::move(pool));
                break;
            }
        }
        for (sym::rule_id inequality : sym::detail::every_inequality_rule)
            if (contains(found.rules, inequality))
                for (sym::rule_id said : named)
                    if (sym::info(said).kind == sym::rule_kind::inequality && said != inequality &&
                        !(said == sym::rule_id::jensen &&
                          inequality == sym::rule_id::jensen_finite))
                        r.reason_conflict = "the text names " + std::string(sym::info(said).key) +
                                            ", but the step rests on " +
                                            std::string(sym::info(inequality).key);
    }
    r.author_rules = keys_of(named);
    if (found.found) {
        r.verdict = note_verdict::justified;
        r.rules = keys_of(found.rules);
        return;
    }
    if (r.numeric.status == eval::numeric_status::holds) {
        r.verdict = note_verdict::not_justified;
        r.message = "true on every model tried, but no rule of the catalog justifies it";
    } else {
        r.verdict = note_verdict::not_refuted;
        r.message = "no rule of the catalog justifies it, and it could not be evaluated (" +
                    r.numeric.why_not_evaluated + ")";
    }
}

// The claims brace labels make about parts of a step: a part labelled with a quantity equals
// it, a part labelled >= 0 is not negative. Each is judged like a step, part REL claim, and
// reported right after the step it is written in (`step` gives the place and numbering).
// A name whose definition in the note is not what the name means (the ELBO defined as
// something else): its id and the meaning it is read with afterwards, as a reader who spotted
// the wrong definition goes on with the right one.
struct corrected_name {
    int id = 0;
    sym::term meaning;
};

inline sym::term with_corrected_names(sym::term t, const std::vector<corrected_name>& corrected) {
    if (t.is(sym::op::named) && !t.kids.empty())
        for (const corrected_name& c : corrected)
            if (c.id == t.id) {
                t.kids[0] = c.meaning;
                return t;
            }
    for (sym::term& k : t.kids)
        k = with_corrected_names(std::move(k), corrected);
    return t;
}

// `name`: the named quantity a definition claim is about (the chain's start), and `corrected`
// where a definition found wrong is recorded.
inline void check_labels(note_report& out, const note_step_report& step,
                         const std::vector<read::labelled_part>& labels, const step_context& ctx,
                         const sym::term* name = nullptr,
                         std::vector<corrected_name>* corrected = nullptr) {
    for (const read::labelled_part& l : labels) {
        if (!l.label_term && !l.nonnegative_claim)
            continue; // prose: "reconstruction term"
        note_step_report r;
        r.file = step.file;
        r.cell = step.cell;
        r.where = l.where;
        r.derivation = step.derivation;
        r.index = step.index;
        r.label = l.label;
        const std::string part = sym::to_latex(l.part).str();
        switch (l.how) {
        case read::labelled_part::written::underbrace:
            r.latex = "\\underbrace{" + part + "}_{" + l.label + "}";
            break;
        case read::labelled_part::written::overbrace:
            r.latex = "\\overbrace{" + part + "}^{" + l.label + "}";
            break;
        case read::labelled_part::written::definition:
            r.latex = "\\text{" + l.label + "} := " + part;
            break;
        }
        if (l.nonnegative_claim) {
            r.claimed = sym::relation::ge;
            judge(r, l.part, sym::make_number({0, 1}), ctx);
        } else {
            r.claimed = sym::relation::eq;
            judge(r, l.part, *l.label_term, ctx);
        }
        if (l.how == read::labelled_part::written::definition) {
            r.definition = true;
            if (r.verdict == note_verdict::false_step)
                r.message += ": what the note defines as the " + l.label +
                             " is not the evidence lower bound of its model and guide";
            if (r.is_error() && name && corrected)
                corrected->push_back({name->id, *l.label_term});
        }
        out.steps.push_back(std::move(r));
    }
}

} // namespace note_detail

// Checks every derivation the meaning layer found in `n`. `meaning` is understand_note(n);
// `instances` are the exact models (the first is the reference model).
inline note_report check_note(const read::note& n, const read::note_meaning& meaning,
                              std::span<const eval::model_binding> instances,
                              const eval::sampling_settings& sampling = {}) {
    note_report out;
    out.file = n.file;
    out.diagnostics = n.diagnostics;
    out.diagnostics.insert(out.diagnostics.end(), meaning.diagnostics.begin(),
                           meaning.diagnostics.end());
    out.display_rows = meaning.display_rows;
    out.understood_rows = meaning.understood_rows;
    out.instances = instances.size();
    const note_detail::step_context ctx{instances, &sampling};

    std::vector<note_detail::corrected_name> corrected;
    std::deque<sym::term> judged_terms;
    for (const read::chain& c : meaning.chains) {
        if (c.steps.empty())
            continue;
        ++out.derivations;
        if (!c.labels.empty()) {
            note_step_report start;
            start.file = c.steps.front().file;
            start.cell = c.steps.front().cell;
            start.where = c.where;
            start.derivation = out.derivations;
            note_detail::check_labels(out, start, c.labels, ctx,
                                      c.start && c.start->is(sym::op::named) ? &*c.start : nullptr,
                                      &corrected);
        }
        // The terms as judged, with wrongly defined names read as they should be (a deque, so
        // that `before` stays valid as more are added).
        auto as_judged = [&](const sym::term& t) -> const sym::term* {
            if (corrected.empty())
                return &t;
            judged_terms.push_back(note_detail::with_corrected_names(t, corrected));
            return &judged_terms.back();
        };
        const sym::term* start = c.start ? as_judged(*c.start) : nullptr;
        // A chain that defines a name begins with the definition itself, true as written; a
        // wrong definition is reported once, by its claim above.
        const bool defines = std::any_of(c.labels.begin(), c.labels.end(), [](const auto& l) {
            return l.how == read::labelled_part::written::definition;
        });
        const sym::term* before = defines && c.start ? &*c.start : start;
        read::source_position previous = c.where;
        for (std::size_t k = 0; k < c.steps.size(); ++k) {
            const read::chain_step& s = c.steps[k];
            note_step_report r;
            r.file = s.file;
            r.cell = s.cell;
            r.where = s.where;
            r.derivation = out.derivations;
            r.index = k + 1;
            r.claimed = s.relation;
            r.implicit = s.implicit;
            r.latex = s.latex;
            r.author_words = s.annotation;
            if (k == 0 || s.where.line != previous.line) {
                // The first step's words may come before the chain's first expression, in
                // the sentence that introduces the display ("By Jensen's inequality:").
                const read::source_position from =
                    k == 0 ? read::source_position{c.where.line > 10 ? c.where.line - 10 : 0, 0}
                           : previous;
                std::string prose = note_detail::prose_before(n, s, from);
                if (!prose.empty()) {
                    if (!r.author_words.empty())
                        r.author_words += " ";
                    r.author_words += prose;
                }
            }
            if (s.approximation) {
                r.verdict = note_verdict::approximation;
                r.message = "an approximation (\\approx): not checked";
            } else if (!s.understood || !s.next) {
                r.verdict = note_verdict::not_understood;
                const read::source_position until = k + 1 < c.steps.size()
                                                        ? c.steps[k + 1].where
                                                        : read::source_position{UINT32_MAX, 0};
                const read::diagnostic* why =
                    note_detail::diagnostic_between(out.diagnostics, s.file, s.where, until);
                r.message = why ? why->message : "not understood";
            } else if (!before) {
                r.verdict = note_verdict::not_understood;
                r.message = "the expression before it was not understood";
            } else {
                // A block that restates the chain's left side (L = R_1 after L = ... = R_k)
                // is judged as written, L = R_1: the link from R_k is the reader's inference.
                if (s.restated && start)
                    before = start;
                note_detail::judge(r, *before, *as_judged(*s.next), ctx);
            }
            // A wrong step does not make the next one wrong: the next is judged from the last
            // expression not found wrong, as a reader who spotted the mistake would go on.
            if (!r.is_error())
                before = s.next ? as_judged(*s.next) : nullptr;
            previous = s.where;
            const note_step_report place = r;
            out.steps.push_back(std::move(r));
            note_detail::check_labels(out, place, s.labels, ctx);
        }
    }
    return out;
}

} // namespace elbocheck::report
