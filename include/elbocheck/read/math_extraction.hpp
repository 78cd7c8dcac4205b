#pragma once
// Finding the math in a note. Markdown (GitHub-flavoured, also used for .txt notes and for
// notebook cells) and TeX share one scanner; they differ in what hides math (code fences,
// code spans and HTML comments in Markdown; % comments in TeX) and in how careful a lone $
// must be (in Markdown "$5 and $6" is money, in TeX every $ is math).
//
// The scanner is linear in the size of the text: a closing delimiter that is not found is
// remembered as absent from that point on, so a megabyte of unmatched \[ is read once, not
// once per \[.

#include "elbocheck/read/diagnostic.hpp"
#include "elbocheck/read/environments.hpp"
#include "elbocheck/read/math_piece.hpp"
#include "elbocheck/read/source_text.hpp"

#include <cstddef>
#include <map>
#include <string>
#include <string_view>

namespace elbocheck::read {

enum class text_dialect : std::uint8_t { markdown, tex };

namespace detail {

constexpr bool is_blank(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}
constexpr bool is_ascii_digit(char c) {
    return c >= '0' && c <= '9';
}

class math_scanner {
  public:
    math_scanner(const source_text& source, std::size_t source_index, text_dialect dialect)
        : source_(source)
        , s_(source.text())
        , index_(source_index)
        , dialect_(dialect) {}

    extraction run() {
        std::size_t i = 0;
        while (i < s_.size())
            i = step(i);
        emit_prose(s_.size());
        return std::move(out_);
    }

  private:
    const source_text& source_;
    std::string_view s_;
    std::size_t index_;
    text_dialect dialect_;
    extraction out_;
    std::size_t prose_start_ = 0;
    // For each closing delimiter, an offset from which it is known not to occur.
    std::map<std::string, std::size_t, std::less<>> absent_from_;
    // Pieces are emitted in order, so their positions are found by walking on from the
    // last one; looking each up from its line start would be quadratic on long lines.
    std::size_t cursor_offset_ = 0;
    source_position cursor_{1, 1};

    source_position position_at(std::size_t offset) {
        if (offset < cursor_offset_)
            return source_.position_of(offset);
        for (; cursor_offset_ < offset && cursor_offset_ < s_.size(); ++cursor_offset_)
            cursor_ = advance(cursor_, s_[cursor_offset_]);
        return cursor_;
    }

    bool markdown() const { return dialect_ == text_dialect::markdown; }
    bool starts_with(std::size_t i, std::string_view what) const {
        return s_.size() - i >= what.size() && s_.compare(i, what.size(), what) == 0;
    }
    std::size_t end_of_line(std::size_t i) const {
        auto nl = s_.find('\n', i);
        return nl == std::string_view::npos ? s_.size() : nl;
    }

    void emit_prose(std::size_t end) {
        if (end > prose_start_)
            out_.prose.push_back({index_, prose_start_,
                                  std::string(s_.substr(prose_start_, end - prose_start_)),
                                  position_at(prose_start_)});
        prose_start_ = end;
    }

    void emit_math(std::size_t open, std::size_t begin, std::size_t end, std::size_t close_end,
                   math_style style, math_delimiter delimiter) {
        emit_prose(open);
        out_.math.push_back({index_, begin, std::string(s_.substr(begin, end - begin)),
                             position_at(begin), style, delimiter});
        prose_start_ = close_end;
    }

    void report(std::size_t at, std::string_view construct, std::string message) {
        out_.diagnostics.push_back(
            make_diagnostic(source_, source_.position_of(at), construct, std::move(message)));
    }

    // The offset of `closer` at or after `from`, skipping backslash escapes (so \$ does not
    // close $$) and, in TeX, comments; npos if absent.
    std::size_t find_close(std::size_t from, std::string_view closer) {
        auto known = absent_from_.find(closer);
        if (known != absent_from_.end() && from >= known->second)
            return std::string_view::npos;
        for (std::size_t j = from; j < s_.size();) {
            if (starts_with(j, closer))
                return j;
            if (s_[j] == '\\')
                j += 2;
            else if (!markdown() && s_[j] == '%')
                j = end_of_line(j);
            else
                ++j;
        }
        if (known == absent_from_.end())
            absent_from_.emplace(std::string(closer), from);
        else
            known->second = std::min(known->second, from);
        return std::string_view::npos;
    }

    // Delimited math: `open` at i, content up to `closer`.
    std::size_t delimited(std::size_t i, std::string_view open, std::string_view closer,
                          math_style style, math_delimiter delimiter) {
        std::size_t begin = i + open.size();
        std::size_t close = find_close(begin, closer);
        if (close == std::string_view::npos) {
            report(i, open,
                   "unterminated math: no closing " + std::string(closer) +
                       " after it; the rest is read as prose");
            return begin;
        }
        emit_math(i, begin, close, close + closer.size(), style, delimiter);
        return close + closer.size();
    }

    std::size_t step(std::size_t i) {
        bool line_start = i == 0 || s_[i - 1] == '\n';
        if (markdown() && line_start) {
            if (auto after = fence(i); after != i)
                return after;
        }
        char c = s_[i];
        if (markdown() && c == '`')
            return code_span(i);
        if (markdown() && c == '<' && starts_with(i, "<!--")) {
            auto close = find_close(i + 4, "-->");
            return close == std::string_view::npos ? s_.size() : close + 3;
        }
        if (!markdown() && c == '%') {
            // A TeX comment is neither math nor prose.
            emit_prose(i);
            auto end = end_of_line(i);
            prose_start_ = end;
            return end;
        }
        if (c == '\\')
            return backslash(i);
        if (c == '$') {
            if (starts_with(i, "$$"))
                return delimited(i, "$$", "$$", math_style::display, math_delimiter::double_dollar);
            return markdown()
                       ? markdown_dollar(i)
                       : delimited(i, "$", "$", math_style::inline_math, math_delimiter::dollar);
        }
        return i + 1;
    }

    std::size_t backslash(std::size_t i) {
        if (markdown()) {
            if (starts_with(i, "\\\\["))
                return delimited(i, "\\\\[", "\\\\]", math_style::display,
                                 math_delimiter::escaped_bracket);
            if (starts_with(i, "\\\\("))
                return delimited(i, "\\\\(", "\\\\)", math_style::inline_math,
                                 math_delimiter::escaped_parenthesis);
        }
        if (starts_with(i, "\\["))
            return delimited(i, "\\[", "\\]", math_style::display, math_delimiter::bracket);
        if (starts_with(i, "\\("))
            return delimited(i, "\\(", "\\)", math_style::inline_math, math_delimiter::parenthesis);
        if (starts_with(i, "\\begin{"))
            return environment(i);
        return i + 2; // an escaped character: \$ is a dollar sign, not math
    }

    // \begin{align} ... \end{align} outside any delimiter: the whole environment is a display
    // piece, \begin and \end included, so that the parser sees which layout it is.
    std::size_t environment(std::size_t i) {
        std::size_t name_begin = i + 7;
        std::size_t name_end = s_.find('}', name_begin);
        if (name_end == std::string_view::npos || name_end - name_begin > 32)
            return i + 2;
        std::string name(s_.substr(name_begin, name_end - name_begin));
        if (!is_math_environment(name))
            return name_end + 1;
        std::string closer = "\\end{" + name + "}";
        std::size_t close = find_close(name_end + 1, closer);
        if (close == std::string_view::npos) {
            report(i, "\\begin{" + name + "}",
                   "unterminated math: no \\end{" + name + "} after it; the rest is read as prose");
            return name_end + 1;
        }
        std::size_t end = close + closer.size();
        emit_math(i, i, end, end, math_style::display, math_delimiter::environment);
        return end;
    }

    // A lone $ in Markdown is math only if it pairs with the next $ in the same paragraph
    // under the rules that keep prices prose: the first $ that follows must close it, space
    // inside the delimiters must be symmetric ($x$ or $ x $, as GitHub renders both), and
    // a closing $ must not be followed by a digit ("$5 and $6").
    std::size_t markdown_dollar(std::size_t i) {
        if (i + 1 >= s_.size())
            return i + 1;
        bool open_space = is_blank(s_[i + 1]);
        for (std::size_t j = i + 1; j < s_.size();) {
            char c = s_[j];
            if (c == '\\') {
                j += 2;
                continue;
            }
            if (c == '\n' && blank_line_follows(j))
                return i + 1;
            if (c == '$') {
                if (j + 1 < s_.size() && s_[j + 1] == '$')
                    return i + 1;
                if (is_blank(s_[j - 1]) != open_space)
                    return i + 1;
                if (j + 1 < s_.size() && is_ascii_digit(s_[j + 1]))
                    return i + 1;
                if (s_.substr(i + 1, j - i - 1).find_first_not_of(" \t\r\n") ==
                    std::string_view::npos)
                    return i + 1;
                emit_math(i, i + 1, j, j + 1, math_style::inline_math, math_delimiter::dollar);
                return j + 1;
            }
            ++j;
        }
        return i + 1;
    }

    bool blank_line_follows(std::size_t newline) const {
        for (std::size_t k = newline + 1; k < s_.size(); ++k) {
            if (s_[k] == '\n')
                return true;
            if (s_[k] != ' ' && s_[k] != '\t' && s_[k] != '\r')
                return false;
        }
        return true;
    }

    // `code` spans: a run of n backticks closed by the next run of exactly n.
    std::size_t code_span(std::size_t i) {
        std::size_t n = 0;
        while (i + n < s_.size() && s_[i + n] == '`')
            ++n;
        std::string closer = "\x01" + std::to_string(n); // key for the absence cache
        auto known = absent_from_.find(closer);
        if (known == absent_from_.end() || i + n < known->second) {
            for (std::size_t j = i + n; j < s_.size();) {
                if (s_[j] != '`') {
                    ++j;
                    continue;
                }
                std::size_t m = 0;
                while (j + m < s_.size() && s_[j + m] == '`')
                    ++m;
                if (m == n)
                    return j + m;
                j += m;
            }
            absent_from_[closer] = i + n;
        }
        return i + n; // unmatched backticks are literal
    }

    // A fenced code block starting on the line at i; ```math fences are display math, any
    // other fence hides what it holds. Returns i if the line does not open a fence.
    std::size_t fence(std::size_t i) {
        std::size_t j = i;
        while (j < s_.size() && (s_[j] == ' ' || s_[j] == '\t' || s_[j] == '>'))
            ++j;
        if (j >= s_.size() || (s_[j] != '`' && s_[j] != '~'))
            return i;
        char mark = s_[j];
        std::size_t n = 0;
        while (j + n < s_.size() && s_[j + n] == mark)
            ++n;
        if (n < 3)
            return i;
        std::size_t line_end = end_of_line(j);
        std::string_view info = s_.substr(j + n, line_end - j - n);
        if (mark == '`' && info.find('`') != std::string_view::npos)
            return i;
        auto first = info.find_first_not_of(" \t\r");
        bool is_math = first != std::string_view::npos && info.substr(first, 4) == "math" &&
                       (info.size() == first + 4 || is_blank(info[first + 4]));
        std::size_t content = std::min(line_end + 1, s_.size());
        // Find the closing fence: a line of at least n marks and nothing else.
        for (std::size_t line = content; line < s_.size();) {
            std::size_t end = end_of_line(line);
            std::size_t k = line;
            while (k < end && (s_[k] == ' ' || s_[k] == '\t' || s_[k] == '>'))
                ++k;
            std::size_t m = 0;
            while (k + m < end && s_[k + m] == mark)
                ++m;
            if (m >= n && s_.substr(k + m, end - k - m).find_first_not_of(" \t\r") ==
                              std::string_view::npos) {
                std::size_t after = std::min(end + 1, s_.size());
                if (is_math)
                    emit_math(j, content, line == 0 ? 0 : std::max(content, line - 1), end,
                              math_style::display, math_delimiter::math_fence);
                return after;
            }
            line = end + 1;
        }
        if (is_math) {
            report(j, s_.substr(j, n + 4),
                   "unterminated math: the ```math fence is never closed; read to the end");
            emit_math(j, content, s_.size(), s_.size(), math_style::display,
                      math_delimiter::math_fence);
        }
        return s_.size();
    }
};

} // namespace detail

inline extraction extract_math(const source_text& source, std::size_t source_index,
                               text_dialect dialect) {
    return detail::math_scanner(source, source_index, dialect).run();
}

} // namespace elbocheck::read
