// check_note on small notes written for the purpose: how a step's verdict is decided, what
// the author's words and brace labels add, and how a mistake is reported once.
#include "support/note_checking.hpp"

#include <catch2/catch.hpp>
#include <string>

using namespace elbocheck;
using report::note_verdict;

namespace {

report::note_report check_text(const std::string& markdown) {
    const read::note n = read::read_note("t.md", markdown);
    const read::note_meaning meaning = read::understand_note(n);
    return report::check_note(n, meaning, note_checking::instances().bindings);
}

const report::note_step_report* step_on_line(const report::note_report& r, std::uint32_t line,
                                             bool label = false) {
    for (const auto& s : r.steps)
        if (s.where.line == line && s.label.empty() != label)
            return &s;
    return nullptr;
}

} // namespace

TEST_CASE("the rule search names the rules of each step", "[notes]") {
    const auto r = check_text("$$\\log p(x) = \\log \\int p(x, z) dz = \\log \\int q(z|x) "
                              "\\frac{p(x, z)}{q(z|x)} dz \\geq \\mathbb{E}_{q(z|x)}[\\log "
                              "\\frac{p(x, z)}{q(z|x)}]$$\n");
    REQUIRE(r.steps.size() == 3);
    for (const auto& s : r.steps)
        CHECK(s.verdict == note_verdict::justified);
    CHECK(r.steps[0].rules == std::vector<std::string>{"marginalization"});
    CHECK(std::find(r.steps[2].rules.begin(), r.steps[2].rules.end(), "jensen") !=
          r.steps[2].rules.end());
}

TEST_CASE("a wrong step is reported once; the next is judged from the last good expression",
          "[notes]") {
    // Line 3 drops the log; line 4 goes on correctly from line 2's expression.
    const auto r = check_text("$$\\begin{aligned}\n"
                              "\\log p(x) &= \\mathbb{E}_{q(z|x)}[\\log p(x)] \\\\\n"
                              "&= \\mathbb{E}_{q(z|x)}[p(x)] \\\\\n"
                              "&= \\log p(x) \\int q(z|x) dz\n"
                              "\\end{aligned}$$\n");
    REQUIRE(r.steps.size() == 3);
    CHECK(r.steps[1].verdict == note_verdict::false_step);
    REQUIRE(r.steps[1].reference_before);
    REQUIRE(r.steps[1].reference_after);
    CHECK(*r.steps[1].reference_before != Approx(*r.steps[1].reference_after));
    CHECK(r.steps[2].verdict == note_verdict::justified);
    CHECK(r.errors() == 1);
}

TEST_CASE("ill-formed steps: dx for dz, an integral without its differential", "[notes]") {
    const auto dx =
        check_text("$$\\mathbb{E}_{q(z|x)}[\\log p(x)] = \\int q(z|x) \\log p(x) dx$$\n");
    REQUIRE(dx.steps.size() == 1);
    CHECK(dx.steps[0].verdict == note_verdict::ill_formed);
    const auto no_dz = check_text("$$\\log p(x) = \\int q(z|x) \\log p(x)$$\n");
    REQUIRE(no_dz.steps.size() == 1);
    CHECK(no_dz.steps[0].verdict == note_verdict::ill_formed);
    // The identity p(x) = p(x, z) / p(z | x) holds at every z: a free z is not a dz slip.
    const auto free_z =
        check_text("$$p(x) = \\int p(x, z) dz$$\n\n$$p(x) = \\frac{p(x, z)}{p(z|x)}$$\n");
    CHECK(free_z.errors() == 0);
}

TEST_CASE("the author's named reason is shown, and contradicted when the step rests on "
          "another",
          "[notes]") {
    const auto r = check_text(
        "By Jensen's inequality:\n\n"
        "$$\\log p(x) = \\mathbb{E}_{q(z|x)}[\\log \\frac{p(x, z)}{q(z|x)}] + "
        "D_{KL}(q(z|x) \\| p(z|x)) \\geq \\mathbb{E}_{q(z|x)}[\\log \\frac{p(x, z)}{q(z|x)}]$$\n");
    REQUIRE(r.steps.size() == 2);
    const auto& bound = r.steps[1];
    CHECK(bound.verdict == note_verdict::justified);
    CHECK(std::find(bound.rules.begin(), bound.rules.end(), "kl_nonnegative") != bound.rules.end());
    // The prose names Jensen for the block; the bound rests on KL >= 0.
    CHECK(r.steps[0].author_rules == std::vector<std::string>{"jensen"});
    const auto kl_said =
        check_text("Since the KL divergence is non-negative:\n\n"
                   "$$\\log p(x) \\geq \\log p(x) - D_{KL}(q(z|x) \\| p(z|x))$$\n");
    REQUIRE(kl_said.steps.size() == 1);
    CHECK(kl_said.steps[0].reason_conflict.empty());
    CHECK(kl_said.steps[0].author_rules == std::vector<std::string>{"kl_nonnegative"});
    const auto jensen_said =
        check_text("By Jensen:\n\n$$\\log p(x) \\geq \\log p(x) - D_{KL}(q(z|x) \\| p(z|x))$$\n");
    REQUIRE(jensen_said.steps.size() == 1);
    CHECK_FALSE(jensen_said.steps[0].reason_conflict.empty());
}

TEST_CASE("brace labels are claims: ELBO must be the ELBO, >= 0 must not be negative", "[notes]") {
    const auto right = check_text(
        "$$\\log p(x) = \\underbrace{\\mathbb{E}_{q(z|x)}[\\log p(x|z)] - D_{KL}(q(z|x) \\| "
        "p(z))}_{\\text{ELBO}} + \\underbrace{D_{KL}(q(z|x) \\| p(z|x))}_{\\geq 0}$$\n");
    const auto* elbo = step_on_line(right, 1, true);
    REQUIRE(elbo);
    CHECK(right.errors() == 0);
    std::size_t labels = 0;
    for (const auto& s : right.steps)
        if (!s.label.empty()) {
            ++labels;
            CHECK(s.verdict == note_verdict::justified);
        }
    CHECK(labels == 2);
    // A sign slip under the label: the part is not the ELBO.
    const auto wrong = check_text(
        "$$\\log p(x) \\geq \\underbrace{\\mathbb{E}_{q(z|x)}[\\log p(x|z)] + D_{KL}(q(z|x) \\| "
        "p(z))}_{\\text{ELBO}}$$\n");
    bool label_false = false;
    for (const auto& s : wrong.steps)
        label_false = label_false || (!s.label.empty() && s.verdict == note_verdict::false_step);
    CHECK(label_false);
}

TEST_CASE("equating the guide with something is a choice, not a step", "[notes]") {
    const auto r = check_text("The bound is tight for\n\n$$q(z|x) = p(z|x)$$\n");
    REQUIRE(r.steps.size() == 1);
    CHECK(r.steps[0].verdict == note_verdict::assumption);
    CHECK(r.errors() == 0);
}
