#pragma once
// Jupyter notebooks: the Markdown cells, each read as its own text. A cell's positions are
// its own lines and columns (what Jupyter shows); where the notebook stores a cell's source
// as one JSON string per line (as Jupyter writes it), each line is also found in the .ipynb
// file, so messages can name the file's line too. If a line cannot be found exactly (an
// unusual escape), the file line is left unknown rather than guessed.

#include "elbocheck/read/diagnostic.hpp"
#include "elbocheck/read/source_text.hpp"

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace elbocheck::read {

struct notebook_cells {
    std::vector<source_text> markdown_cells;
    std::vector<diagnostic> diagnostics;
};

inline notebook_cells read_notebook(std::string_view file_name, std::string_view text) {
    notebook_cells out;
    source_text whole{std::string(file_name), std::string(text)};
    nlohmann::json doc;
    try {
        doc = nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& e) {
        std::size_t at = e.byte > 0 ? e.byte - 1 : 0;
        out.diagnostics.push_back(make_diagnostic(
            whole, whole.position_of(at), text.substr(std::min(at, text.size()), 20),
            "the notebook is not valid JSON (" + std::string(e.what()) + ")"));
        return out;
    } catch (const std::exception& e) {
        out.diagnostics.push_back(make_diagnostic(
            whole, {1, 1}, "", "the notebook could not be read: " + std::string(e.what())));
        return out;
    }
    const nlohmann::json* cells = nullptr;
    if (doc.is_object()) {
        auto it = doc.find("cells");
        if (it != doc.end() && it->is_array())
            cells = &*it;
    }
    if (!cells) {
        out.diagnostics.push_back(make_diagnostic(
            whole, {1, 1}, "{", "not a Jupyter notebook (nbformat 4): no \"cells\" array"));
        return out;
    }
    // Searching forward from the last cell found keeps the file lines in order and the
    // whole search linear.
    std::size_t search_from = 0;
    for (std::size_t index = 0; index < cells->size(); ++index) {
        const auto& cell = (*cells)[index];
        if (!cell.is_object())
            continue;
        auto type = cell.find("cell_type");
        if (type == cell.end() || !type->is_string() || type->get<std::string>() != "markdown")
            continue;
        auto source = cell.find("source");
        std::vector<std::string> lines;
        if (source != cell.end() && source->is_string())
            lines.push_back(source->get<std::string>());
        else if (source != cell.end() && source->is_array())
            for (const auto& piece : *source)
                if (piece.is_string())
                    lines.push_back(piece.get<std::string>());
        std::string joined;
        for (const auto& l : lines)
            joined += l;
        source_text cell_text{std::string(file_name), std::move(joined), static_cast<int>(index)};
        // One JSON string per line of the cell, each ending in its only newline?
        bool one_per_line = !lines.empty();
        for (std::size_t k = 0; k < lines.size() && one_per_line; ++k) {
            auto nl = lines[k].find('\n');
            bool last = k + 1 == lines.size();
            one_per_line = last ? nl == std::string::npos : nl == lines[k].size() - 1;
        }
        if (one_per_line) {
            std::vector<std::uint32_t> file_lines;
            std::size_t from = search_from;
            for (const auto& l : lines) {
                std::string encoded = nlohmann::json(l).dump();
                auto found = text.find(encoded, from);
                if (found == std::string_view::npos) {
                    file_lines.clear();
                    break;
                }
                file_lines.push_back(whole.position_of(found).line);
                from = found + encoded.size();
            }
            if (!file_lines.empty()) {
                search_from = from;
                cell_text.set_file_lines(std::move(file_lines));
            }
        }
        out.markdown_cells.push_back(std::move(cell_text));
    }
    return out;
}

} // namespace elbocheck::read
