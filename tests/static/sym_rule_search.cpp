// The rule search names the rules that justify a step nobody cited rules for (a step read from
// notes): a set that justifies it and from which no rule can be dropped; and it finds nothing
// for a wrong step. The search is constexpr like the engine (one case is asserted while
// compiling), but trying every rule costs more than GCC's constant-evaluation budget for most
// steps, so it is a run-time tool: the cases are checked when the test runs.
#include "catalog.hpp"
#include "elbocheck/sym.hpp"
#include "support/both.hpp"

#include <algorithm>

using namespace elbocheck;
using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;

namespace {
constexpr auto qz = q(z | x);
constexpr auto Eq = E(z, qz);

template <expression A, expression B>
constexpr rule_search_result search(A, relation r, B) {
    return find_rules(A::lower(), r, B::lower());
}
template <expression A, expression B>
constexpr bool finds_exactly(A a, relation r, B b, std::vector<rule_id> expected) {
    const rule_search_result found = search(a, r, b);
    return found.found && found.rules == expected;
}
} // namespace

TEST_CASE("the search names the smallest set of rules", "[rule_search]") {
    BOTH(finds_exactly(p(x), relation::eq, integral(z, p(x, z)), {rule_id::marginalization}));
    CHECK(finds_exactly(log(p(x, z) / qz), relation::eq, log(p(x, z)) - log(qz),
                       {rule_id::log_of_product}));
    CHECK(finds_exactly(log(E(z, qz)[p(x, z) / qz]), relation::ge, Eq[log(p(x, z) / qz)],
                       {rule_id::jensen}));
    CHECK(finds_exactly(Eq[log(qz / p(z))], relation::eq, KL(qz, p(z)), {rule_id::kl_definition}));
    CHECK(finds_exactly(log(p(x)) - Eq[log(p(x, z) / qz)] + KL(qz, p(z)), relation::ge,
                       log(p(x)) - Eq[log(p(x, z) / qz)], {rule_id::kl_nonnegative}));
    // Visible rules are named when the step shows what they are about.
    CHECK(finds_exactly(integral(z, p(x, z)), relation::eq, integral(z, qz * (p(x, z) / qz)),
                       {rule_id::multiply_by_one}));
}

TEST_CASE("the search finds nothing for a wrong step", "[rule_search]") {
    CHECK(!search(log(p(x, z) / qz), relation::eq, log(p(x, z)) + log(qz)).found);
    CHECK(!search(Eq[log(p(x, z) / qz)], relation::ge, log(E(z, qz)[p(x, z) / qz])).found);
    CHECK(!search(KL(qz, p(z)), relation::eq, Eq[log(p(z) / qz)]).found);
    CHECK(!search(integral(z, p(x, z)), relation::eq, p(z)).found);
}

TEST_CASE("every correct step of every derivation is found, with no more rules than cited",
          "[rule_search]") {
    std::size_t steps = 0, found = 0, not_more = 0;
    for (const derivation_record& d : derivations::catalog()) {
        const term* before = &d.data.start;
        for (const step_data& written : d.data.steps) {
            const step_data& s =
                written.recorded_as_mistake() ? written.correction.front() : written;
            const bool cites_lemma =
                std::find(s.rules.begin(), s.rules.end(), rule_id::lemma) != s.rules.end();
            if (!cites_lemma) { // a lemma is a derivation of its own, not in the catalog
                ++steps;
                const rule_search_result r = find_rules(*before, s.claimed, s.next);
                INFO(d.about.name << ": " << to_latex(s.next).str());
                CHECK(r.found);
                found += r.found;
                not_more += r.found && r.rules.size() <= s.rules.size() + 1;
            }
            before = &written.continues_from();
        }
    }
    CHECK(steps > 60);
    CHECK(found == steps);
    // Found sets are small: at most one more rule than the author cites (visible rules the
    // author leaves implicit).
    CHECK(not_more == steps);
}
