// The rule engine on terms built at run time, from symbols chosen at run time, without the
// expression templates: the verdicts must equal the compile-time verdicts of the same
// derivation, and wrong steps built at run time must be caught the same way.
#include "doc002_elbo_intuition.hpp"

#include <catch2/catch.hpp>
#include <map>
#include <string>

using namespace elbocheck::sym;

namespace {

// A run-time vocabulary: the symbols come from a table filled when the test runs.
struct vocabulary {
    std::map<std::string, symbol> variables, families;

    vocabulary() {
        variables["x"] = {1, "x", static_cast<std::uint8_t>(variable_role::observed), {}};
        variables["z"] = {2, "z", static_cast<std::uint8_t>(variable_role::latent), {}};
        families["p"] = {1, "p", static_cast<std::uint8_t>(family_role::model), R"(\theta)"};
        families["q"] = {2, "q", static_cast<std::uint8_t>(family_role::guide), R"(\phi)"};
    }
    term var(const std::string& name) const { return make_variable(variables.at(name)); }
    // density("p", {"x"}, {"z"}) is p(x | z)
    term density(const std::string& family, std::vector<std::string> sampled,
                 std::vector<std::string> given = {}) const {
        std::vector<term> s, g;
        for (const auto& v : sampled)
            s.push_back(var(v));
        for (const auto& v : given)
            g.push_back(var(v));
        return make_density(families.at(family), std::move(s), std::move(g));
    }
};

std::vector<rule_id> rules_named(std::initializer_list<const char*> keys) {
    std::vector<rule_id> out;
    for (const char* k : keys) {
        rule_id r{};
        REQUIRE(find_rule(k, r));
        out.push_back(r);
    }
    return out;
}

// Document 002's main derivation, built from the vocabulary at run time.
derivation_data doc002_at_run_time(const vocabulary& v) {
    const term px = v.density("p", {"x"});
    const term pxz = v.density("p", {"x", "z"});
    const term q = v.density("q", {"z"}, {"x"});
    const term pz = v.density("p", {"z"});
    const term px_z = v.density("p", {"x"}, {"z"});
    const term z = v.var("z");
    auto Eq = [&](term body) { return make_expectation(z, q, std::move(body)); };

    derivation_data d;
    auto add = [&d](relation r, term next, std::vector<rule_id> rules) {
        step_data s;
        s.claimed = r;
        s.next = std::move(next);
        s.rules = std::move(rules);
        d.steps.push_back(std::move(s));
    };
    d.start = make_log(px);
    add(relation::eq, make_log(make_integral(z, pxz)), rules_named({"marginalization"}));
    add(relation::eq, make_log(make_integral(z, make_product({q, make_quotient(pxz, q)}))),
        rules_named({"multiply_by_one"}));
    add(relation::eq, make_log(Eq(make_quotient(pxz, q))),
        rules_named({"integral_as_expectation"}));
    add(relation::ge, Eq(make_log(make_quotient(pxz, q))), rules_named({"jensen"}));
    add(relation::eq, Eq(make_difference(make_log(pxz), make_log(q))),
        rules_named({"log_of_quotient"}));
    add(relation::eq, Eq(make_difference(make_sum({make_log(px_z), make_log(pz)}), make_log(q))),
        rules_named({"chain_rule", "log_of_product"}));
    add(relation::eq, make_difference(Eq(make_log(px_z)), Eq(make_log(make_quotient(q, pz)))),
        rules_named({"linearity", "log_of_quotient"}));
    add(relation::eq, make_difference(Eq(make_log(px_z)), make_kl(q, pz)),
        rules_named({"kl_definition"}));
    return d;
}

} // namespace

TEST_CASE("run-time terms equal the lowered expression templates", "[engine]") {
    const vocabulary v;
    const derivation_data built = doc002_at_run_time(v);
    const derivation_data lowered =
        decltype(elbocheck::derivations::doc002::main_derivation)::lower();
    REQUIRE(built.steps.size() == lowered.steps.size());
    CHECK(same(built.start, lowered.start));
    for (std::size_t i = 0; i < built.steps.size(); ++i) {
        INFO("step " << i + 1);
        CHECK(same(built.steps[i].next, lowered.steps[i].next));
        CHECK(to_latex(built.steps[i].next) == to_latex(lowered.steps[i].next));
    }
}

TEST_CASE("run-time verdicts equal the compile-time verdicts", "[engine]") {
    using D = decltype(elbocheck::derivations::doc002::main_derivation);
    const std::vector<step_outcome> run_time = check_derivation(doc002_at_run_time(vocabulary{}));
    REQUIRE(run_time.size() == D::step_count);
    for (std::size_t i = 0; i < run_time.size(); ++i) {
        INFO("step " << i + 1);
        CHECK(run_time[i].written == verdicts<D>[i].written);
    }
}

TEST_CASE("wrong steps built at run time are caught", "[engine]") {
    const vocabulary v;
    derivation_data d = doc002_at_run_time(v);

    SECTION("Jensen's step written with =") {
        d.steps[3].claimed = relation::eq;
        const auto outcomes = check_derivation(d);
        CHECK(outcomes[3].written.reason == step_reason::relation_mismatch);
        CHECK(outcomes[3].written.derived == relation::ge);
        CHECK(describe(outcomes[3].written, 4, d.steps[3]).view().find("gives >=") !=
              std::string::npos);
    }
    SECTION("the log dropped from the ELBO") {
        d.steps[3].next = make_expectation(
            v.var("z"), v.density("q", {"z"}, {"x"}),
            make_quotient(v.density("p", {"x", "z"}), v.density("q", {"z"}, {"x"})));
        const auto outcomes = check_derivation(d);
        CHECK_FALSE(outcomes[3].written.justified());
    }
    SECTION("KL with its arguments swapped") {
        d.steps[7].next =
            make_difference(make_expectation(v.var("z"), v.density("q", {"z"}, {"x"}),
                                             make_log(v.density("p", {"x"}, {"z"}))),
                            make_kl(v.density("p", {"z"}), v.density("q", {"z"}, {"x"})));
        const auto outcomes = check_derivation(d);
        CHECK(outcomes[7].written.reason == step_reason::sides_differ);
    }
    SECTION("an unknown rule key is not found") {
        rule_id r{};
        CHECK_FALSE(find_rule("jensens", r));
    }
}
