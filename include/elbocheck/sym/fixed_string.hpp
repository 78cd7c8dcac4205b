#pragma once
// A string usable as a template argument. Symbols carry their LaTeX in their type, and a
// failed compile-time check carries its message in a template argument, because that is
// the one place a computed string is guaranteed to appear in GCC's diagnostics.

#include <algorithm>
#include <cstddef>
#include <string_view>

namespace elbocheck::sym {

template <std::size_t N>
struct fixed_string {
    char data[N + 1]{};

    constexpr fixed_string() = default;
    constexpr fixed_string(const char (&text)[N + 1]) { std::copy_n(text, N + 1, data); }

    static constexpr std::size_t size() { return N; }
    constexpr std::string_view view() const { return {data, N}; }
};

template <std::size_t M>
fixed_string(const char (&)[M]) -> fixed_string<M - 1>;

// Copies the result of a constexpr string-producing callable into a fixed_string sized to
// fit: the callable is evaluated twice (once for the size, once for the characters) since
// a constexpr std::string cannot outlive the evaluation that made it.
template <auto make_text>
constexpr auto to_fixed_string() {
    constexpr std::size_t length = make_text().size();
    fixed_string<length> out;
    const auto text = make_text();
    std::copy_n(text.data(), length, out.data);
    return out;
}

} // namespace elbocheck::sym
