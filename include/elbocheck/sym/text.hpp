#pragma once
// An append-only string for text made in constant expressions (LaTeX, diagnostics).
// GCC 12's constexpr std::string miscompiles moves of short strings ("use of allocated
// storage after deallocation", "accessing _M_allocated_capacity instead of _M_local_buf"),
// so the symbolic layer builds its text on std::vector<char>, which has no small-buffer
// trick to trip over. At run time, str() hands out a std::string.

#include <string>
#include <string_view>
#include <vector>

namespace elbocheck::sym {

class text {
  public:
    constexpr text() = default;
    constexpr text(std::string_view s)
        : chars_(s.begin(), s.end()) {}
    constexpr text(const char* s)
        : text(std::string_view(s)) {}

    constexpr text& operator+=(std::string_view s) {
        chars_.insert(chars_.end(), s.begin(), s.end());
        return *this;
    }
    constexpr text& operator+=(const char* s) { return *this += std::string_view(s); }
    constexpr text& operator+=(const text& t) { return *this += t.view(); }
    constexpr text& operator+=(char c) {
        chars_.push_back(c);
        return *this;
    }

    constexpr std::size_t size() const { return chars_.size(); }
    constexpr bool empty() const { return chars_.empty(); }
    constexpr const char* data() const { return chars_.data(); }
    constexpr std::string_view view() const { return {chars_.data(), chars_.size()}; }
    std::string str() const { return std::string(view()); }

    friend constexpr text operator+(text a, const text& b) { return a += b; }
    friend constexpr text operator+(text a, std::string_view b) { return a += b; }
    friend constexpr text operator+(text a, const char* b) { return a += std::string_view(b); }
    friend constexpr text operator+(std::string_view a, const text& b) { return text(a) += b; }
    friend constexpr text operator+(const char* a, const text& b) { return text(a) += b; }
    friend constexpr bool operator==(const text& a, const text& b) { return a.view() == b.view(); }
    friend constexpr bool operator==(const text& a, std::string_view b) { return a.view() == b; }
    friend constexpr bool operator==(const text& a, const char* b) {
        return a.view() == std::string_view(b);
    }

  private:
    std::vector<char> chars_;
};

} // namespace elbocheck::sym
