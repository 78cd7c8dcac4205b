#pragma once
// The relation a step claims between the previous expression and the next one.

#include <cstdint>
#include <string_view>

namespace elbocheck::sym {

enum class relation : std::uint8_t { eq, ge, le };

constexpr relation flipped(relation r) {
    return r == relation::ge ? relation::le : r == relation::le ? relation::ge : relation::eq;
}

constexpr std::string_view symbol_of(relation r) {
    return r == relation::eq ? "=" : r == relation::ge ? ">=" : "<=";
}
constexpr std::string_view latex_of(relation r) {
    return r == relation::eq ? "=" : r == relation::ge ? R"(\geq)" : R"(\leq)";
}

// A chain a = b >= c = d relates a and d by >=; mixing >= and <= relates them by nothing.
struct chain_relation {
    bool related = true;
    relation overall = relation::eq;

    constexpr void then(relation r) {
        if (r == relation::eq || !related)
            return;
        if (overall == relation::eq)
            overall = r;
        else if (overall != r)
            related = false;
    }
};

} // namespace elbocheck::sym
