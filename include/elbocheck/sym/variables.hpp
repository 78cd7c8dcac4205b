#pragma once
// Which variables a term depends on (free) and which it integrates out (bound). E and the
// integral bind their variable; KL(a || b) binds the variables both of its densities are
// over. Used by the well-formedness checks and by the rules whose preconditions say "c
// does not depend on z".

#include "elbocheck/sym/term.hpp"

#include <algorithm>

namespace elbocheck::sym {

// A small sorted set of variable ids.
struct variable_set {
    std::vector<int> ids;

    constexpr bool contains(int id) const { return std::binary_search(ids.begin(), ids.end(), id); }
    constexpr void insert(int id) {
        auto at = std::lower_bound(ids.begin(), ids.end(), id);
        if (at == ids.end() || *at != id)
            ids.insert(at, id);
    }
    constexpr void erase(int id) {
        auto at = std::lower_bound(ids.begin(), ids.end(), id);
        if (at != ids.end() && *at == id)
            ids.erase(at);
    }
    constexpr void merge(const variable_set& other) {
        for (int id : other.ids)
            insert(id);
    }
    constexpr bool empty() const { return ids.empty(); }
    friend constexpr bool operator==(const variable_set&, const variable_set&) = default;
};

// The variables a density is over (before the bar) and those it is conditioned on.
constexpr variable_set sampled_variables(const term& density) {
    variable_set s;
    for (std::uint32_t i = 0; i < density.given; ++i)
        s.insert(density.kids[i].id);
    return s;
}
constexpr variable_set conditioning_variables(const term& density) {
    variable_set s;
    for (std::size_t i = density.given; i < density.kids.size(); ++i)
        s.insert(density.kids[i].id);
    return s;
}

constexpr variable_set free_variables(const term& t) {
    variable_set out;
    switch (t.kind) {
    case op::variable:
        out.insert(t.id);
        break;
    case op::density:
        for (const term& v : t.kids)
            out.insert(v.id);
        break;
    case op::expectation:
        out = free_variables(t.kids[1]);
        out.merge(free_variables(t.kids[2]));
        out.erase(t.kids[0].id);
        break;
    case op::integral:
        out = free_variables(t.kids[1]);
        out.erase(t.kids[0].id);
        break;
    case op::kl: {
        out = free_variables(t.kids[0]);
        out.merge(free_variables(t.kids[1]));
        const variable_set over = sampled_variables(t.kids[0]);
        for (int id : over.ids)
            out.erase(id);
        break;
    }
    case op::named:
        if (!t.kids.empty())
            out = free_variables(t.kids.front());
        break;
    default:
        for (const term& k : t.kids)
            out.merge(free_variables(k));
    }
    return out;
}

constexpr bool depends_on(const term& t, int variable_id) {
    return free_variables(t).contains(variable_id);
}

// Variables that some E, integral or KL inside t integrates over.
constexpr variable_set bound_variables(const term& t) {
    variable_set out;
    if (t.is(op::expectation) || t.is(op::integral))
        out.insert(t.kids[0].id);
    if (t.is(op::kl))
        out.merge(sampled_variables(t.kids[0]));
    if (t.is(op::named))
        return out; // a name's definition is not part of the expression it appears in
    for (const term& k : t.kids)
        out.merge(bound_variables(k));
    return out;
}

} // namespace elbocheck::sym
