// Each document's flagged steps are exactly its real mistakes and nothing else. Checked at
// compile time (the flagged set of every derivation) and at run time (the catalog the tool
// uses): 000 writes an integral without dz; 004 drops a log and twice integrates over x where
// the expectation is over z; 001, 002 and 003 are correct throughout.
#include "catalog.hpp"
#include "support/both.hpp"

#include <map>
#include <string>

using namespace elbocheck;
using namespace elbocheck::sym;

namespace {
// The 1-based indices of the steps the checker flags (as written).
template <class D>
constexpr std::vector<std::size_t> flagged_steps(const D&) {
    std::vector<std::size_t> out;
    const auto outcomes = verdicts<D>;
    for (std::size_t i = 0; i < outcomes.size(); ++i)
        if (!outcomes[i].written.justified())
            out.push_back(i + 1);
    return out;
}
template <class D>
constexpr bool all_as_expected(const D&) {
    return first_unexpected(verdicts<D>) == -1;
}
} // namespace

TEST_CASE("document 000: only the integral without dz is flagged", "[documents]") {
    BOTH(flagged_steps(derivations::doc000::elbo_and_gap) == std::vector<std::size_t>{2});
    BOTH(verdicts<decltype(derivations::doc000::elbo_and_gap)>[1].written.form.problem ==
         form_problem::integral_without_variable);
    BOTH(flagged_steps(derivations::doc000::evidence_by_marginalization).empty());
    BOTH(flagged_steps(derivations::doc000::evidence_by_bayes).empty());
    BOTH(flagged_steps(derivations::doc000::bound_stated_first).empty());
    BOTH(all_as_expected(derivations::doc000::elbo_and_gap));
}

TEST_CASE("document 004: the dropped log and the two integrals over x are flagged", "[documents]") {
    constexpr auto& kl = derivations::doc004::kl_to_posterior;
    BOTH(flagged_steps(kl) == std::vector<std::size_t>{4, 5, 6});
    using D = decltype(kl);
    BOTH(verdicts<D>[3].written.reason == step_reason::sides_differ); // E_q[p(x)]
    BOTH(verdicts<D>[4].written.form.problem == form_problem::depends_on_integrated_variable);
    BOTH(verdicts<D>[5].written.form.problem == form_problem::depends_on_integrated_variable);
    BOTH(verdicts<D>[3].corrected.justified());
    BOTH(verdicts<D>[4].corrected.justified());
    BOTH(verdicts<D>[5].corrected.justified());
    BOTH(all_as_expected(kl));
    BOTH(flagged_steps(derivations::doc004::bayes).empty());
    BOTH(flagged_steps(derivations::doc004::evidence_integral).empty());
    BOTH(flagged_steps(derivations::doc004::evidence_bound).empty());
    BOTH(flagged_steps(derivations::doc004::elbo_forms).empty());
    BOTH(flagged_steps(derivations::doc004::elbo_with_guide_of_z).empty());
}

TEST_CASE("documents 001, 002 and 003 have no mistakes", "[documents]") {
    BOTH(flagged_steps(derivations::doc001::elbo_inequality).empty());
    BOTH(flagged_steps(derivations::doc001::evidence_bounds_elbo).empty());
    BOTH(flagged_steps(derivations::doc001::gap).empty());
    BOTH(flagged_steps(derivations::doc001::evidence_over_parameters).empty());
    BOTH(flagged_steps(derivations::doc002::main_derivation).empty());
    BOTH(flagged_steps(derivations::doc002::gap).empty());
    BOTH(flagged_steps(derivations::doc002::bound_stated_first).empty());
    BOTH(flagged_steps(derivations::doc003::bayes).empty());
    BOTH(flagged_steps(derivations::doc003::log_bayes).empty());
    BOTH(flagged_steps(derivations::doc003::elbo).empty());
}

TEST_CASE("the catalog at run time: flagged steps per document", "[documents]") {
    std::map<std::string, std::vector<std::size_t>> flagged_by_document;
    for (const derivation_record& d : derivations::catalog()) {
        const auto outcomes = check_derivation(d.data);
        REQUIRE(outcomes.size() == d.notes.size());
        for (std::size_t i = 0; i < outcomes.size(); ++i) {
            INFO(d.about.name << " step " << i + 1);
            CHECK(outcomes[i].as_expected());
            // A step is recorded as a mistake exactly when the checker flags it.
            CHECK(d.expected_to_fail(i) == !outcomes[i].written.justified());
            if (!outcomes[i].written.justified())
                flagged_by_document[std::string(d.about.document)].push_back(i + 1);
        }
    }
    CHECK(flagged_by_document.size() == 2);
    CHECK(flagged_by_document["000_c4e610161a6ffb42.txt"] == std::vector<std::size_t>{2});
    CHECK(flagged_by_document["004_d9c7db41d7f73834.txt"] == std::vector<std::size_t>{4, 5, 6});
}
