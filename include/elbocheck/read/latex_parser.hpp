#pragma once
// Recursive descent from tokens (macros already expanded) to the layout tree of
// syntax_tree.hpp. Every node records where its first token was written.
//
// The parser never throws and never gives up on a piece: what it cannot read becomes a
// diagnostic plus, where something must stand in the tree, an `error` node. Nesting is
// bounded so that "{{{{..." a hundred thousand deep is a diagnostic, not a stack overflow.

#include "elbocheck/read/diagnostic.hpp"
#include "elbocheck/read/environments.hpp"
#include "elbocheck/read/source_text.hpp"
#include "elbocheck/read/syntax_tree.hpp"
#include "elbocheck/read/token.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace elbocheck::read {

struct parse_limits {
    std::size_t max_nesting = 128;
};

// The relation a command or character stands for, in one spelling per meaning: \geq, \ge,
// \geqslant and >= are all ">=". Empty if it is not a relation.
inline std::string canonical_relation(std::string_view written) {
    // Most tokens are letters and digits: turn them away before the table.
    if (written.empty() || (written[0] != '=' && written[0] != '<' && written[0] != '>' &&
                            written[0] != '!' && written[0] != ':' && written[0] != '\\'))
        return {};
    struct entry {
        std::string_view written, canonical;
    };
    static constexpr std::array<entry, 38> table{{
        {"=", "="},
        {"<", "<"},
        {">", ">"},
        {"<=", "<="},
        {">=", ">="},
        {"!=", "!="},
        {":=", ":="},
        {"=:", "=:"},
        {"\\lt", "<"},
        {"\\gt", ">"},
        {"\\le", "<="},
        {"\\leq", "<="},
        {"\\leqslant", "<="},
        {"\\leqq", "<="},
        {"\\ge", ">="},
        {"\\geq", ">="},
        {"\\geqslant", ">="},
        {"\\geqq", ">="},
        {"\\ne", "!="},
        {"\\neq", "!="},
        {"\\coloneqq", ":="},
        {"\\coloneq", ":="},
        {"\\triangleq", ":="},
        {"\\defeq", ":="},
        {"\\eqqcolon", "=:"},
        {"\\approx", "\\approx"},
        {"\\equiv", "\\equiv"},
        {"\\propto", "\\propto"},
        {"\\sim", "\\sim"},
        {"\\simeq", "\\simeq"},
        {"\\cong", "\\cong"},
        {"\\ll", "\\ll"},
        {"\\gg", "\\gg"},
        {"\\Rightarrow", "\\implies"},
        {"\\implies", "\\implies"},
        {"\\Longrightarrow", "\\implies"},
        {"\\iff", "\\iff"},
        {"\\Leftrightarrow", "\\iff"},
    }};
    for (const auto& e : table)
        if (e.written == written)
            return std::string(e.canonical);
    return {};
}

namespace detail {

inline bool in_list(std::string_view name, std::initializer_list<std::string_view> names) {
    return std::find(names.begin(), names.end(), name) != names.end();
}

inline bool is_spacing_command(std::string_view name) {
    return in_list(name,
                   {"quad", "qquad", "enspace", "enskip", "thinspace", "medspace", "thickspace",
                    "negthinspace", "negmedspace", "negthickspace", "space", "nobreakspace"});
}
inline bool is_sizing_command(std::string_view name) {
    return in_list(name, {"big", "Big", "bigg", "Bigg", "bigl", "bigr", "bigm", "Bigl", "Bigr",
                          "Bigm", "biggl", "biggr", "biggm", "Biggl", "Biggr", "Biggm"});
}
inline bool is_text_command(std::string_view name) {
    return in_list(name, {"text", "textrm", "textit", "textbf", "textsf", "texttt", "textup",
                          "textnormal", "mbox", "hbox", "emph", "textmd"});
}
// Commands with one math argument: fonts, accents, braces over and under.
inline bool takes_one_argument(std::string_view name) {
    return in_list(name, {"mathrm",        "mathbb",     "mathcal",
                          "mathbf",        "mathit",     "mathsf",
                          "mathtt",        "mathfrak",   "mathscr",
                          "boldsymbol",    "bm",         "pmb",
                          "operatorname",  "mathop",     "mathbin",
                          "mathrel",       "mathord",    "hat",
                          "widehat",       "bar",        "overline",
                          "underline",     "tilde",      "widetilde",
                          "vec",           "dot",        "ddot",
                          "check",         "breve",      "acute",
                          "grave",         "underbrace", "overbrace",
                          "boxed",         "phantom",    "vphantom",
                          "hphantom",      "cancel",     "bcancel",
                          "xcancel",       "substack",   "overrightarrow",
                          "displaystyle_", "mathring",   "operatornamewithlimits"});
}
inline bool takes_two_arguments(std::string_view name) {
    return in_list(name, {"frac", "dfrac", "tfrac", "cfrac", "binom", "dbinom", "tbinom",
                          "stackrel", "overset", "underset", "genfrac_"});
}

} // namespace detail

class latex_parser {
  public:
    latex_parser(const std::vector<token>& tokens, const source_text& source,
                 std::vector<diagnostic>& diagnostics, source_position start,
                 parse_limits limits = {})
        : t_(tokens)
        , source_(source)
        , diagnostics_(diagnostics)
        , start_(start)
        , limits_(limits) {}

    // The whole piece as an implicit environment (name ""), so that a display block with
    // \\ between lines and one without either both come out as rows.
    node parse_piece() {
        node piece;
        piece.kind = node_kind::environment;
        piece.where = start_;
        parse_rows(piece.rows, true);
        return piece;
    }

  private:
    enum class stop : std::uint8_t {
        end,
        end_group,
        alignment,
        row_break,
        end_environment,
        right,
        bracket
    };

    const std::vector<token>& t_;
    const source_text& source_;
    std::vector<diagnostic>& diagnostics_;
    source_position start_;
    parse_limits limits_;
    std::size_t i_ = 0;
    std::size_t depth_ = 0;
    bool reported_depth_ = false;
    row* current_row_ = nullptr;

    void report(source_position at, std::string construct, std::string message) {
        // After nesting went too deep the rest of the piece is skipped; what is left open
        // then is a consequence, not news.
        if (reported_depth_)
            return;
        diagnostics_.push_back(make_diagnostic(source_, at, construct, std::move(message)));
    }
    bool at_end() const { return i_ >= t_.size(); }
    source_position here() const { return at_end() ? end_position() : t_[i_].where; }
    source_position end_position() const { return t_.empty() ? start_ : t_.back().where; }

    void skip_spaces() {
        while (i_ < t_.size() && t_[i_].kind == token_kind::space)
            ++i_;
    }
    const token* peek() {
        skip_spaces();
        return at_end() ? nullptr : &t_[i_];
    }

    static node make(node_kind kind, std::string name, source_position where) {
        node n;
        n.kind = kind;
        n.name = std::move(name);
        n.where = where;
        return n;
    }

    // Guards every recursive descent; past the limit, the rest of the piece is skipped.
    bool enter(source_position at) {
        if (++depth_ <= limits_.max_nesting)
            return true;
        if (!reported_depth_)
            report(at, at_end() ? std::string() : spelled(t_[i_]),
                   "math nested more than " + std::to_string(limits_.max_nesting) +
                       " levels deep; the rest of this math is not read");
        reported_depth_ = true;
        i_ = t_.size();
        return false;
    }
    void leave() { --depth_; }

    std::optional<stop> terminator(const token& t, bool in_bracket) const {
        switch (t.kind) {
        case token_kind::end_group:
            return stop::end_group;
        case token_kind::alignment:
            return stop::alignment;
        case token_kind::control_symbol:
            if (t.text == "\\")
                return stop::row_break;
            break;
        case token_kind::control_word:
            if (t.text == "newline" || t.text == "cr")
                return stop::row_break;
            if (t.text == "end")
                return stop::end_environment;
            if (t.text == "right")
                return stop::right;
            break;
        default:
            if (in_bracket && t.is_char(']'))
                return stop::bracket;
        }
        return std::nullopt;
    }

    // Items up to (not including) a terminator.
    stop parse_items(std::vector<node>& out, bool in_bracket = false) {
        for (;;) {
            const token* t = peek();
            if (!t)
                return stop::end;
            if (auto s = terminator(*t, in_bracket))
                return *s;
            if (auto n = parse_scripted())
                out.push_back(std::move(*n));
        }
    }

    // Rows of cells up to \end, the end, or (inside an environment) a stray terminator.
    stop parse_rows(std::vector<row>& rows, bool top_level) {
        row* saved = current_row_;
        row r;
        skip_spaces();
        r.where = here();
        r.cells.push_back(make(node_kind::sequence, "", here()));
        current_row_ = &r;
        stop s = stop::end;
        for (;;) {
            s = parse_items(r.cells.back().children);
            if (s == stop::alignment) {
                ++i_;
                skip_spaces();
                r.cells.push_back(make(node_kind::sequence, "", here()));
                continue;
            }
            if (s == stop::row_break) {
                ++i_;
                skip_row_spacing();
                rows.push_back(std::move(r));
                r = row{};
                skip_spaces();
                r.where = here();
                r.cells.push_back(make(node_kind::sequence, "", here()));
                current_row_ = &r;
                continue;
            }
            if (top_level && s != stop::end) {
                stray(s);
                continue;
            }
            break;
        }
        if (!r.empty() || !r.tag.empty() || !r.label.empty() || rows.empty())
            rows.push_back(std::move(r));
        current_row_ = saved;
        return s;
    }

    // \\[2pt]: the spacing after a row break.
    void skip_row_spacing() {
        std::size_t save = i_;
        const token* t = peek();
        if (t && t->is_char('[')) {
            for (std::size_t j = i_ + 1; j < t_.size() && j < i_ + 16; ++j)
                if (t_[j].is_char(']')) {
                    i_ = j + 1;
                    return;
                }
        }
        i_ = save;
    }

    // A terminator with nothing to terminate, at the top of a piece.
    void stray(stop s) {
        const token& t = t_[i_];
        switch (s) {
        case stop::end_group:
            report(t.where, "}", "unbalanced brace: `}` without a `{` before it; skipped");
            ++i_;
            break;
        case stop::right:
            report(t.where, "\\right", "`\\right` without a `\\left` before it; skipped");
            ++i_;
            read_delimiter();
            break;
        case stop::end_environment: {
            ++i_;
            auto name = read_name();
            report(t.where, "\\end{" + name.value_or("") + "}",
                   "`\\end` without a matching `\\begin`; skipped");
            break;
        }
        default:
            ++i_;
        }
    }

    // An atom with its scripts and primes.
    std::optional<node> parse_scripted() {
        const token& first = t_[i_];
        node base;
        if (first.kind == token_kind::superscript || first.kind == token_kind::subscript)
            base = make(node_kind::group, "", first.where); // {}_x: an empty base
        else if (auto atom = parse_atom())
            base = std::move(*atom);
        else
            return std::nullopt;
        node scripted = make(node_kind::scripted, "", base.where);
        bool any = false;
        for (;;) {
            const token* t = peek();
            if (!t)
                break;
            if (t->is_char('\'')) {
                ++i_;
                scripted.primes = static_cast<std::uint8_t>(std::min(scripted.primes + 1, 255));
                any = true;
                continue;
            }
            bool sub = t->kind == token_kind::subscript;
            if (!sub && t->kind != token_kind::superscript)
                break;
            const token& mark = *t;
            ++i_;
            bool& has = sub ? scripted.has_subscript : scripted.has_superscript;
            if (has)
                report(mark.where, spelled(mark),
                       sub ? "double subscript: the second one is kept"
                           : "double superscript: the second one is kept");
            has = true;
            auto& target = sub ? scripted.subscript : scripted.superscript;
            target = parse_script_argument(mark);
            any = true;
        }
        if (!any)
            return base;
        scripted.children.push_back(std::move(base));
        return scripted;
    }

    std::vector<node> parse_script_argument(const token& mark) {
        const token* t = peek();
        if (!t || terminator(*t, false) || t->kind == token_kind::superscript ||
            t->kind == token_kind::subscript) {
            report(mark.where, spelled(mark), "the script has nothing after it");
            return {};
        }
        if (t->kind == token_kind::begin_group) {
            node g = parse_group();
            return std::move(g.children);
        }
        std::vector<node> out;
        if (auto atom = parse_atom())
            out.push_back(std::move(*atom));
        return out;
    }

    node parse_group() {
        source_position open = t_[i_].where;
        ++i_;
        node g = make(node_kind::group, "", open);
        if (!enter(open)) {
            leave();
            return g;
        }
        for (;;) {
            stop s = parse_items(g.children);
            if (s == stop::end_group) {
                ++i_;
                break;
            }
            if (s == stop::alignment || s == stop::row_break) {
                // Inside braces (\substack{a \\ b}) these are layout marks, kept as symbols.
                g.children.push_back(make(node_kind::symbol, spelled(t_[i_]), t_[i_].where));
                ++i_;
                continue;
            }
            report(open, "{", "unbalanced brace: this `{` is never closed");
            break;
        }
        leave();
        return g;
    }

    // An argument: a {group}, or a single atom wrapped in a group (\frac12).
    node parse_argument(const token& command, int which, int count) {
        const token* t = peek();
        if (!t || terminator(*t, false) || t->kind == token_kind::superscript ||
            t->kind == token_kind::subscript) {
            report(command.where, spelled(command),
                   "expects " + std::to_string(count) + " argument(s) but argument " +
                       std::to_string(which) + " is missing");
            return make(node_kind::error, "missing argument", command.where);
        }
        if (t->kind == token_kind::begin_group)
            return parse_group();
        node g = make(node_kind::group, "", t->where);
        if (auto atom = parse_atom())
            g.children.push_back(std::move(*atom));
        return g;
    }

    // The written text of a {..} argument, for \text, \tag and \label.
    std::string read_raw_argument() {
        const token* t = peek();
        if (!t)
            return {};
        if (t->kind != token_kind::begin_group) {
            if (terminator(*t, false))
                return {};
            ++i_;
            return spelled(*t);
        }
        ++i_;
        std::string text;
        int depth = 1;
        for (; i_ < t_.size(); ++i_) {
            const token& u = t_[i_];
            if (u.kind == token_kind::begin_group)
                ++depth;
            else if (u.kind == token_kind::end_group && --depth == 0) {
                ++i_;
                return text;
            }
            text += spelled(u);
        }
        report(t->where, "{", "unbalanced brace: this `{` is never closed");
        return text;
    }

    std::optional<std::string> read_name() {
        const token* t = peek();
        if (!t || t->kind != token_kind::begin_group)
            return std::nullopt;
        std::size_t j = i_ + 1;
        std::string name;
        for (; j < t_.size() && t_[j].kind != token_kind::end_group && name.size() < 64; ++j)
            name += spelled(t_[j]);
        if (j >= t_.size() || t_[j].kind != token_kind::end_group)
            return std::nullopt;
        i_ = j + 1;
        return name;
    }

    std::optional<std::string> read_delimiter() {
        const token* t = peek();
        if (!t)
            return std::nullopt;
        switch (t->kind) {
        case token_kind::other:
        case token_kind::letter:
        case token_kind::control_symbol:
        case token_kind::control_word:
            if (t->kind == token_kind::control_symbol && t->text == "\\")
                return std::nullopt;
            ++i_;
            return spelled(t_[i_ - 1]);
        default:
            return std::nullopt;
        }
    }

    std::optional<node> parse_atom() {
        const token& t = t_[i_];
        if (!enter(t.where)) {
            leave();
            return std::nullopt;
        }
        std::optional<node> out = parse_atom_inner(t);
        leave();
        return out;
    }

    std::optional<node> parse_atom_inner(const token& t) {
        switch (t.kind) {
        case token_kind::begin_group:
            return parse_group();
        case token_kind::superscript:
        case token_kind::subscript:
            ++i_;
            report(t.where, spelled(t), "a script where its base should be; skipped");
            return std::nullopt;
        case token_kind::end_group:
        case token_kind::alignment:
            ++i_;
            return std::nullopt;
        case token_kind::space:
            ++i_;
            return std::nullopt;
        case token_kind::letter:
        case token_kind::other:
            return parse_character(t);
        case token_kind::parameter:
            ++i_;
            report(t.where, spelled(t), "a macro parameter outside a macro definition");
            return make(node_kind::error, spelled(t), t.where);
        case token_kind::control_symbol:
            return parse_control_symbol(t);
        case token_kind::control_word:
            return parse_command(t);
        }
        ++i_;
        return std::nullopt;
    }

    node parse_character(const token& t) {
        ++i_;
        // <=, >=, :=, =:, != written with two characters.
        if (i_ < t_.size() && t.text.size() == 1 && t_[i_].text.size() == 1 &&
            t_[i_].kind == token_kind::other) {
            std::string pair = t.text + t_[i_].text;
            if (pair == "<=" || pair == ">=" || pair == ":=" || pair == "=:" || pair == "!=") {
                ++i_;
                node r = make(node_kind::relation, canonical_relation(pair), t.where);
                r.command_name = pair;
                return r;
            }
        }
        if (auto rel = canonical_relation(t.text); !rel.empty()) {
            node r = make(node_kind::relation, rel, t.where);
            r.command_name = t.text;
            return r;
        }
        return make(node_kind::symbol, t.text, t.where);
    }

    node parse_control_symbol(const token& t) {
        ++i_;
        if (t.text.empty()) {
            report(t.where, "\\", "a lone backslash at the end of the math");
            return make(node_kind::error, "\\", t.where);
        }
        if (detail::in_list(t.text, {",", ";", ":", "!", " ", ">"}))
            return make(node_kind::spacing, spelled(t), t.where);
        return make(node_kind::symbol, spelled(t), t.where);
    }

    std::optional<node> parse_command(const token& t) {
        const std::string& name = t.text;
        ++i_;
        std::string written = "\\" + name;
        if (auto rel = canonical_relation(written); !rel.empty()) {
            node r = make(node_kind::relation, rel, t.where);
            r.command_name = written;
            return r;
        }
        if (name == "not") {
            const token* next = peek();
            if (next && next->is_char('=')) {
                ++i_;
                node r = make(node_kind::relation, "!=", t.where);
                r.command_name = "\\not=";
                return r;
            }
            return make(node_kind::symbol, written, t.where);
        }
        if (detail::is_spacing_command(name))
            return make(node_kind::spacing, written, t.where);
        if (name == "hspace" || name == "hskip" || name == "kern" || name == "mkern" ||
            name == "mskip") {
            const token* next = peek();
            if (next && next->is_char('*'))
                ++i_;
            if (name == "hspace")
                read_raw_argument();
            return make(node_kind::spacing, written, t.where);
        }
        if (name == "left")
            return parse_left_right(t);
        if (name == "middle") {
            auto d = read_delimiter();
            return make(node_kind::sized_delimiter, d.value_or(""), t.where);
        }
        if (detail::is_sizing_command(name)) {
            auto d = read_delimiter();
            if (!d)
                report(t.where, written, "a size command without a delimiter after it");
            node n = make(node_kind::sized_delimiter, d.value_or(""), t.where);
            n.command_name = written;
            return n;
        }
        if (name == "begin")
            return parse_environment(t);
        if (name == "tag" || name == "label" || name == "nonumber" || name == "notag")
            return row_metadata(t);
        // Colour is presentation, like a size: \color{red} says nothing, and
        // \textcolor{blue}{X} and \colorbox{yellow}{X} are X.
        if (name == "color") {
            read_raw_argument();
            return std::nullopt;
        }
        if (name == "textcolor" || name == "colorbox") {
            read_raw_argument();
            return parse_argument(t, 2, 2);
        }
        if (detail::is_text_command(name)) {
            node c = make(node_kind::command, name, t.where);
            source_position at = here();
            c.children.push_back(make(node_kind::text, read_raw_argument(), at));
            return c;
        }
        int count = detail::takes_two_arguments(name)  ? 2
                    : detail::takes_one_argument(name) ? 1
                    : name == "sqrt"                   ? 1
                                                       : 0;
        if (count == 0)
            return make(node_kind::symbol, written, t.where);
        node c = make(node_kind::command, name, t.where);
        c.command_name = written;
        if (name == "operatorname" || name == "operatornamewithlimits") {
            const token* next = peek();
            if (next && next->is_char('*')) {
                ++i_;
                c.starred = true;
            }
        }
        if (name == "sqrt") {
            const token* next = peek();
            if (next && next->is_char('[')) {
                ++i_;
                stop s = parse_items(c.optional_argument, true);
                if (s == stop::bracket)
                    ++i_;
                else
                    report(t.where, written + "[", "the optional argument's `[` is never closed");
            }
        }
        for (int k = 1; k <= count; ++k)
            c.children.push_back(parse_argument(t, k, count));
        return c;
    }

    // \tag, \label, \nonumber, \notag describe the row they are in.
    std::optional<node> row_metadata(const token& t) {
        if (t.text == "nonumber" || t.text == "notag") {
            if (current_row_)
                current_row_->numbered = false;
            return std::nullopt;
        }
        bool star = false;
        if (const token* next = peek(); next && next->is_char('*')) {
            ++i_;
            star = true;
        }
        std::string text = read_raw_argument();
        if (current_row_) {
            if (t.text == "tag")
                current_row_->tag = star ? text : "(" + text + ")";
            else
                current_row_->label = text;
        }
        return std::nullopt;
    }

    node parse_left_right(const token& t) {
        auto open = read_delimiter();
        if (!open)
            report(t.where, "\\left", "`\\left` without a delimiter after it");
        node d = make(node_kind::delimited, open.value_or("."), t.where);
        if (!enter(t.where)) {
            leave();
            return d;
        }
        stop s = parse_items(d.children);
        if (s == stop::right) {
            ++i_;
            auto close = read_delimiter();
            if (!close)
                report(t_[i_ - 1].where, "\\right", "`\\right` without a delimiter after it");
            d.closing = close.value_or(".");
        } else {
            report(
                t.where, "\\left" + open.value_or(""),
                "`\\left` is not closed by a `\\right` before " +
                    (at_end() ? std::string("the end of the math") : "`" + spelled(t_[i_]) + "`"));
        }
        leave();
        return d;
    }

    node parse_environment(const token& t) {
        auto name = read_name();
        if (!name) {
            report(t.where, "\\begin", "`\\begin` without an environment name in braces");
            return make(node_kind::error, "\\begin", t.where);
        }
        node env = make(node_kind::environment, *name, t.where);
        env.starred = name->ends_with("*");
        if (!is_known_environment(*name))
            report(t.where, "\\begin{" + *name + "}",
                   "unknown environment; its body is read as rows and cells");
        if (environment_takes_argument(*name))
            read_raw_argument();
        if (!enter(t.where)) {
            leave();
            return env;
        }
        stop s = parse_rows(env.rows, false);
        if (s == stop::end_environment) {
            const token& end = t_[i_];
            ++i_;
            auto closing = read_name();
            if (!closing)
                report(end.where, "\\end", "`\\end` without an environment name in braces");
            else if (*closing != *name)
                report(end.where, "\\end{" + *closing + "}",
                       "does not match `\\begin{" + *name + "}` at line " +
                           std::to_string(t.where.line) + ", column " +
                           std::to_string(t.where.column));
        } else {
            report(
                t.where, "\\begin{" + *name + "}",
                "the environment is never closed (no `\\end{" + *name + "}` before " +
                    (at_end() ? std::string("the end of the math") : "`" + spelled(t_[i_]) + "`") +
                    ")");
        }
        leave();
        return env;
    }
};

} // namespace elbocheck::read
