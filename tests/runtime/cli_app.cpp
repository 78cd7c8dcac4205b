// The command line run in-process on derivations of the test's own: a derivation with a
// wrong step makes `check` exit 1 and name the step; a correct one exits 0; a derivation
// that records a mistake the checker does not catch also exits 1.
#include "elbocheck/sym.hpp"
#include "support/run_cli.hpp"

#include <catch2/catch.hpp>
#include <cstdio>
#include <string>

using namespace elbocheck;
using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;
using namespace elbocheck::sym::rules;

namespace {

constexpr auto correct = derivation({"correct", "A correct bound", ""}, log(p(x)))
                             .eq(log(integral(z, p(x, z))), by(marginalization), "Sum rule.");

// log E_q[p/q] = E_q[log p/q] by Jensen: the relation is wrong, and numerically false.
constexpr auto wrong =
    derivation({"wrong", "Jensen as an equality", ""}, log(E(z, q(z | x))[p(x, z) / q(z | x)]))
        .eq(E(z, q(z | x))[log(p(x, z) / q(z | x))], by(jensen), "Oops.");

// A "mistake" that is in fact correct: the record is wrong, so the check must not pass.
constexpr auto misrecorded =
    derivation({"misrecorded", "A correct step recorded as a mistake", ""}, p(x))
        .eq(integral(z, p(x, z)), by(marginalization), "Sum rule.")
        .mistake("not a mistake at all", integral(z, p(x | z) * p(z)));

using run_result = testing::cli_result;

run_result run(const std::vector<std::string>& args) {
    return testing::run_cli_captured(args, {record(correct), record(wrong), record(misrecorded)});
}

} // namespace

TEST_CASE("check exits 0 when every step behaves as expected", "[cli]") {
    const run_result r = run({"check", "correct", "--models", "3"});
    CHECK(r.code == 0);
    CHECK(r.out.find("1 behaved as expected, 0 did not") != std::string::npos);
}

TEST_CASE("check exits 1 and names the step when a step is wrong", "[cli]") {
    const run_result r = run({"check", "wrong", "--models", "3"});
    CHECK(r.code == 1);
    CHECK(r.out.find("step 1 (= by jensen): not justified: rule jensen gives >= here") !=
          std::string::npos);
    CHECK(r.out.find("numerically false on") != std::string::npos);
}

TEST_CASE("check exits 1 when a recorded mistake is not caught", "[cli]") {
    const run_result r = run({"check", "misrecorded", "--models", "3"});
    CHECK(r.code == 1);
}

TEST_CASE("JSON marks the failing derivation", "[cli]") {
    const run_result r = run({"check", "--format", "json", "--models", "2"});
    CHECK(r.code == 1);
    const auto j = nlohmann::json::parse(r.out);
    REQUIRE(j["derivations"].size() == 3);
    CHECK(j["derivations"][0]["verdict"] == "pass");
    CHECK(j["derivations"][1]["verdict"] == "fail");
    CHECK(j["derivations"][1]["steps"][0]["symbolic"] == "unjustified");
    CHECK(j["derivations"][1]["steps"][0]["numeric"] == "fails");
    CHECK(j["derivations"][2]["verdict"] == "fail");
}

TEST_CASE("Markdown marks the wrong step and counts it in the summary", "[cli]") {
    const run_result r = run({"check", "--format", "markdown", "--models", "2"});
    CHECK(r.code == 1);
    CHECK(r.out.rfind("# elbocheck check\n", 0) == 0);
    CHECK(r.out.find("## `correct`") != std::string::npos);
    // The wrong step's row: unjustified, numerically false (on how many of the 3 models
    // evaluated: q = posterior, model #2, makes Jensen's gap 0), not as expected.
    CHECK(r.out.find("| 1 | = | jensen | unjustified | fails on 2 of 3 | ") != std::string::npos);
    CHECK(r.out.find("**Some step did not behave as expected.**") != std::string::npos);
    CHECK(r.out.find("3 derivations, ") != std::string::npos);
    CHECK(r.out.find("behaved as expected, 2 did not.") != std::string::npos);
}

TEST_CASE("bad usage exits 2 with one line on standard error", "[cli]") {
    for (const auto& args : std::vector<std::vector<std::string>>{{"check", "nope"},
                                                                  {"check", "--models", "x"},
                                                                  {"check", "--format", "yaml"},
                                                                  {"check", "--samples", "0"},
                                                                  {"check", "--threads", "-1"},
                                                                  {}}) {
        const run_result r = run(args);
        INFO(r.err);
        CHECK(r.code == 2);
        CHECK(r.err.rfind("elbocheck: ", 0) == 0);
        CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    }
}
