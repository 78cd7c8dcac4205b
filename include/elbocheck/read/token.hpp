#pragma once
// A LaTeX token, as TeX's eyes would see it in math mode, with the place it was written.

#include "elbocheck/read/source_text.hpp"

#include <cstdint>
#include <string>

namespace elbocheck::read {

enum class token_kind : std::uint8_t {
    control_word,   // \frac: text is "frac"
    control_symbol, // \\ \, \{ \|: text is the one character after the backslash ("" at end)
    letter,         // a-z, A-Z, and any non-ASCII character (θ written directly)
    other,          // digits, punctuation, operators: text is the character
    begin_group,    // {
    end_group,      // }
    superscript,    // ^
    subscript,      // _
    alignment,      // &
    parameter,      // #1 in a macro body: text is the digit
    space,          // a run of white space (only \text{...} cares)
};

struct token {
    token_kind kind = token_kind::other;
    std::string text;
    // Where the token was written; a token that came out of a macro carries the position
    // of the macro's use, since that is what the author wrote and can fix.
    source_position where;
    // How many macro expansions produced it (0: written in the note).
    std::uint16_t depth = 0;

    bool is(token_kind k, std::string_view t) const { return kind == k && text == t; }
    bool is_command(std::string_view name) const {
        return kind == token_kind::control_word && text == name;
    }
    bool is_char(char c) const {
        return (kind == token_kind::other || kind == token_kind::letter) && text.size() == 1 &&
               text[0] == c;
    }
};

// The token as it was written, for messages.
inline std::string spelled(const token& t) {
    switch (t.kind) {
    case token_kind::control_word:
    case token_kind::control_symbol:
        return "\\" + t.text;
    case token_kind::begin_group:
        return "{";
    case token_kind::end_group:
        return "}";
    case token_kind::superscript:
        return "^";
    case token_kind::subscript:
        return "_";
    case token_kind::alignment:
        return "&";
    case token_kind::parameter:
        return "#" + t.text;
    case token_kind::space:
        return " ";
    default:
        return t.text;
    }
}

} // namespace elbocheck::read
