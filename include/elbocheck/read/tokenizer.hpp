#pragma once
// LaTeX text to tokens. Positions are carried along byte by byte (never searched for), so
// tokenizing is linear however long the lines are.

#include "elbocheck/read/source_text.hpp"
#include "elbocheck/read/token.hpp"

#include <string_view>
#include <vector>

namespace elbocheck::read {

namespace detail {
constexpr bool is_ascii_letter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
constexpr bool is_space_char(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}
} // namespace detail

// `start` is the position of latex[0] in its file.
inline std::vector<token> tokenize(std::string_view latex, source_position start) {
    std::vector<token> out;
    out.reserve(latex.size() / 2 + 1);
    source_position at = start;
    std::size_t i = 0;
    auto move_to = [&](std::size_t j) {
        for (; i < j && i < latex.size(); ++i)
            at = advance(at, latex[i]);
    };
    while (i < latex.size()) {
        char c = latex[i];
        source_position here = at;
        if (c == '%') { // a comment runs to the end of the line, and so does the line break
            std::size_t j = latex.find('\n', i);
            move_to(j == std::string_view::npos ? latex.size() : j + 1);
            continue;
        }
        if (detail::is_space_char(c)) {
            std::size_t j = i;
            while (j < latex.size() && detail::is_space_char(latex[j]))
                ++j;
            move_to(j);
            out.push_back({token_kind::space, " ", here});
            continue;
        }
        if (c == '\\') {
            std::size_t j = i + 1;
            if (j < latex.size() && detail::is_ascii_letter(latex[j])) {
                while (j < latex.size() && detail::is_ascii_letter(latex[j]))
                    ++j;
                out.push_back(
                    {token_kind::control_word, std::string(latex.substr(i + 1, j - i - 1)), here});
                move_to(j);
                // TeX drops the spaces after a control word.
                while (i < latex.size() && detail::is_space_char(latex[i]))
                    move_to(i + 1);
                continue;
            }
            if (j >= latex.size()) {
                out.push_back({token_kind::control_symbol, "", here});
                move_to(j);
                continue;
            }
            // \_ is the subscript in math that went through Markdown, which would otherwise
            // read a bare _ as emphasis (Jekyll and Hugo notes write \mathbb{E}\_{q}); a
            // literal underscore has no place in a formula.
            if (latex[j] == '_') {
                out.push_back({token_kind::subscript, "_", here});
                move_to(j + 1);
                continue;
            }
            // A control symbol names one character, which may be multi-byte.
            std::size_t k = j + 1;
            while (k < latex.size() && is_utf8_continuation(latex[k]))
                ++k;
            out.push_back({token_kind::control_symbol, std::string(latex.substr(j, k - j)), here});
            move_to(k);
            continue;
        }
        token_kind kind = token_kind::other;
        switch (c) {
        case '{':
            kind = token_kind::begin_group;
            break;
        case '}':
            kind = token_kind::end_group;
            break;
        case '^':
            kind = token_kind::superscript;
            break;
        case '_':
            kind = token_kind::subscript;
            break;
        case '&':
            kind = token_kind::alignment;
            break;
        default:
            if (detail::is_ascii_letter(c) || static_cast<unsigned char>(c) >= 0x80)
                kind = token_kind::letter;
        }
        if (c == '#' && i + 1 < latex.size() && latex[i + 1] >= '1' && latex[i + 1] <= '9') {
            out.push_back({token_kind::parameter, std::string(1, latex[i + 1]), here});
            move_to(i + 2);
            continue;
        }
        std::size_t k = i + 1;
        if (static_cast<unsigned char>(c) >= 0xC0)
            while (k < latex.size() && is_utf8_continuation(latex[k]))
                ++k;
        out.push_back({kind, std::string(latex.substr(i, k - i)), here});
        move_to(k);
    }
    return out;
}

} // namespace elbocheck::read
