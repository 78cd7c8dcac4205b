#pragma once
// The LaTeX environments the reader knows. Extraction needs the math environments (those
// that start math on their own, outside any $), the parser needs all of them to tell a
// known layout from a typo.

#include <algorithm>
#include <array>
#include <string_view>

namespace elbocheck::read {

// Environments that are display math by themselves (amsmath's and LaTeX's).
inline bool is_math_environment(std::string_view name) {
    static constexpr std::array<std::string_view, 22> names{
        "align",       "align*",   "aligned",      "alignat",   "alignat*",  "alignedat",
        "split",       "equation", "equation*",    "eqnarray",  "eqnarray*", "gather",
        "gather*",     "gathered", "multline",     "multline*", "flalign",   "flalign*",
        "displaymath", "math",     "subequations", "dmath"};
    return std::find(names.begin(), names.end(), name) != names.end();
}

// Environments that may appear inside math: layouts of rows and cells.
inline bool is_inner_environment(std::string_view name) {
    static constexpr std::array<std::string_view, 16> names{
        "cases",   "dcases",  "rcases",   "matrix",      "pmatrix", "bmatrix",
        "Bmatrix", "vmatrix", "Vmatrix",  "smallmatrix", "array",   "subarray",
        "darray",  "CD",      "gathered", "aligned"};
    return std::find(names.begin(), names.end(), name) != names.end();
}

inline bool is_known_environment(std::string_view name) {
    return is_math_environment(name) || is_inner_environment(name);
}

// Environments whose \begin takes one mandatory argument before the body ({n} columns).
inline bool environment_takes_argument(std::string_view name) {
    return name == "alignat" || name == "alignat*" || name == "alignedat" || name == "array" ||
           name == "darray" || name == "subarray";
}

} // namespace elbocheck::read
