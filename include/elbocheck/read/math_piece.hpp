#pragma once
// What extraction finds in a note: pieces of math (LaTeX, display or inline) and the prose
// between them. A piece is always a contiguous slice of one source_text, so any offset
// inside its LaTeX maps back to the file by adding the piece's offset; no separate map is
// needed, and nothing is lost when the math spans lines.

#include "elbocheck/read/diagnostic.hpp"
#include "elbocheck/read/source_text.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace elbocheck::read {

enum class math_style : std::uint8_t { inline_math, display };

// How the author delimited the math; kept so that messages and a future round trip can
// say "the $$ block at 12:3".
enum class math_delimiter : std::uint8_t {
    dollar,              // $...$
    double_dollar,       // $$...$$
    bracket,             // \[...\]
    escaped_bracket,     // \\[...\\] (Markdown that escapes its backslashes)
    parenthesis,         // \(...\)
    escaped_parenthesis, // \\(...\\)
    math_fence,          // ```math ... ```
    environment,         // \begin{align}...\end{align} written outside any delimiter
};

inline std::string_view opening_of(math_delimiter d) {
    switch (d) {
    case math_delimiter::dollar:
        return "$";
    case math_delimiter::double_dollar:
        return "$$";
    case math_delimiter::bracket:
        return "\\[";
    case math_delimiter::escaped_bracket:
        return "\\\\[";
    case math_delimiter::parenthesis:
        return "\\(";
    case math_delimiter::escaped_parenthesis:
        return "\\\\(";
    case math_delimiter::math_fence:
        return "```math";
    case math_delimiter::environment:
        return "\\begin";
    }
    return "?";
}

struct math_piece {
    std::size_t source = 0; // index of the source_text in the note
    std::size_t offset = 0; // byte offset of the LaTeX's first character in that text
    std::string latex;      // without the delimiters (an environment keeps its \begin/\end)
    source_position start;  // position of the LaTeX's first character
    math_style style = math_style::inline_math;
    math_delimiter delimiter = math_delimiter::dollar;
};

// Text between math pieces, where authors give their reasons ("by Jensen's inequality").
struct prose_piece {
    std::size_t source = 0;
    std::size_t offset = 0;
    std::string text;
    source_position start;
};

struct extraction {
    std::vector<math_piece> math;
    std::vector<prose_piece> prose;
    std::vector<diagnostic> diagnostics;
};

// The file position of a byte inside a piece's LaTeX.
inline source_position position_in(const source_text& source, const math_piece& piece,
                                   std::size_t offset_in_latex) {
    return source.position_of(piece.offset + offset_in_latex);
}

} // namespace elbocheck::read
