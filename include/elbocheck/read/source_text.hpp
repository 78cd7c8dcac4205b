#pragma once
// A note's text, kept whole, with a way to turn any byte offset into the line and column a
// person sees in an editor. Every later layer (math pieces, tokens, syntax-tree nodes,
// diagnostics) refers back to it, so a message can always point at the exact place.
//
// Columns count characters, not bytes: notes contain UTF-8 (Greek letters, arrows, emoji in
// Obsidian links), and an editor's column after "θ" is one more, not two more.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace elbocheck::read {

// 1-based line and column; {0, 0} means "unknown".
struct source_position {
    std::uint32_t line = 0;
    std::uint32_t column = 0;
    friend constexpr bool operator==(source_position, source_position) = default;
};

// A byte that continues a multi-byte UTF-8 character does not start a new column.
constexpr bool is_utf8_continuation(char c) {
    return (static_cast<unsigned char>(c) & 0xC0U) == 0x80U;
}

// Moves a position over one byte. Scanners that walk a text byte by byte keep their
// position this way instead of searching for it again (which would be quadratic on the
// one-line, megabyte-long inputs a fuzzer likes).
constexpr source_position advance(source_position at, char byte) {
    if (byte == '\n')
        return {at.line + 1, 1};
    if (!is_utf8_continuation(byte))
        return {at.line, at.column + 1};
    return at;
}

class source_text {
  public:
    // `cell` is the index of a notebook cell this text is, or -1 for a whole file.
    source_text(std::string name, std::string text, int cell = -1)
        : name_(std::move(name))
        , text_(std::move(text))
        , cell_(cell) {
        line_starts_.push_back(0);
        for (std::size_t i = 0; i < text_.size(); ++i)
            if (text_[i] == '\n')
                line_starts_.push_back(i + 1);
    }

    const std::string& name() const { return name_; }
    const std::string& text() const { return text_; }
    int cell() const { return cell_; }
    std::size_t line_count() const { return line_starts_.size(); }

    // The position of the character that starts at (or contains) byte `offset`; an offset
    // past the end is the position just after the last character.
    source_position position_of(std::size_t offset) const {
        offset = std::min(offset, text_.size());
        auto next_line = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
        auto line = static_cast<std::size_t>(next_line - line_starts_.begin()); // 1-based
        std::size_t start = line_starts_[line - 1];
        std::uint32_t column = 1;
        for (std::size_t i = start; i < offset; ++i)
            if (!is_utf8_continuation(text_[i]))
                ++column;
        return {static_cast<std::uint32_t>(line), column};
    }

    std::size_t offset_of_line(std::uint32_t line) const {
        if (line == 0 || line > line_starts_.size())
            return text_.size();
        return line_starts_[line - 1];
    }

    // A notebook cell's line as a line of the .ipynb file, 0 when it is not known. For a
    // plain file the line is its own.
    std::uint32_t file_line_of(std::uint32_t line) const {
        if (cell_ < 0)
            return line;
        if (line == 0 || line > file_lines_.size())
            return 0;
        return file_lines_[line - 1];
    }
    void set_file_lines(std::vector<std::uint32_t> lines) { file_lines_ = std::move(lines); }

  private:
    std::string name_;
    std::string text_;
    int cell_ = -1;
    std::vector<std::size_t> line_starts_;
    std::vector<std::uint32_t> file_lines_;
};

} // namespace elbocheck::read
