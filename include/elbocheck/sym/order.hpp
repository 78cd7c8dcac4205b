#pragma once
// A total order on terms, built from explicit symbol ids (never from names or addresses),
// so that canonical forms sort the same way at compile time, at run time and on every
// machine. Equality of terms is "neither is less".

#include "elbocheck/sym/term.hpp"

namespace elbocheck::sym {

constexpr int compare(const term& a, const term& b) {
    if (a.kind != b.kind)
        return a.kind < b.kind ? -1 : 1;
    if (a.id != b.id)
        return a.id < b.id ? -1 : 1;
    if (a.value != b.value)
        return a.value < b.value ? -1 : 1;
    if (a.given != b.given)
        return a.given < b.given ? -1 : 1;
    if (a.kids.size() != b.kids.size())
        return a.kids.size() < b.kids.size() ? -1 : 1;
    // A name's definition is not part of its identity: ELBO is ELBO however it was defined.
    if (a.kind == op::named)
        return 0;
    for (std::size_t i = 0; i < a.kids.size(); ++i)
        if (const int c = compare(a.kids[i], b.kids[i]); c != 0)
            return c;
    return 0;
}

constexpr bool same(const term& a, const term& b) {
    return compare(a, b) == 0;
}

struct term_less {
    constexpr bool operator()(const term& a, const term& b) const { return compare(a, b) < 0; }
};

} // namespace elbocheck::sym
