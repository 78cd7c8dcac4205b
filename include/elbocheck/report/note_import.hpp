#pragma once
// `elbocheck import NOTE`: a note's derivations written back as C++ in the derivation
// language (sym/claim.hpp), so that what the checker found in a note is claimed at compile
// time in CI: the generated file compiles exactly when the findings still hold.
//
// Each chain of the note becomes one or more derivations. A step the checker justified is
// written with the rules it found; a step it found false or ill-formed is recorded with
// .mistake(why, correction), the correction being the expression the chain continues from
// (the checker judges the step after a wrong one from the last expression not found wrong), so
// the corrected step relates that expression to itself and needs no rule. Anything else (not
// understood, an approximation, not justified by the catalog, an assumption, an expression the
// derivation language cannot spell, an inequality turning the chain's direction) ends the
// derivation there, with a comment naming the line; the chain goes on in a new derivation from
// the expression the checker went on from.

#include "elbocheck/read/meaning.hpp"
#include "elbocheck/report/note_report.hpp"
#include "elbocheck/sym/rule_catalog.hpp"
#include "elbocheck/sym/term.hpp"

#include <cctype>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace elbocheck::report {

namespace import_detail {

// A C++ string literal holding `s` (escaped; control characters as octal escapes).
inline std::string cpp_string(std::string_view s) {
    std::string out = "\"";
    for (char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (c == '\n') {
            out += "\\n";
        } else if (c == '\t') {
            out += "\\t";
        } else if (u < 0x20 || u == 0x7f) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\%03o", static_cast<unsigned>(u));
            out += buf;
        } else {
            out += c;
        }
    }
    out += '"';
    return out;
}

// One line of text for a // comment.
inline std::string one_line(std::string_view s) {
    std::string out;
    for (char c : s)
        out += (c == '\n' || c == '\r') ? ' ' : c;
    return out;
}

enum class precedence : int { sum = 1, product = 2, atom = 3 };

struct printed {
    std::string text;
    precedence level = precedence::atom;
};

inline std::string at_least(const printed& p, precedence level) {
    return static_cast<int>(p.level) >= static_cast<int>(level) ? p.text : "(" + p.text + ")";
}

inline std::string integer(std::int64_t v) {
    return std::to_string(v);
}

inline std::string number_text(const sym::rational& v) {
    if (v.den == 1)
        return "num<" + integer(v.num) + ">";
    return "num<" + integer(v.num) + ", " + integer(v.den) + ">";
}

inline std::string role_text(std::uint8_t role) {
    return role == static_cast<std::uint8_t>(sym::variable_role::observed)
               ? "variable_role::observed"
               : "variable_role::latent";
}

// A variable as the DSL spells it: one of the named symbols when it is exactly that symbol.
inline std::optional<std::string> variable_text(const sym::term& t) {
    if (!t.is(sym::op::variable) || t.id == sym::no_variable_id)
        return std::nullopt;
    struct known {
        int id;
        std::string_view latex;
        sym::variable_role role;
        std::string_view name;
    };
    static constexpr known names[] = {
        {1, "x", sym::variable_role::observed, "x"},
        {2, "z", sym::variable_role::latent, "z"},
        {3, R"(\theta)", sym::variable_role::latent, "theta"},
        {4, "z_1", sym::variable_role::latent, "z_1"},
        {5, "z_2", sym::variable_role::latent, "z_2"},
    };
    for (const known& k : names)
        if (k.id == t.id && k.latex == t.latex.view() &&
            static_cast<std::uint8_t>(k.role) == t.role)
            return std::string(k.name);
    if (t.role > 1)
        return std::nullopt;
    return "variable_t<" + integer(t.id) + ", " + cpp_string(t.latex.view()) + ", " +
           role_text(t.role) + ">{}";
}

inline std::optional<std::string> family_text(const sym::term& t) {
    const bool model = t.role == static_cast<std::uint8_t>(sym::family_role::model);
    if (t.role > 1)
        return std::nullopt;
    if (t.id == 1 && t.latex.view() == "p" && t.subscript.view() == R"(\theta)" && model)
        return "p";
    if (t.id == 2 && t.latex.view() == "q" && t.subscript.view() == R"(\phi)" && !model)
        return "q";
    return "family_t<" + integer(t.id) + ", " + cpp_string(t.latex.view()) + ", " +
           cpp_string(t.subscript.view()) + ", " +
           (model ? "family_role::model" : "family_role::guide") + ">{}";
}

inline std::optional<printed> print(const sym::term& t);

inline std::optional<std::string> print_text(const sym::term& t) {
    auto p = print(t);
    if (!p)
        return std::nullopt;
    return p->text;
}

// base * base * ... (k times), k >= 1.
inline std::optional<printed> repeated_product(const sym::term& base, std::int64_t k) {
    auto b = print(base);
    if (!b)
        return std::nullopt;
    if (k == 1)
        return b;
    std::string out;
    for (std::int64_t i = 0; i < k; ++i)
        out += (i ? " * " : "") + at_least(*b, precedence::atom);
    return printed{out, precedence::product};
}

inline std::optional<printed> print_product(const sym::term& t) {
    if (t.kids.empty())
        return std::nullopt;
    // -1 * rest: a negation.
    if (t.kids.size() >= 2 && t.kids.front().is_number(sym::rational(-1))) {
        sym::term rest =
            t.kids.size() == 2 ? t.kids[1] : sym::make_product({t.kids.begin() + 1, t.kids.end()});
        auto r = print(rest);
        if (!r)
            return std::nullopt;
        return printed{"-" + at_least(*r, precedence::atom), precedence::product};
    }
    std::vector<std::string> numerator, denominator;
    for (const sym::term& f : t.kids) {
        if (f.is(sym::op::power) && f.value.den == 1 && f.value.num < 0 && f.value.num >= -6) {
            auto d = repeated_product(f.kids.front(), -f.value.num);
            if (!d)
                return std::nullopt;
            denominator.push_back(at_least(*d, precedence::atom));
            continue;
        }
        auto p = print(f);
        if (!p)
            return std::nullopt;
        numerator.push_back(at_least(*p, precedence::product));
    }
    std::string out;
    for (std::size_t i = 0; i < numerator.size(); ++i)
        out += (i ? " * " : "") + numerator[i];
    if (numerator.empty())
        out = "num<1>";
    for (const std::string& d : denominator)
        out += " / " + d;
    return printed{out, numerator.size() + denominator.size() > 1 ? precedence::product
                                                                  : precedence::atom};
}

inline std::optional<printed> print_sum(const sym::term& t) {
    if (t.kids.empty())
        return std::nullopt;
    if (t.kids.size() == 1)
        return print(t.kids.front());
    std::string out;
    for (std::size_t i = 0; i < t.kids.size(); ++i) {
        const sym::term& k = t.kids[i];
        const bool negated = i > 0 && k.is(sym::op::mul) && k.kids.size() >= 2 &&
                             k.kids.front().is_number(sym::rational(-1));
        if (negated) {
            sym::term rest = k.kids.size() == 2
                                 ? k.kids[1]
                                 : sym::make_product({k.kids.begin() + 1, k.kids.end()});
            auto r = print(rest);
            if (!r)
                return std::nullopt;
            out += " - " + at_least(*r, precedence::product);
            continue;
        }
        auto p = print(k);
        if (!p)
            return std::nullopt;
        out += i ? " + " + at_least(*p, precedence::product) : at_least(*p, precedence::sum);
    }
    return printed{out, precedence::sum};
}

inline std::optional<printed> print(const sym::term& t) {
    using sym::op;
    switch (t.kind) {
    case op::number:
        return printed{number_text(t.value), precedence::atom};
    case op::variable: {
        auto v = variable_text(t);
        if (!v)
            return std::nullopt;
        return printed{*v, precedence::atom};
    }
    case op::parameter: {
        const bool nonnegative =
            t.role == static_cast<std::uint8_t>(sym::parameter_sign::nonnegative);
        if (t.id == 1 && t.latex.view() == R"(\beta)" && !nonnegative &&
            t.value == sym::rational(4))
            return printed{"beta", precedence::atom};
        if (t.id == 2 && t.latex.view() == R"(\gamma)" && nonnegative &&
            t.value == sym::rational(3))
            return printed{"excess", precedence::atom};
        if (t.role > 1)
            return std::nullopt;
        return printed{"parameter_t<" + integer(t.id) + ", " + cpp_string(t.latex.view()) + ", " +
                           (nonnegative ? "parameter_sign::nonnegative" : "parameter_sign::any") +
                           ", " + integer(t.value.num) + ", " + integer(t.value.den) + ">{}",
                       precedence::atom};
    }
    case op::density: {
        auto family = family_text(t);
        if (!family || t.given == 0 || t.given > t.kids.size())
            return std::nullopt;
        std::string args;
        for (std::size_t i = 0; i < t.kids.size(); ++i) {
            auto v = variable_text(t.kids[i]);
            if (!v)
                return std::nullopt;
            if (i > 0)
                args += i == t.given ? " | " : ", ";
            args += *v;
        }
        return printed{*family + "(" + args + ")", precedence::atom};
    }
    case op::named: {
        if (t.kids.size() != 1 || t.id <= 0)
            return std::nullopt;
        auto d = print_text(t.kids.front());
        if (!d)
            return std::nullopt;
        return printed{"define<" + integer(t.id) + ", " + cpp_string(t.latex.view()) + ">(" + *d +
                           ")",
                       precedence::atom};
    }
    case op::log:
    case op::exp: {
        if (t.kids.size() != 1)
            return std::nullopt;
        auto a = print_text(t.kids.front());
        if (!a)
            return std::nullopt;
        return printed{std::string(t.kind == op::log ? "log" : "exp") + "(" + *a + ")",
                       precedence::atom};
    }
    case op::add:
        return print_sum(t);
    case op::mul:
        return print_product(t);
    case op::power: {
        if (t.kids.size() != 1 || t.value.den != 1 || t.value.num == 0)
            return std::nullopt;
        if (t.value.num > 0) {
            if (t.value.num > 6)
                return std::nullopt;
            return repeated_product(t.kids.front(), t.value.num);
        }
        if (t.value.num < -6)
            return std::nullopt;
        auto d = repeated_product(t.kids.front(), -t.value.num);
        if (!d)
            return std::nullopt;
        return printed{"num<1> / " + at_least(*d, precedence::atom), precedence::product};
    }
    case op::expectation: {
        if (t.kids.size() != 3)
            return std::nullopt;
        auto v = variable_text(t.kids[0]);
        auto d = print_text(t.kids[1]);
        auto f = print_text(t.kids[2]);
        if (!v || !d || !f)
            return std::nullopt;
        return printed{"E(" + *v + ", " + *d + ")[" + *f + "]", precedence::atom};
    }
    case op::integral: {
        if (t.kids.size() != 2)
            return std::nullopt;
        auto f = print_text(t.kids[1]);
        if (!f)
            return std::nullopt;
        if (t.kids[0].is(op::variable) && t.kids[0].id == sym::no_variable_id)
            return printed{"integral_without_differential(" + *f + ")", precedence::atom};
        auto v = variable_text(t.kids[0]);
        if (!v)
            return std::nullopt;
        return printed{"integral(" + *v + ", " + *f + ")", precedence::atom};
    }
    case op::kl: {
        if (t.kids.size() != 2)
            return std::nullopt;
        auto a = print_text(t.kids[0]);
        auto b = print_text(t.kids[1]);
        if (!a || !b)
            return std::nullopt;
        return printed{"KL(" + *a + ", " + *b + ")", precedence::atom};
    }
    }
    return std::nullopt;
}

inline std::string relation_method(sym::relation r) {
    switch (r) {
    case sym::relation::ge:
        return "ge";
    case sym::relation::le:
        return "le";
    default:
        return "eq";
    }
}

// A C++ identifier from a file name: letters, digits and underscores, not starting with a digit.
inline std::string identifier_from(std::string_view file) {
    std::string_view stem = file;
    if (auto slash = stem.find_last_of("/\\"); slash != std::string_view::npos)
        stem.remove_prefix(slash + 1);
    if (auto dot = stem.find_last_of('.'); dot != std::string_view::npos && dot > 0)
        stem = stem.substr(0, dot);
    std::string out = "note_";
    for (char c : stem) {
        const auto u = static_cast<unsigned char>(c);
        out += (std::isalnum(u) && u < 0x80) ? c : '_';
    }
    return out;
}

inline std::string file_prologue(const std::vector<std::string>& notes) {
    std::string out = "// Generated by `elbocheck import` from";
    for (const auto& n : notes) {
        out += ' ';
        out += one_line(n);
    }
    out += ".\n"
           "// Compiling this file checks, at compile time, what the checker found in the note:\n"
           "// each step justified by the rules it found, each wrong step recorded as a mistake\n"
           "// with the expression the note continues from as its correction. Regenerate it with\n"
           "// `elbocheck import NOTE -o FILE` rather than editing it.\n\n"
           "#include \"elbocheck/sym.hpp\"\n";
    return out;
}

// One derivation being written: its start, its steps as C++ text.
struct segment {
    std::string start;
    std::string start_or_previous; // the expression the next step is judged from
    std::string steps;
    std::size_t count = 0;
    bool mistakes = false;
    sym::relation direction = sym::relation::eq; // eq until an inequality is written
};

// The body of a note's namespace and its claims.
inline std::string note_namespace(const read::note_meaning& meaning, const note_report& report,
                                  std::string_view note_file, const std::string& name) {
    std::string body, claims;
    std::size_t derivation_number = 0;
    std::size_t written = 0;
    for (const read::chain& c : meaning.chains) {
        if (c.steps.empty())
            continue;
        ++derivation_number;
        const std::string chain_id = "d" + std::to_string(derivation_number);
        std::optional<segment> open;
        std::size_t parts = 0;
        auto close = [&](const std::string& why) {
            if (open && open->count > 0) {
                ++parts;
                ++written;
                const std::string var = chain_id + "_" + std::to_string(parts);
                const std::string tail = name.substr(name.rfind(':') + 1);
                std::string short_name = tail.substr(0, 18) + "_" + var;
                if (short_name.size() > 31)
                    short_name = short_name.substr(short_name.size() - 31);
                body += "\ninline constexpr auto " + var + " =\n    derivation({" +
                        cpp_string(short_name) + ", " +
                        cpp_string("Chain " + std::to_string(derivation_number) + " at line " +
                                   std::to_string(c.where.line) + " of " + std::string(note_file)) +
                        ", document},\n               " + open->start + ")" + open->steps + ";\n";
                claims += std::string(open->mistakes ? "ELBOCHECK_CLAIM_AS_RECORDED("
                                                     : "ELBOCHECK_CLAIM_VALID(") +
                          name + "::" + var + ");\n";
            }
            if (!why.empty())
                body += "// " + one_line(why) + "\n";
            open.reset();
        };
        // Opens a derivation at `from` (the expression the checker judges the next step from).
        auto open_at = [&](const sym::term* from) {
            if (open || !from)
                return;
            if (auto s = print_text(*from)) {
                open = segment{};
                open->start = *s;
                open->start_or_previous = *s;
            }
        };

        body += "\n// Chain " + std::to_string(derivation_number) + ", line " +
                std::to_string(c.where.line) + ".\n";
        const sym::term* before = c.start ? &*c.start : nullptr;
        for (std::size_t k = 0; k < c.steps.size(); ++k) {
            const read::chain_step& s = c.steps[k];
            const note_step_report* rep = nullptr;
            for (const note_step_report& r : report.steps)
                if (r.derivation == derivation_number && r.index == k + 1 && r.label.empty()) {
                    rep = &r;
                    break;
                }
            const std::string line = "line " + std::to_string(s.where.line);
            if (!rep) {
                close(line + ": the checker did not report this step; the derivation ends here");
                before = s.next ? &*s.next : nullptr;
                continue;
            }
            const bool judged = rep->verdict == note_verdict::justified ||
                                rep->verdict == note_verdict::false_step ||
                                rep->verdict == note_verdict::ill_formed;
            if (judged && s.restated && c.start && before != &*c.start) {
                close(line + ": the step restates the chain's left side; a new derivation "
                             "starts from it");
                before = &*c.start;
            }
            std::string why_not;
            std::optional<std::string> next_text;
            if (!judged) {
                why_not = line + ": " + std::string(note_verdict_word(rep->verdict)) +
                          (rep->message.empty() ? "" : " (" + rep->message + ")") +
                          "; skipped, the derivation ends here";
            } else if (!s.next || !(next_text = print_text(*s.next))) {
                why_not = line + ": " + std::string(note_verdict_word(rep->verdict)) +
                          ", but the derivation language cannot spell the expression; the "
                          "derivation ends here";
            }
            std::string cites;
            if (why_not.empty() && rep->verdict == note_verdict::justified) {
                for (const std::string& key : rep->rules) {
                    sym::rule_id id{};
                    if (!sym::find_rule(key, id) || id == sym::rule_id::lemma) {
                        why_not = line + ": justified by " + key +
                                  ", which cannot be cited here; the derivation ends here";
                        break;
                    }
                    cites += (cites.empty() ? "" : ", ") + std::string("rules::") + key;
                }
            }
            if (why_not.empty()) {
                open_at(before);
                if (!open)
                    why_not = line + ": the derivation language cannot spell the expression "
                                     "before this step; skipped";
            }
            if (why_not.empty() && s.relation != sym::relation::eq &&
                open->direction != sym::relation::eq && open->direction != s.relation) {
                // a >= b <= c relates a to c by nothing: a new derivation from b.
                close(line + ": the inequality turns the chain's direction; a new derivation "
                             "starts before it");
                open_at(before);
            }
            if (!why_not.empty()) {
                close(why_not);
                if (!rep->is_error())
                    before = s.next ? &*s.next : nullptr;
                continue;
            }
            segment& seg = *open;
            if (s.relation != sym::relation::eq)
                seg.direction = s.relation;
            seg.steps +=
                "\n        // " + line + ": " + std::string(note_verdict_word(rep->verdict)) + "\n";
            seg.steps += "        ." + relation_method(s.relation) + "(" + *next_text + ", by(" +
                         cites + "), " + cpp_string(one_line(rep->latex)) + ")";
            if (rep->is_error()) {
                seg.steps += "\n        .mistake(" + cpp_string(one_line(rep->message)) + ", " +
                             seg.start_or_previous + ")";
            }
            ++seg.count;
            if (rep->is_error()) {
                seg.mistakes = true;
            } else {
                before = &*s.next;
                seg.start_or_previous = *next_text;
            }
        }
        close("");
    }
    std::string out = "\nnamespace " + name +
                      " {\n\nusing namespace elbocheck::sym;\nusing namespace "
                      "elbocheck::sym::symbols;\nusing namespace elbocheck::sym::rules;\n\n"
                      "inline constexpr std::string_view document = " +
                      cpp_string(note_file) + ";\n" + body + "\n} // namespace " + name + "\n";
    if (!claims.empty())
        out += "\n" + claims;
    else
        out += "\n// Nothing in " + one_line(note_file) + " could be written as a derivation.\n";
    (void)written;
    return out;
}

} // namespace import_detail

// The C++ expression of the derivation language (sym/expression.hpp) that lowers to `t`, with
// the symbols of sym/symbols.hpp where `t` uses them; nullopt for what the language cannot spell
// (a density without sampled variables, a non-integer power, a definition-less name).
inline std::optional<std::string> cpp_expression(const sym::term& t) {
    return import_detail::print_text(t);
}

// One note's derivations as a complete C++ file (see the top of this header). `note_file` names
// the note in the generated comments and as the derivations' document.
inline std::string import_note(const read::note_meaning& meaning, const note_report& report,
                               std::string_view note_file) {
    return import_detail::file_prologue({std::string(note_file)}) +
           import_detail::note_namespace(meaning, report, note_file,
                                         "elbocheck::imported::" +
                                             import_detail::identifier_from(note_file));
}

} // namespace elbocheck::report
