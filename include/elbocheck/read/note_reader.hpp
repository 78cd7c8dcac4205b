#pragma once
// Reading a note, start to end: the file's format decides how math is found (Markdown,
// notebook cells, TeX); every piece of math is tokenized, its macros expanded and parsed
// into a layout tree. One macro table serves the whole note, in reading order.
//
// read_note never throws: whatever goes wrong becomes a diagnostic and the rest of the note
// is still read.

#include "elbocheck/read/diagnostic.hpp"
#include "elbocheck/read/latex_parser.hpp"
#include "elbocheck/read/macro_expander.hpp"
#include "elbocheck/read/macro_table.hpp"
#include "elbocheck/read/math_extraction.hpp"
#include "elbocheck/read/math_piece.hpp"
#include "elbocheck/read/notebook.hpp"
#include "elbocheck/read/source_text.hpp"
#include "elbocheck/read/syntax_tree.hpp"
#include "elbocheck/read/tokenizer.hpp"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace elbocheck::read {

enum class note_format : std::uint8_t { markdown, notebook, tex };

// .ipynb is a notebook, .tex (and .ltx) TeX; Markdown, .txt and anything else are read as
// Markdown, which is what people paste into text files.
inline note_format format_of(std::string_view file_name) {
    auto ends = [&](std::string_view suffix) {
        if (file_name.size() < suffix.size())
            return false;
        for (std::size_t k = 0; k < suffix.size(); ++k) {
            char c = file_name[file_name.size() - suffix.size() + k];
            if (c >= 'A' && c <= 'Z')
                c = static_cast<char>(c - 'A' + 'a');
            if (c != suffix[k])
                return false;
        }
        return true;
    };
    if (ends(".ipynb"))
        return note_format::notebook;
    if (ends(".tex") || ends(".ltx"))
        return note_format::tex;
    return note_format::markdown;
}

struct read_options {
    std::optional<note_format> format; // default: from the file name
    expansion_limits expansion;
    parse_limits parsing;
};

// A piece of math, read.
struct math_block {
    math_piece piece;
    std::vector<token> tokens; // after macro expansion
    node tree;                 // node_kind::environment: rows of cells
    bool complete = true;      // false if a runaway macro cut the piece short
};

struct note {
    std::string file;
    std::vector<source_text> sources; // one for a file; one per Markdown cell of a notebook
    std::vector<math_block> math;     // in reading order
    std::vector<prose_piece> prose;   // in reading order
    std::vector<diagnostic> diagnostics;

    const source_text& source_of(const math_block& block) const {
        return sources[block.piece.source];
    }
    std::size_t display_count() const {
        std::size_t n = 0;
        for (const auto& m : math)
            n += m.piece.style == math_style::display;
        return n;
    }
};

namespace detail {

inline math_block read_math_piece(const math_piece& piece, const source_text& source,
                                  macro_table& macros, const read_options& options,
                                  std::vector<diagnostic>& diagnostics) {
    math_block block;
    block.piece = piece;
    auto expanded = macro_expander(macros, source, diagnostics, options.expansion)
                        .expand(tokenize(piece.latex, piece.start));
    block.tokens = std::move(expanded.tokens);
    block.complete = expanded.complete;
    block.tree =
        latex_parser(block.tokens, source, diagnostics, piece.start, options.parsing).parse_piece();
    return block;
}

inline void read_source(note& out, std::size_t index, text_dialect dialect, macro_table& macros,
                        const read_options& options) {
    const source_text& source = out.sources[index];
    extraction found = extract_math(source, index, dialect);
    out.diagnostics.insert(out.diagnostics.end(), found.diagnostics.begin(),
                           found.diagnostics.end());
    // Math and prose are interleaved in reading order so that a definition in a TeX
    // preamble (prose) is known to the math after it.
    std::size_t p = 0;
    for (const auto& piece : found.math) {
        for (; p < found.prose.size() && found.prose[p].offset < piece.offset; ++p) {
            if (dialect == text_dialect::tex)
                macro_expander(macros, source, out.diagnostics, options.expansion)
                    .collect_definitions(tokenize(found.prose[p].text, found.prose[p].start));
        }
        out.math.push_back(read_math_piece(piece, source, macros, options, out.diagnostics));
    }
    out.prose.insert(out.prose.end(), std::make_move_iterator(found.prose.begin()),
                     std::make_move_iterator(found.prose.end()));
}

} // namespace detail

// Reads a note from its text. `macros` holds definitions given beforehand (--macros) and
// receives the note's own.
inline note read_note(std::string_view file_name, std::string_view text, macro_table& macros,
                      const read_options& options = {}) noexcept {
    note out;
    try {
        out.file = std::string(file_name);
        note_format format = options.format.value_or(format_of(file_name));
        if (format == note_format::notebook) {
            auto cells = read_notebook(file_name, text);
            out.diagnostics = std::move(cells.diagnostics);
            out.sources = std::move(cells.markdown_cells);
            for (std::size_t k = 0; k < out.sources.size(); ++k)
                detail::read_source(out, k, text_dialect::markdown, macros, options);
        } else {
            out.sources.emplace_back(std::string(file_name), std::string(text));
            detail::read_source(
                out, 0, format == note_format::tex ? text_dialect::tex : text_dialect::markdown,
                macros, options);
        }
    } catch (const std::exception& e) {
        // Only memory exhaustion gets here; the note is reported as unread.
        try {
            out.diagnostics.push_back({std::string(file_name),
                                       -1,
                                       {1, 1},
                                       0,
                                       "",
                                       std::string("the note could not be read: ") + e.what()});
        } catch (...) {
        }
    }
    return out;
}

inline note read_note(std::string_view file_name, std::string_view text,
                      const read_options& options = {}) noexcept {
    macro_table macros;
    return read_note(file_name, text, macros, options);
}

// The contents of a file, or a diagnostic naming it.
inline std::optional<std::string> read_file_text(const std::filesystem::path& path,
                                                 std::vector<diagnostic>& diagnostics) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        diagnostics.push_back({path.string(), -1, {0, 0}, 0, "", "cannot open the file"});
        return std::nullopt;
    }
    std::ostringstream buffer;
    buffer << in.rdbuf();
    return std::move(buffer).str();
}

inline note read_note_file(const std::filesystem::path& path, macro_table& macros,
                           const read_options& options = {}) {
    std::vector<diagnostic> problems;
    auto text = read_file_text(path, problems);
    if (!text) {
        note out;
        out.file = path.string();
        out.diagnostics = std::move(problems);
        return out;
    }
    return read_note(path.string(), *text, macros, options);
}

// Loads macro definitions (\newcommand, \def, \DeclareMathOperator) from LaTeX text: what
// `elbocheck check --macros FILE` gives. Anything else in the text is ignored. Returns the
// diagnostics about the definitions.
inline std::vector<diagnostic> load_macros(macro_table& macros, std::string_view file_name,
                                           std::string_view latex,
                                           expansion_limits limits = {}) noexcept {
    std::vector<diagnostic> diagnostics;
    try {
        source_text source{std::string(file_name), std::string(latex)};
        macro_expander(macros, source, diagnostics, limits)
            .collect_definitions(tokenize(latex, {1, 1}));
    } catch (const std::exception& e) {
        diagnostics.push_back({std::string(file_name),
                               -1,
                               {1, 1},
                               0,
                               "",
                               std::string("the macros could not be read: ") + e.what()});
    }
    return diagnostics;
}

inline std::vector<diagnostic> load_macro_file(macro_table& macros,
                                               const std::filesystem::path& path) {
    std::vector<diagnostic> diagnostics;
    auto text = read_file_text(path, diagnostics);
    if (!text)
        return diagnostics;
    return load_macros(macros, path.string(), *text);
}

} // namespace elbocheck::read
