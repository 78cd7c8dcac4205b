// check_note on small notes written for the purpose: how a step's verdict is decided, what
// the author's words and brace labels add, and how a mistake is reported once.
#include "support/note_checking.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <string>

using namespace elbocheck;
using report::note_verdict;

namespace {

report::note_report check_text(const std::string& markdown) {
    return note_checking::check_text("t.md", markdown).report;
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

TEST_CASE("the entropy H(q) is -E_q[log q]; writing it for another expectation is caught",
          "[notes]") {
    // A correct use, in three spellings of the entropy.
    for (const char* h : {"H(q(z|x))", "\\mathcal{H}[q(z|x)]", "\\mathbb{H}(q(z|x))"}) {
        const auto right =
            check_text(std::string("$$\\mathbb{E}_{q(z|x)}[\\log \\frac{p(x, z)}{q(z|x)}] = "
                                   "\\mathbb{E}_{q(z|x)}[\\log p(x, z)] + ") +
                       h + "$$\n");
        REQUIRE(right.steps.size() == 1);
        CHECK(right.steps[0].understood());
        CHECK_FALSE(right.steps[0].is_error());
    }
    // E_q[log p(z)] is not the entropy (the slip of a 2023 blog post in tests/notes).
    const auto wrong = check_text("$$\\mathbb{E}_{q(z|x)}[\\log p(x, z)] - "
                                  "\\mathbb{E}_{q(z|x)}[\\log p(z)] = "
                                  "\\mathbb{E}_{q(z|x)}[\\log p(x, z)] - H(q(z|x))$$\n");
    REQUIRE(wrong.steps.size() == 1);
    CHECK(wrong.steps[0].verdict == note_verdict::false_step);
    // The cross-entropy H(q, p) is -E_q[log p].
    const auto cross = check_text("$$-\\mathbb{E}_{q(z|x)}[\\log p(z)] = H(q(z|x), p(z))$$\n");
    REQUIRE(cross.steps.size() == 1);
    CHECK(cross.steps[0].understood());
    CHECK_FALSE(cross.steps[0].is_error());
}

TEST_CASE("the guide shows the roles: what it draws is latent, what it is given is observed",
          "[notes]") {
    // Letters no default names: q(h | v) makes h the latent and v the observed variable.
    const auto hv =
        check_text("$$\\log p(v) = \\mathbb{E}_{q(h|v)}[\\log \\frac{p(v, h)}{q(h|v)}] + "
                   "D_{KL}(q(h|v) \\| p(h|v))$$\n");
    REQUIRE(hv.steps.size() == 1);
    CHECK(hv.steps[0].verdict == note_verdict::justified);
    const auto& said = hv.assumptions;
    CHECK(std::find_if(said.begin(), said.end(), [](const std::string& a) {
              return a.find("h read as latent") != std::string::npos;
          }) != said.end());
    CHECK(std::find_if(said.begin(), said.end(), [](const std::string& a) {
              return a.find("v read as observed") != std::string::npos;
          }) != said.end());
    // Diffusion notation: x_{1:T} drawn by q given x_0. The bound with the KL is right; the
    // pointwise log-ratio in its place is not (it is negative at some x_{1:T}).
    const auto diffusion = check_text(
        "$$-\\log p(x_0) \\leq -\\log p(x_0) + D_{KL}(q(x_{1:T}|x_0) \\| p(x_{1:T}|x_0))$$\n\n"
        "$$-\\log p(x_0) \\leq -\\log p(x_0) + \\log \\frac{q(x_{1:T}|x_0)}{p(x_{1:T}|x_0)}$$\n");
    REQUIRE(diffusion.steps.size() == 2);
    CHECK_FALSE(diffusion.steps[0].is_error());
    CHECK(diffusion.steps[0].understood());
    CHECK(diffusion.steps[1].verdict == note_verdict::false_step);
    CHECK(diffusion.steps[1].numeric.pointwise_instances > 0);
    // q(x) is still the mistake it was: a letter the defaults name keeps its role.
    const auto qx =
        check_text("$$\\log p(x) \\geq \\mathbb{E}_{q(x)}[\\log \\frac{p(x, z)}{q(x)}]$$\n");
    CHECK(qx.errors() == 1);
}

TEST_CASE("an inequality with a free latent variable must hold at every value of it", "[notes]") {
    // log p(x) = log p(x, z) - log p(z | x) at every z, so >= holds pointwise too.
    const auto holds = check_text("$$\\log p(x, z) - \\log p(z|x) \\geq \\log p(x)$$\n");
    REQUIRE(holds.steps.size() == 1);
    CHECK_FALSE(holds.steps[0].is_error());
    // The ELBO's integrand is not below log p(x) at every z.
    const auto fails = check_text("$$\\log p(x) \\geq \\log p(x, z) - \\log q(z|x)$$\n");
    REQUIRE(fails.steps.size() == 1);
    CHECK(fails.steps[0].verdict == note_verdict::false_step);
    CHECK(fails.steps[0].numeric.points_compared > 0);
    CHECK(fails.steps[0].message.find("free latent variable") != std::string::npos);
}

TEST_CASE("a definition of the ELBO must be the ELBO; later steps read it as the ELBO", "[notes]") {
    // Line 1 writes a product where a sum is meant; line 3 is right about the real ELBO.
    const auto r = check_text(
        "$$\\text{ELBO}(q) = \\mathbb{E}_{q(z|x)}[\\log p(x, z)] \\mathbb{E}_{q(z|x)}[\\log "
        "q(z|x)]$$\n\n"
        "$$\\log p(x) = \\text{ELBO}(q) + D_{KL}(q(z|x) \\| p(z|x))$$\n");
    const auto* definition = step_on_line(r, 1, true);
    REQUIRE(definition);
    CHECK(definition->definition);
    CHECK(definition->verdict == note_verdict::false_step);
    const auto* later = step_on_line(r, 3);
    REQUIRE(later);
    CHECK_FALSE(later->is_error());
    CHECK(r.errors() == 1);
    // A right definition is not flagged.
    const auto right = check_text("$$\\text{ELBO}(q) = \\mathbb{E}_{q(z|x)}[\\log p(x, z)] - "
                                  "\\mathbb{E}_{q(z|x)}[\\log q(z|x)]$$\n");
    CHECK(right.errors() == 0);
    const auto* claim = step_on_line(right, 1, true);
    REQUIRE(claim);
    CHECK(claim->verdict == note_verdict::justified);
}

TEST_CASE("a letter the note defines stands for its definition, also before it", "[notes]") {
    // "= ELBO + R" where R is the gap log p(x) - ELBO: the ELBO is not the ELBO plus the gap.
    const auto r =
        check_text("$$\\log p(x) \\geq \\mathbb{E}_{q(z|x)}[\\log \\frac{p(x, z)}{q(z|x)}] = "
                   "\\mathbb{E}_{q(z|x)}[\\log \\frac{p(x, z)}{q(z|x)}] + R$$\n\n"
                   "where\n\n"
                   "$$R = \\log p(x) - \\mathbb{E}_{q(z|x)}[\\log \\frac{p(x, z)}{q(z|x)}]$$\n");
    REQUIRE(r.steps.size() >= 2);
    CHECK_FALSE(r.steps[0].is_error());
    CHECK(r.steps[1].verdict == note_verdict::false_step);
    CHECK(r.errors() == 1);
}

TEST_CASE("notation of real notes: colour, a font over a list, q(.), escaped subscripts",
          "[notes]") {
    const auto r = check_text(
        "$$\\begin{aligned}\n"
        "\\log p(\\mathbf{x}) &= \\log \\int p(\\mathbf{x, z}) dz \\quad "
        "\\textcolor{blue}{\\text{(marginal)}} \\\\\n"
        "&= \\log \\int q(z|x) \\frac{p(x, z)}{q(z|x)} dz \\quad {\\color{red} \\text{times "
        "one}}\\\\\n"
        "&\\geq \\mathbb{E}\\_{q(\\cdot)}[\\log \\frac{p(x, z)}{q(z|x)}]\n"
        "\\end{aligned}$$\n");
    REQUIRE(r.steps.size() == 3);
    for (const auto& s : r.steps)
        CHECK(s.verdict == note_verdict::justified);
    CHECK(r.steps[0].author_words.find("marginal") != std::string::npos);
}

TEST_CASE("a step in a notebook is placed in its cell", "[notes]") {
    // Cell 0 is code, cell 1 a correct step, cell 2 the dropped log.
    const std::string notebook = R"({"nbformat": 4, "nbformat_minor": 5, "metadata": {},
 "cells": [
  {"cell_type": "code", "metadata": {}, "source": ["x = 1\n"], "outputs": [], "execution_count": null},
  {"cell_type": "markdown", "metadata": {}, "source": ["$$\\log p(x) = \\log \\int p(x, z) dz$$\n"]},
  {"cell_type": "markdown", "metadata": {}, "source": ["Then\n", "\n", "$$\\log p(x) = \\mathbb{E}_{q(z|x)}[p(x)]$$\n"]}
 ]})";
    const auto r = note_checking::check_text("t.ipynb", notebook).report;
    REQUIRE(r.steps.size() == 2);
    CHECK(r.steps[0].cell == 1);
    CHECK_FALSE(r.steps[0].is_error());
    CHECK(r.steps[1].cell == 2);
    CHECK(r.steps[1].where.line == 3);
    CHECK(r.steps[1].verdict == note_verdict::false_step);
}

TEST_CASE("the prose says which letters are latent and which observed", "[notes]") {
    const auto r = check_text("Let $h$ be the hidden units and $v$ the observed data.\n\n"
                              "$$\\log p(v) = \\log \\int p(v, h) dh$$\n");
    REQUIRE(r.steps.size() == 1);
    CHECK(r.steps[0].verdict == note_verdict::justified);
    CHECK(std::find_if(r.assumptions.begin(), r.assumptions.end(), [](const std::string& a) {
              return a.find("h read as latent: the prose") != std::string::npos;
          }) != r.assumptions.end());
    // A notation table says it as well.
    const auto table = check_text("| symbol | meaning |\n|---|---|\n| $v$ | observed data |\n"
                                  "| $h$ | latent variables |\n\n"
                                  "$$\\log p(v) = \\log \\int p(v, h) dh$$\n");
    REQUIRE(table.steps.size() == 1);
    CHECK(table.steps[0].verdict == note_verdict::justified);
    // Without the sentence the letters have no roles and the step is not understood.
    const auto bare = check_text("$$\\log p(v) = \\log \\int p(v, h) dh$$\n");
    REQUIRE(bare.steps.size() == 1);
    CHECK_FALSE(bare.steps[0].understood());
}
