#pragma once
// The report for people at a terminal: a line per step (index, relation, rules, the symbolic
// verdict, the numeric verdict with the largest error seen), what is wrong where something
// is, and a summary. Colour only when asked (the caller knows whether it writes to a
// terminal).

#include "elbocheck/report/derivation_report.hpp"
#include "elbocheck/report/names.hpp"

#include <cstdio>
#include <string>

namespace elbocheck::report {

struct palette {
    const char* good = "";
    const char* bad = "";
    const char* dim = "";
    const char* reset = "";

    static palette colored() { return {"\033[32m", "\033[31m", "\033[2m", "\033[0m"}; }
};

namespace detail {

inline std::string numeric_text(const step_check& c) {
    char buffer[96];
    switch (c.numeric.status) {
    case eval::numeric_status::not_evaluated:
        return "not evaluated";
    case eval::numeric_status::holds:
    case eval::numeric_status::fails:
        // A sampled step shows its standard error too: its "err" is a Monte Carlo difference,
        // not rounding, and only a violation beyond 6 standard errors refutes it.
        if (c.numeric.by_monte_carlo)
            std::snprintf(buffer, sizeof buffer, "%-5s err %.1e (sampled, se %.1e)",
                          numeric_word(c.numeric.status).data(), c.numeric.max_abs_error,
                          c.numeric.max_standard_error);
        else
            std::snprintf(buffer, sizeof buffer, "%-5s err %.1e",
                          numeric_word(c.numeric.status).data(), c.numeric.max_abs_error);
        return buffer;
    }
    return {};
}

} // namespace detail

inline void write_text(std::FILE* out, const derivation_report& d, const palette& c) {
    std::fprintf(out, "%s%s%s  %s%s%s\n", d.as_expected() ? c.good : c.bad, d.name.c_str(), c.reset,
                 c.dim, d.title.c_str(), c.reset);
    for (const step_report& s : d.steps) {
        const step_check& w = s.as_written;
        const bool ok = s.as_expected();
        std::fprintf(out, "  %s%2zu  %-2s  %-44s %-11s  %-20s%s%s\n", ok ? "" : c.bad, s.index,
                     sym::symbol_of(w.claimed).data(), joined(w.rules, ",").c_str(),
                     symbolic_word(w.symbolic.status).data(), detail::numeric_text(w).c_str(),
                     s.recorded_mistake ? "  recorded mistake" : "", ok ? "" : c.reset);
        if (s.recorded_mistake) {
            std::fprintf(out, "      %swhy: %s%s\n", c.dim, s.mistake.c_str(), c.reset);
            if (s.correction)
                std::fprintf(out, "      %scorrected: %s %s; numeric %s%s\n", c.dim,
                             symbolic_word(s.correction->symbolic.status).data(),
                             joined(s.correction->rules, ",").c_str(),
                             detail::numeric_text(*s.correction).c_str(), c.reset);
        }
        if (!ok) {
            std::fprintf(out, "      %s%s%s\n", c.bad, w.symbolic_message.c_str(), c.reset);
            if (w.numeric.status == eval::numeric_status::fails)
                std::fprintf(out,
                             "      %snumerically false on %zu of %zu models evaluated (first: "
                             "#%td)%s\n",
                             c.bad, w.numeric.failing, w.numeric.instances, w.numeric.first_failing,
                             c.reset);
            if (s.correction && !step_report::correct_step_ok(*s.correction))
                std::fprintf(out, "      %s%s%s\n", c.bad, s.correction->symbolic_message.c_str(),
                             c.reset);
        }
        // Models without a value are said apart from the verdict, which the others decided.
        if (const std::string skipped = not_evaluable_phrase(w.numeric); !skipped.empty())
            std::fprintf(out, "      %s%s%s\n", c.dim, skipped.c_str(), c.reset);
        if (w.claimed != sym::relation::eq && w.numeric.instances > 0 &&
            w.numeric.status != eval::numeric_status::not_evaluated) {
            std::fprintf(out, "      %sgap in [%.3g, %.3g]", c.dim, w.numeric.gap.min,
                         w.numeric.gap.max);
            if (!w.gap_closed_form_latex.empty())
                std::fprintf(out, "; equals %s to %.1e", w.gap_closed_form_latex.c_str(),
                             w.numeric.gap.closed_form_max_error);
            std::fprintf(out, "%s\n", c.reset);
        }
    }
}

// The closing summary; returns the number of steps that did not behave as expected.
inline std::size_t write_summary(std::FILE* out, const std::vector<derivation_report>& all,
                                 std::size_t instances, const palette& c) {
    std::size_t steps = 0, surprises = 0, mistakes = 0;
    for (const derivation_report& d : all)
        for (const step_report& s : d.steps) {
            ++steps;
            surprises += !s.as_expected();
            mistakes += s.recorded_mistake;
        }
    std::fprintf(out,
                 "\n%zu derivations, %zu steps on %zu models (%zu recorded mistakes of the "
                 "documents): %s%zu behaved as expected, %zu did not%s\n",
                 all.size(), steps, instances, mistakes, surprises ? c.bad : c.good,
                 steps - surprises, surprises, c.reset);
    return surprises;
}

} // namespace elbocheck::report
