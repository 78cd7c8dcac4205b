#pragma once
// What the reader says about something it could not read. The reader never throws and never
// guesses: whatever it does not understand becomes a diagnostic naming the file, the line
// and column, and the construct (the text as written), and reading goes on after it.

#include "elbocheck/read/source_text.hpp"

#include <string>
#include <string_view>

namespace elbocheck::read {

struct diagnostic {
    std::string file;
    int cell = -1;               // notebook cell index (cells[i] in the JSON), -1 otherwise
    source_position where;       // in the file, or in the notebook cell
    std::uint32_t file_line = 0; // for a notebook cell: the line in the .ipynb, 0 if unknown
    std::string construct;       // what was written there, shortened for the message
    std::string message;

    // file:line:column: construct: message, the form editors and CI logs link to.
    std::string to_string() const {
        std::string out = file;
        if (cell >= 0)
            out += ":cells[" + std::to_string(cell) + "]";
        out += ":" + std::to_string(where.line) + ":" + std::to_string(where.column) + ":";
        if (cell >= 0 && file_line != 0)
            out += " (" + file + " line " + std::to_string(file_line) + ")";
        out += " `" + construct + "`: " + message;
        return out;
    }
};

// A construct as it goes into a message: one line, printable, and short, so that a
// runaway input does not produce a megabyte of diagnostic.
inline std::string shown_construct(std::string_view text, std::size_t limit = 40) {
    std::string out;
    std::size_t taken = 0;
    for (char c : text) {
        if (taken >= limit) {
            // Do not cut a UTF-8 character in half.
            while (!out.empty() && is_utf8_continuation(out.back()))
                out.pop_back();
            if (!out.empty() && (static_cast<unsigned char>(out.back()) & 0x80U))
                out.pop_back();
            out += "...";
            break;
        }
        auto byte = static_cast<unsigned char>(c);
        if (c == '\n' || c == '\r' || c == '\t')
            out += ' ';
        else if (byte < 0x20 || byte == 0x7F)
            out += '?';
        else
            out += c;
        ++taken;
    }
    return out;
}

inline diagnostic make_diagnostic(const source_text& source, source_position where,
                                  std::string_view construct, std::string message) {
    return {source.name(),
            source.cell(),
            where,
            source.file_line_of(where.line),
            shown_construct(construct),
            std::move(message)};
}

} // namespace elbocheck::read
