#pragma once
// Expands user macros and carries out the definitions it meets, the way TeX's mouth feeds its
// stomach: tokens are taken from a stack of pending tokens, a macro use is replaced by its
// body with the arguments put in, and the result goes back on the stack to be read again.
//
// A macro that uses itself (\def\a{\a x}) or grows exponentially (\def\b{\a\a}...) would
// never finish, so expansion is bounded twice: by nesting depth and by the number of tokens
// expansion may produce. Hitting either stops the piece with a diagnostic naming the macro.

#include "elbocheck/read/diagnostic.hpp"
#include "elbocheck/read/macro_table.hpp"
#include "elbocheck/read/source_text.hpp"
#include "elbocheck/read/token.hpp"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace elbocheck::read {

struct expansion_limits {
    std::size_t max_depth = 64;         // macros inside macros
    std::size_t max_tokens = 1U << 20U; // tokens expansion may add, per math piece
};

struct expansion {
    std::vector<token> tokens;
    bool complete = true; // false: a runaway macro stopped the expansion
};

inline bool is_definition_command(std::string_view name) {
    return name == "newcommand" || name == "renewcommand" || name == "providecommand" ||
           name == "def" || name == "gdef" || name == "edef" || name == "xdef" ||
           name == "DeclareMathOperator";
}

class macro_expander {
  public:
    macro_expander(macro_table& table, const source_text& source,
                   std::vector<diagnostic>& diagnostics, expansion_limits limits = {})
        : table_(table)
        , source_(source)
        , diagnostics_(diagnostics)
        , limits_(limits) {}

    // The tokens the parser reads: macros expanded, definitions carried out and removed.
    expansion expand(std::vector<token> input) { return run(std::move(input), false); }

    // Only carries out the definitions (for a --macros file and a .tex preamble): nothing
    // else is expanded or kept.
    void collect_definitions(std::vector<token> input) { run(std::move(input), true); }

  private:
    macro_table& table_;
    const source_text& source_;
    std::vector<diagnostic>& diagnostics_;
    expansion_limits limits_;
    std::vector<token> pending_; // reversed: the next token is at the back
    std::size_t produced_ = 0;

    void report(const token& at, std::string construct, std::string message) {
        diagnostics_.push_back(make_diagnostic(source_, at.where, construct, std::move(message)));
    }

    void push_reversed(std::vector<token>& tokens) {
        pending_.insert(pending_.end(), std::make_move_iterator(tokens.rbegin()),
                        std::make_move_iterator(tokens.rend()));
    }

    void skip_spaces() {
        while (!pending_.empty() && pending_.back().kind == token_kind::space)
            pending_.pop_back();
    }

    // One argument: a {group} without its braces, or one token. nullopt at the end of the
    // piece or before a closing brace.
    std::optional<std::vector<token>> read_argument() {
        skip_spaces();
        if (pending_.empty() || pending_.back().kind == token_kind::end_group)
            return std::nullopt;
        token first = std::move(pending_.back());
        pending_.pop_back();
        if (first.kind != token_kind::begin_group)
            return std::vector<token>{std::move(first)};
        std::vector<token> group;
        int depth = 1;
        while (!pending_.empty()) {
            token t = std::move(pending_.back());
            pending_.pop_back();
            if (t.kind == token_kind::begin_group)
                ++depth;
            else if (t.kind == token_kind::end_group && --depth == 0)
                return group;
            group.push_back(std::move(t));
        }
        return std::nullopt;
    }

    // [ ... ] if the next token opens one, balanced in braces.
    std::optional<std::vector<token>> read_optional() {
        skip_spaces();
        if (pending_.empty() || !pending_.back().is_char('['))
            return std::nullopt;
        token open = std::move(pending_.back());
        pending_.pop_back();
        std::vector<token> inside;
        int depth = 0;
        // Bounded, so that many [ without ] cost little each.
        while (!pending_.empty() && inside.size() < 4096) {
            token t = std::move(pending_.back());
            pending_.pop_back();
            if (depth == 0 && t.is_char(']'))
                return inside;
            if (t.kind == token_kind::begin_group)
                ++depth;
            else if (t.kind == token_kind::end_group)
                depth = std::max(0, depth - 1);
            inside.push_back(std::move(t));
        }
        // No ]: it was not an optional argument after all; put everything back.
        push_reversed(inside);
        pending_.push_back(std::move(open));
        return std::nullopt;
    }

    static std::string spelled_all(const std::vector<token>& tokens) {
        std::string out;
        for (const auto& t : tokens)
            out += spelled(t);
        return out;
    }

    // The name being defined: \x or {\x}.
    std::optional<token> read_defined_name(const token& command) {
        auto arg = read_argument();
        if (arg) {
            std::erase_if(*arg, [](const token& t) { return t.kind == token_kind::space; });
            if (arg->size() == 1 && ((*arg)[0].kind == token_kind::control_word ||
                                     (*arg)[0].kind == token_kind::control_symbol))
                return (*arg)[0];
        }
        report(command, "\\" + command.text,
               "expected the name of a macro (\\name) to define" +
                   (arg ? ", found `" + spelled_all(*arg) + "`" : std::string()));
        return std::nullopt;
    }

    bool check_parameters(const token& command, const macro_definition& m) {
        for (const auto& t : m.body)
            if (t.kind == token_kind::parameter && t.text[0] - '0' > m.parameters) {
                report(command, "\\" + m.name,
                       "the definition uses #" + t.text + " but takes " +
                           std::to_string(m.parameters) + " argument(s); not defined");
                return false;
            }
        return true;
    }

    void define_newcommand(const token& command) {
        skip_spaces();
        if (!pending_.empty() && pending_.back().is_char('*'))
            pending_.pop_back();
        auto name = read_defined_name(command);
        if (!name)
            return;
        macro_definition m{name->text, 0, std::nullopt, {}, source_.name(), command.where};
        if (auto count = read_optional()) {
            std::string digits;
            for (const auto& t : *count)
                if (t.kind != token_kind::space)
                    digits += t.text;
            if (digits.size() != 1 || digits[0] < '0' || digits[0] > '9') {
                report(command, "\\" + command.text + "{\\" + name->text + "}[" + digits + "]",
                       "the number of arguments must be a digit from 0 to 9");
                read_argument();
                return;
            }
            m.parameters = digits[0] - '0';
            if (auto fallback = read_optional())
                m.optional_default = std::move(*fallback);
        }
        auto body = read_argument();
        if (!body) {
            report(command, "\\" + command.text + "{\\" + name->text + "}",
                   "the definition has no body");
            return;
        }
        m.body = std::move(*body);
        if (m.optional_default && m.parameters == 0)
            m.optional_default.reset();
        if (!check_parameters(command, m))
            return;
        if (command.text == "providecommand" && table_.defines(m.name))
            return;
        table_.define(std::move(m));
    }

    void define_def(const token& command) {
        skip_spaces();
        if (pending_.empty() || (pending_.back().kind != token_kind::control_word &&
                                 pending_.back().kind != token_kind::control_symbol)) {
            report(command, "\\" + command.text, "expected the name of a macro (\\name) to define");
            return;
        }
        token name = std::move(pending_.back());
        pending_.pop_back();
        macro_definition m{name.text, 0, std::nullopt, {}, source_.name(), command.where};
        bool delimited = false;
        while (!pending_.empty() && pending_.back().kind != token_kind::begin_group) {
            const token& t = pending_.back();
            if (t.kind == token_kind::parameter && t.text[0] - '0' == m.parameters + 1)
                ++m.parameters;
            else if (t.kind != token_kind::space)
                delimited = true;
            pending_.pop_back();
        }
        auto body = read_argument();
        if (!body) {
            report(command, "\\" + command.text + "\\" + name.text, "the definition has no body");
            return;
        }
        if (delimited) {
            report(command, "\\" + command.text + "\\" + name.text,
                   "parameters delimited by text (\\def\\x#1.{...}) are not supported; "
                   "not defined");
            return;
        }
        m.body = std::move(*body);
        if (check_parameters(command, m))
            table_.define(std::move(m));
    }

    // \DeclareMathOperator{\KL}{KL} makes \KL mean \operatorname{KL}.
    void define_operator(const token& command) {
        skip_spaces();
        bool star = !pending_.empty() && pending_.back().is_char('*');
        if (star)
            pending_.pop_back();
        auto name = read_defined_name(command);
        if (!name)
            return;
        auto text = read_argument();
        if (!text) {
            report(command, "\\" + command.text + "{\\" + name->text + "}",
                   "the operator has no text");
            return;
        }
        macro_definition m{name->text, 0, std::nullopt, {}, source_.name(), command.where};
        m.body.push_back({token_kind::control_word, "operatorname", command.where});
        if (star)
            m.body.push_back({token_kind::other, "*", command.where});
        m.body.push_back({token_kind::begin_group, "{", command.where});
        m.body.insert(m.body.end(), text->begin(), text->end());
        m.body.push_back({token_kind::end_group, "}", command.where});
        table_.define(std::move(m));
    }

    void define(const token& command) {
        if (command.text == "DeclareMathOperator")
            define_operator(command);
        else if (command.text.ends_with("def"))
            define_def(command);
        else
            define_newcommand(command);
    }

    // Replaces a use of `m` by its body; false (with a diagnostic) when it cannot.
    bool use(const token& at, const macro_definition& m) {
        if (at.depth + 1U > limits_.max_depth) {
            report(at, "\\" + m.name,
                   "runaway macro: expansion nested more than " +
                       std::to_string(limits_.max_depth) +
                       " levels deep (does the macro use itself?); the rest of this math is "
                       "not read");
            return false;
        }
        std::vector<std::vector<token>> args;
        int first_mandatory = 0;
        if (m.optional_default) {
            auto given = read_optional();
            args.push_back(given ? std::move(*given) : *m.optional_default);
            first_mandatory = 1;
        }
        for (int k = first_mandatory; k < m.parameters; ++k) {
            auto arg = read_argument();
            if (!arg) {
                report(at, "\\" + m.name,
                       "the macro takes " + std::to_string(m.parameters) +
                           " argument(s) but only " + std::to_string(k) + " follow it");
                return true; // the use is dropped; reading goes on
            }
            args.push_back(std::move(*arg));
        }
        std::vector<token> produced;
        for (const auto& t : m.body) {
            if (t.kind == token_kind::parameter) {
                auto k = static_cast<std::size_t>(t.text[0] - '1');
                if (k < args.size())
                    produced.insert(produced.end(), args[k].begin(), args[k].end());
                continue;
            }
            produced.push_back(t);
        }
        produced_ += produced.size();
        if (produced_ > limits_.max_tokens) {
            report(at, "\\" + m.name,
                   "runaway macro: expansion produced more than " +
                       std::to_string(limits_.max_tokens) +
                       " tokens; the rest of this math is not read");
            return false;
        }
        for (auto& t : produced) {
            t.where = at.where;
            t.depth = static_cast<std::uint16_t>(at.depth + 1);
        }
        push_reversed(produced);
        return true;
    }

    expansion run(std::vector<token> input, bool definitions_only) {
        expansion result;
        pending_.clear();
        produced_ = 0;
        push_reversed(input);
        while (!pending_.empty()) {
            token t = std::move(pending_.back());
            pending_.pop_back();
            if (t.kind == token_kind::control_word) {
                if (is_definition_command(t.text)) {
                    define(t);
                    continue;
                }
                if (!definitions_only) {
                    if (const macro_definition* m = table_.find(t.text)) {
                        // Copy: a definition inside the body may replace this macro.
                        macro_definition current = *m;
                        if (!use(t, current)) {
                            result.complete = false;
                            pending_.clear();
                            break;
                        }
                        continue;
                    }
                }
            }
            if (!definitions_only)
                result.tokens.push_back(std::move(t));
        }
        return result;
    }
};

} // namespace elbocheck::read
