// The documentation's content and its two formats: the notation table generated from the
// terms, a page's steps with their checks and the document's mistakes with their corrections,
// the Markdown that GitHub must render, the HTML that KaTeX must find, determinism, and the
// `docs` command.
#include "catalog.hpp"
#include "elbocheck/report/html_site.hpp"
#include "support/run_cli.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

using namespace elbocheck;
using namespace elbocheck::report;

namespace {

const std::vector<sym::derivation_record>& all() {
    static const std::vector<sym::derivation_record> catalog = derivations::catalog();
    return catalog;
}

const sym::derivation_record& named(std::string_view name) {
    for (const sym::derivation_record& d : all())
        if (d.about.name == name)
            return d;
    FAIL("no derivation " << name);
    throw;
}

// A few random models keep the tests quick; the content does not depend on how many.
docs_settings quick() {
    docs_settings s;
    s.random_models = 4;
    s.path_points = 5;
    s.plot_samples = 2'000;
    return s;
}

const documentation& docs() {
    static const documentation d = document(all(), quick());
    return d;
}

const page& page_of(std::string_view name) {
    for (const page& p : docs().pages)
        if (p.name == name)
            return p;
    FAIL("no page " << name);
    throw;
}

std::size_t count(const std::string& haystack, const std::string& needle) {
    std::size_t n = 0;
    for (std::size_t at = haystack.find(needle); at != std::string::npos;
         at = haystack.find(needle, at + needle.size()))
        ++n;
    return n;
}

const notation_entry* find_entry(const std::vector<notation_entry>& entries,
                                 std::string_view latex) {
    for (const notation_entry& e : entries)
        if (e.latex == latex)
            return &e;
    return nullptr;
}

std::string text_of(const line& l) {
    std::string out;
    for (const span& s : l)
        out += s.text;
    return out;
}

std::vector<badge> step_badges(const page& p) {
    std::vector<badge> out;
    for (const block& b : p.blocks)
        if (b.k == block::kind::heading && b.level == 3 && b.anchor.rfind("step-", 0) == 0)
            for (const span& s : b.content)
                if (s.k == span::kind::mark)
                    out.push_back(s.verdict);
    return out;
}

} // namespace

TEST_CASE("numbers are printed the same way every time", "[docs]") {
    CHECK(detail::number_latex(-7.807808765569) == "-7.807809");
    CHECK(detail::number_latex(0.077600260117) == "0.07760026");
    CHECK(detail::number_latex(9.52e7, 3) == R"(9.52 \times 10^{7})");
    CHECK(detail::number_latex(-1.5e-9, 3) == R"(-1.5 \times 10^{-9})");
    CHECK(detail::number_latex(-0.0) == "0");
    CHECK(detail::error_bound_latex(3.2e-10) == "10^{-9}");
    CHECK(detail::error_bound_latex(8.0e-6) == "10^{-5}");
    CHECK(detail::error_bound_latex(0.0) == "0");
    CHECK(detail::gap_end_latex(-1.66e-10) == "0");
    CHECK(detail::gap_end_latex(9.52e7) == R"(9.52 \times 10^{7})");
}

TEST_CASE("the notation table lists exactly the symbols a derivation writes", "[docs]") {
    const std::vector<notation_entry> n = notation_of(named("doc000_elbo"));
    // Variables first, in the project's order (x, then z).
    REQUIRE(n.size() >= 2);
    CHECK(n[0].latex == "x");
    CHECK(n[0].name == "Observed data");
    CHECK(n[1].latex == "z");
    CHECK(n[1].name == "Latent variable");
    for (const char* latex : {R"(p_{\theta}(x))", R"(p_{\theta}(x, z))", R"(p_{\theta}(z \mid x))",
                              R"(q_{\phi}(z \mid x))", R"(\int f)", R"(\int f \, dz)", R"(\log)"}) {
        INFO(latex);
        CHECK(find_entry(n, latex) != nullptr);
    }
    CHECK(find_entry(n, R"(p_{\theta}(x))")->name == "Evidence (marginal likelihood)");
    CHECK(find_entry(n, R"(p_{\theta}(z \mid x))")->name == "True posterior");
    CHECK(find_entry(n, R"(q_{\phi}(z \mid x))")->name == "Approximate posterior (guide, encoder)");
    // It writes no prior and no likelihood, so the table has none.
    CHECK(find_entry(n, R"(p_{\theta}(z))") == nullptr);
    CHECK(find_entry(n, R"(p_{\theta}(x \mid z))") == nullptr);
}

TEST_CASE("the notation merges spellings of one density and describes names and parameters",
          "[docs]") {
    // doc001_gap writes the joint both as p(z, x) and as p(x, z): one row, both spellings.
    const std::vector<notation_entry> gap = notation_of(named("doc001_gap"));
    const auto joints = std::count_if(
        gap.begin(), gap.end(), [](const notation_entry& e) { return e.name == "Joint density"; });
    CHECK(joints == 1);
    const notation_entry* joint = find_entry(gap, R"(p_{\theta}(z, x))");
    REQUIRE(joint != nullptr);
    CHECK(joint->meaning.find(R"(Also written $p_{\theta}(x, z)$)") != std::string::npos);
    // Named quantities come with their definitions.
    const notation_entry* elbo = find_entry(gap, R"(\mathrm{ELBO})");
    REQUIRE(elbo != nullptr);
    CHECK(elbo->meaning.find(R"(Defined as $\mathbb{E}_{q_{\phi}(z)})") == 0);
    // Document 001's appendix integrates the parameters out: theta is described as such, and the
    // likelihood is worded with the derivation's own variables.
    const std::vector<notation_entry> params = notation_of(named("doc001_parameters"));
    const notation_entry* theta = find_entry(params, R"(\theta)");
    REQUIRE(theta != nullptr);
    CHECK(theta->name == "Model parameters");
    const notation_entry* likelihood = find_entry(params, R"(p_{\theta}(x \mid \theta))");
    REQUIRE(likelihood != nullptr);
    CHECK(likelihood->meaning.find(R"(for a given value of $\theta$)") != std::string::npos);
}

TEST_CASE("a page goes through every step: words, math, why, and what was checked", "[docs]") {
    const page& p = page_of("doc002_elbo");
    const std::vector<badge> badges = step_badges(p);
    CHECK(badges == std::vector<badge>(8, badge::justified));
    std::string all_text;
    for (const block& b : p.blocks) {
        all_text += text_of(b.content) + "\n";
        for (const line& item : b.items)
            all_text += text_of(item) + "\n";
    }
    CHECK(count(all_text, "In words.") == 8);
    CHECK(count(all_text, "In math.") == 8);
    CHECK(count(all_text, "Why.") == 8);
    CHECK(count(all_text, "Checked.") == 8);
    CHECK(count(all_text, "Symbolically: justified.") == 8);
    // Jensen's step states its gap and what it equals.
    CHECK(all_text.find("Jensen's inequality (log is concave)") != std::string::npos);
    CHECK(all_text.find("on every model it equals") != std::string::npos);
    // Numbers on the reference model, as documented in random_models.hpp.
    CHECK(all_text.find("-7.807809") != std::string::npos);
}

TEST_CASE("a document's mistakes are shown with what is wrong and the checked correction",
          "[docs]") {
    const page& p = page_of("doc004_kl");
    const std::vector<badge> badges = step_badges(p);
    const std::vector<badge> expected{badge::justified,
                                      badge::justified,
                                      badge::justified,
                                      badge::flagged_as_recorded,
                                      badge::flagged_as_recorded,
                                      badge::flagged_as_recorded,
                                      badge::justified};
    CHECK(badges == expected);
    std::size_t callouts = 0, corrections = 0;
    std::string warnings;
    for (const block& b : p.blocks) {
        if (b.k == block::kind::callout) {
            ++callouts;
            for (const block& c : b.children)
                warnings += text_of(c.content) + "\n";
        }
        if (b.k == block::kind::paragraph && !b.content.empty() &&
            b.content.front().text == "The corrected step.")
            ++corrections;
    }
    CHECK(callouts == 3);
    CHECK(corrections == 3);
    // The document's words for each mistake, and the checker's own diagnosis.
    CHECK(warnings.find("The log of p(x) is dropped") != std::string::npos);
    CHECK(warnings.find("dz, not dx") != std::string::npos);
    CHECK(warnings.find("the cited rules do not turn the previous expression into this one") !=
          std::string::npos);
    CHECK(warnings.find("which the previous step integrated out") != std::string::npos);
    CHECK(warnings.find("False on") != std::string::npos);
}

TEST_CASE("the index lists every derivation with its verdict", "[docs]") {
    const page& index = page_of("index");
    std::vector<std::string> linked;
    std::size_t marks = 0;
    for (const block& b : index.blocks)
        for (const auto& row : b.rows)
            for (const line& cell : row)
                for (const span& s : cell) {
                    if (s.k == span::kind::link)
                        linked.push_back(s.target);
                    marks += s.k == span::kind::mark;
                }
    std::vector<std::string> names;
    for (const sym::derivation_record& d : all())
        names.emplace_back(d.about.name);
    std::sort(linked.begin(), linked.end());
    std::sort(names.begin(), names.end());
    CHECK(linked == names);
    CHECK(marks == names.size());
    CHECK(docs().pages.size() == all().size() + 1);
    CHECK(docs().plots.size() == all().size());
}

TEST_CASE("the Markdown uses the math forms GitHub renders", "[docs]") {
    for (const doc_file& f : markdown_files(docs())) {
        INFO(f.path);
        std::istringstream lines(f.content);
        std::string l;
        bool in_math = false;
        std::size_t blocks = 0;
        while (std::getline(lines, l)) {
            if (l == "$$") {
                in_math = !in_math;
                blocks += in_math;
                continue;
            }
            if (in_math) {
                // One line of LaTeX per block, and no \\ that GitHub could halve.
                CHECK(l.find(R"(\\)") == std::string::npos);
                CHECK(!l.empty());
            }
        }
        CHECK_FALSE(in_math); // every block is closed
        CHECK(blocks > 0);
    }
    const std::string kl = to_markdown(page_of("doc004_kl"));
    CHECK(kl.find("\n\n$$\n") != std::string::npos);                 // a blank line before a block
    CHECK(kl.find("$`q_{\\phi}(z \\mid x)`$") != std::string::npos); // inline math form
    CHECK(count(kl, "> [!WARNING]") == 3);
    CHECK(kl.find("](../site/plots/doc004_kl.svg)") != std::string::npos);
    CHECK(kl.find("[All derivations](README.md)") != std::string::npos);
}

TEST_CASE("Markdown text cannot turn into syntax", "[docs]") {
    page p{"x", "x", {}};
    p.blocks.push_back(paragraph({words("- a *b* _c_ [d] <e> $f$ |g|")}));
    p.blocks.push_back(table({{{words("h")}}, {{words("a|b"), math("|x|")}}}));
    const std::string md = to_markdown(p);
    CHECK(md.find(R"(\- a \*b\* \_c\_ \[d\] \<e> \$f\$ |g|)") != std::string::npos);
    CHECK(md.find(R"(a\|b$`\vert x\vert `$)") != std::string::npos);
}

TEST_CASE("the HTML leaves each formula, escaped, in a placeholder for KaTeX", "[docs]") {
    page p{"x", "A < B", {}};
    p.blocks.push_back(paragraph({words("a <b> & c "), math(R"(a < b \quad "x")")}));
    p.blocks.push_back(display(R"(p(z \mid x) > 0)"));
    p.blocks.push_back(paragraph({link_to("index", "index"), mark(badge::unexpected)}));
    const std::string html = to_html(p);
    CHECK(html.find("<title>A &lt; B · elbocheck</title>") != std::string::npos);
    CHECK(html.find("a &lt;b&gt; &amp; c ") != std::string::npos);
    CHECK(html.find(R"(<span class="tex">a &lt; b \quad &quot;x&quot;</span>)") !=
          std::string::npos);
    CHECK(html.find(R"(<div class="tex tex-display">p(z \mid x) &gt; 0</div>)") !=
          std::string::npos);
    CHECK(html.find(R"(<a href="index.html">index</a>)") != std::string::npos);
    CHECK(html.find(R"(<span class="badge badge-unexpected">unexpected</span>)") !=
          std::string::npos);
    CHECK(html.find(R"(href="katex/katex.min.css")") != std::string::npos);
    // Nothing that would load from the network.
    CHECK(html.find("http://") == std::string::npos);
    CHECK(html.find("<script") == std::string::npos);

    // Every math span of a real page becomes exactly one placeholder.
    const page& kl = page_of("doc004_kl");
    std::size_t math_spans = 0;
    for (const block& b : kl.blocks) {
        math_spans += b.k == block::kind::math;
        auto add = [&](const line& l) {
            for (const span& s : l)
                math_spans += s.k == span::kind::math;
        };
        add(b.content);
        for (const line& item : b.items)
            add(item);
        for (const auto& row : b.rows)
            for (const line& cell : row)
                add(cell);
        for (const block& c : b.children)
            add(c.content);
    }
    const std::string kl_html = to_html(kl);
    CHECK(count(kl_html, "class=\"tex") == math_spans);
}

TEST_CASE("the documentation is the same every time it is generated", "[docs]") {
    const documentation again = document(all(), quick());
    const std::vector<doc_file> first = site_files(docs()), second = site_files(again);
    REQUIRE(first.size() == second.size());
    for (std::size_t i = 0; i < first.size(); ++i) {
        INFO(first[i].path);
        CHECK(first[i].path == second[i].path);
        CHECK(first[i].content == second[i].content);
    }
    const std::vector<doc_file> md1 = markdown_files(docs()), md2 = markdown_files(again);
    REQUIRE(md1.size() == md2.size());
    for (std::size_t i = 0; i < md1.size(); ++i)
        CHECK(md1[i].content == md2[i].content);
}

namespace {

using run_result = testing::cli_result;

run_result run(const std::vector<std::string>& args) {
    return testing::run_cli_captured(args, all());
}

} // namespace

TEST_CASE("elbocheck docs writes the Markdown, the site and the plots", "[docs][cli]") {
    namespace fs = std::filesystem;
    const fs::path dir = fs::temp_directory_path() / "elbocheck-docs-cli-test";
    fs::remove_all(dir);
    const run_result r = run({"docs", "--out", dir.string(), "--models", "2"});
    CHECK(r.code == 0);
    CHECK(r.err.empty());
    CHECK(fs::is_regular_file(dir / "derivations" / "README.md"));
    CHECK(fs::is_regular_file(dir / "site" / "index.html"));
    CHECK(fs::is_regular_file(dir / "site" / "style.css"));
    for (const sym::derivation_record& d : all()) {
        const std::string name(d.about.name);
        CHECK(fs::is_regular_file(dir / "derivations" / (name + ".md")));
        CHECK(fs::is_regular_file(dir / "site" / (name + ".html")));
        CHECK(fs::is_regular_file(dir / "site" / "plots" / (name + ".svg")));
    }
    std::ifstream readme(dir / "derivations" / "README.md");
    const std::string text((std::istreambuf_iterator<char>(readme)), {});
    CHECK(text.find("2 random models (seed 20140101)") != std::string::npos);
    fs::remove_all(dir);
}

TEST_CASE("elbocheck docs needs --out and a place it can write", "[docs][cli]") {
    const run_result missing = run({"docs"});
    CHECK(missing.code == 2);
    CHECK(missing.err.find("--out is required") != std::string::npos);

    const run_result unwritable = run({"docs", "--out", "/proc/elbocheck-cannot-write-here"});
    CHECK(unwritable.code == 2);
    CHECK(unwritable.err.find("cannot write") != std::string::npos);
}
