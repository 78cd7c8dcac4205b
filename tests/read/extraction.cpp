// Finding math in Markdown and TeX: every delimiter, the rules that keep prices and code
// out of math, prose between pieces, and exact positions (also after UTF-8 text).
#include "read_support.hpp"

using namespace elbocheck::read;
using read_support::positions;

namespace {

extraction markdown(const std::string& text) {
    source_text source{"note.md", text};
    return extract_math(source, 0, text_dialect::markdown);
}
extraction tex(const std::string& text) {
    source_text source{"note.tex", text};
    return extract_math(source, 0, text_dialect::tex);
}

} // namespace

TEST_CASE("positions count lines and UTF-8 characters", "[read][positions]") {
    source_text s{"a.md", "ab\n\xCE\xB8x\n\nz"}; // "θ" is two bytes
    CHECK(positions(s.position_of(0)) == "1:1");
    CHECK(positions(s.position_of(2)) == "1:3");
    CHECK(positions(s.position_of(3)) == "2:1");
    CHECK(positions(s.position_of(5)) == "2:2");
    CHECK(positions(s.position_of(7)) == "3:1");
    CHECK(positions(s.position_of(8)) == "4:1");
    CHECK(positions(s.position_of(100)) == "4:2");
    // Walking byte by byte gives the same positions as looking them up.
    source_position at{1, 1};
    for (std::size_t i = 0; i < s.text().size(); ++i) {
        if (!is_utf8_continuation(s.text()[i]))
            CHECK(at == s.position_of(i));
        at = advance(at, s.text()[i]);
    }
}

TEST_CASE("$$ display math, on its own lines or inside a sentence", "[read][markdown]") {
    auto found = markdown("Text\n$$\na = b\n$$\nWe have $x$ and $$y$$ here.");
    REQUIRE(found.math.size() == 3);
    CHECK(found.math[0].latex == "\na = b\n");
    CHECK(found.math[0].style == math_style::display);
    CHECK(found.math[0].delimiter == math_delimiter::double_dollar);
    CHECK(positions(found.math[0].start) == "2:3");
    CHECK(found.math[1].latex == "x");
    CHECK(found.math[1].style == math_style::inline_math);
    CHECK(positions(found.math[1].start) == "5:10");
    CHECK(found.math[2].latex == "y");
    CHECK(found.math[2].style == math_style::display);
    CHECK(positions(found.math[2].start) == "5:19");
    CHECK(found.diagnostics.empty());
}

TEST_CASE("prose between math pieces keeps its positions", "[read][markdown]") {
    auto found = markdown("A $x$ B\nC");
    REQUIRE(found.prose.size() == 2);
    CHECK(found.prose[0].text == "A ");
    CHECK(positions(found.prose[0].start) == "1:1");
    CHECK(found.prose[1].text == " B\nC");
    CHECK(positions(found.prose[1].start) == "1:6");
}

TEST_CASE("a lone $ is money unless it pairs like math", "[read][markdown]") {
    CHECK(markdown("It costs $5 and $6 today.").math.empty());
    CHECK(markdown("Between $5 and $10, or $ 20.").math.empty());
    auto found = markdown("Pay $5, then $x$.");
    REQUIRE(found.math.size() == 1);
    CHECK(found.math[0].latex == "x");
    CHECK(markdown("\\$5 and $y$").math.at(0).latex == "y");
    // Spaces inside both delimiters, and math across a line break, as GitHub renders them
    // (this is how the fifth seed writes its inline math).
    auto spaced = markdown("- $\np_{\\Theta }(Z|X) $  is posterior");
    REQUIRE(spaced.math.size() == 1);
    CHECK(spaced.math[0].latex == "\np_{\\Theta }(Z|X) ");
    CHECK(positions(spaced.math[0].start) == "1:4");
    // A blank line ends a paragraph, and math with it.
    CHECK(markdown("$a\n\nb$").math.empty());
}

TEST_CASE("\\[ \\], \\\\[ \\\\], \\( \\) and \\\\( \\\\)", "[read][markdown]") {
    auto found = markdown("a \\[x = 1\\] b \\\\[y\\\\] c \\(z\\) d \\\\(w\\\\)");
    REQUIRE(found.math.size() == 4);
    CHECK(found.math[0].latex == "x = 1");
    CHECK(found.math[0].delimiter == math_delimiter::bracket);
    CHECK(found.math[0].style == math_style::display);
    CHECK(positions(found.math[0].start) == "1:5");
    CHECK(found.math[1].latex == "y");
    CHECK(found.math[1].delimiter == math_delimiter::escaped_bracket);
    CHECK(found.math[1].style == math_style::display);
    CHECK(found.math[2].latex == "z");
    CHECK(found.math[2].delimiter == math_delimiter::parenthesis);
    CHECK(found.math[2].style == math_style::inline_math);
    CHECK(found.math[3].latex == "w");
    CHECK(found.math[3].delimiter == math_delimiter::escaped_parenthesis);
}

TEST_CASE("```math fences are math, other fences and code spans are not", "[read][markdown]") {
    auto found = markdown("```python\nx = $a$\n```\nthen `$b$` and ``$c` `` and $d$\n"
                          "```math\n\\log p(x) \\geq 0\n```\n~~~\n$e$\n~~~\n");
    REQUIRE(found.math.size() == 2);
    CHECK(found.math[0].latex == "d");
    CHECK(found.math[1].latex == "\\log p(x) \\geq 0");
    CHECK(found.math[1].delimiter == math_delimiter::math_fence);
    CHECK(found.math[1].style == math_style::display);
    CHECK(positions(found.math[1].start) == "6:1");
}

TEST_CASE("HTML comments hide dollars", "[read][markdown]") {
    auto found = markdown("<!-- $a$ -->$b$");
    REQUIRE(found.math.size() == 1);
    CHECK(found.math[0].latex == "b");
}

TEST_CASE("math environments written without dollars", "[read][markdown]") {
    for (std::string env : {"align", "align*", "aligned", "split", "equation", "eqnarray", "gather",
                            "equation*", "gather*", "eqnarray*"}) {
        std::string text = "Then\n\\begin{" + env + "}\na &= b \\\\\n&= c\n\\end{" + env + "}\nok";
        auto found = markdown(text);
        REQUIRE(found.math.size() == 1);
        CHECK(found.math[0].delimiter == math_delimiter::environment);
        CHECK(found.math[0].latex == "\\begin{" + env + "}\na &= b \\\\\n&= c\n\\end{" + env + "}");
        CHECK(positions(found.math[0].start) == "2:1");
    }
    // Not a math environment: left as prose.
    CHECK(markdown("\\begin{itemize} $x$ \\end{itemize}").math.size() == 1);
}

TEST_CASE("TeX notes: comments, $, $$, \\[ \\] and environments", "[read][tex]") {
    auto found = tex("% $no$ math here\n$a$ and $$b$$ \\[c\\] \\(d\\)\n"
                     "\\begin{equation}e % f$\n\\end{equation} costs $5$");
    REQUIRE(found.math.size() == 6);
    CHECK(found.math[0].latex == "a");
    CHECK(positions(found.math[0].start) == "2:2");
    CHECK(found.math[1].latex == "b");
    CHECK(found.math[2].latex == "c");
    CHECK(found.math[3].latex == "d");
    CHECK(found.math[4].latex == "\\begin{equation}e % f$\n\\end{equation}");
    CHECK(found.math[5].latex == "5"); // in TeX, every $ is math
    for (const auto& p : found.prose)
        CHECK(p.text.find("no") == std::string::npos);
}

TEST_CASE("unterminated math is reported where it opens", "[read][markdown]") {
    auto found = markdown("a\nb $$ c\nd \\[ e");
    REQUIRE(found.diagnostics.size() == 2);
    CHECK(read_support::where(found.diagnostics) == std::vector<std::string>{"2:3 $$", "3:3 \\["});
    CHECK(found.diagnostics[0].message.find("unterminated") != std::string::npos);
    auto fence = markdown("x\n```math\na = b\n");
    REQUIRE(fence.diagnostics.size() == 1);
    CHECK(positions(fence.diagnostics[0].where) == "2:1");
    REQUIRE(fence.math.size() == 1);
    CHECK(fence.math[0].latex == "a = b\n");
}

TEST_CASE("the seed notes: display blocks counted by hand", "[read][seeds]") {
    auto files = read_support::seed_files();
    if (files.size() != 5) {
        WARN("seed notes not found in " << read_support::seeds_dir() << "; skipped");
        return;
    }
    // Counted by reading each note: $$ blocks (also the ones inside a sentence or a list).
    const std::size_t display[5] = {4, 4, 12, 8, 14};
    const std::size_t all[5] = {16, 16, 61, 27, 30};
    for (std::size_t k = 0; k < files.size(); ++k) {
        INFO(files[k]);
        auto n = read_note(files[k].string(), read_support::slurp(files[k]));
        CHECK(n.display_count() == display[k]);
        CHECK(n.math.size() == all[k]);
        CHECK(n.diagnostics.empty());
    }
    // Positions checked against an editor: the align* of the first note, the $$ the fifth
    // writes after "ELBO" in a sentence, and inline math after multi-byte characters.
    auto first = read_note("0.md", read_support::slurp(files[0]));
    CHECK(positions(first.math[12].piece.start) == "12:3");
    CHECK(first.math[12].piece.latex.starts_with("\\begin{align*}\\log p(x) &= \\log p(x)"));
    CHECK(positions(first.math[13].piece.start) == "14:148"); // column 151 in bytes
    CHECK(first.math[13].piece.latex == "q_\\phi(z \\vert x)");
    auto fifth = read_note("4.md", read_support::slurp(files[4]));
    bool found = false;
    for (const auto& m : fifth.math)
        if (positions(m.piece.start) == "99:41") {
            found = true;
            CHECK(m.piece.style == math_style::display);
            CHECK(m.piece.latex.starts_with(" ELBO = - \\mathbb{E}_{q_{\\Theta}}"));
        }
    CHECK(found);
}
