// User macros: \newcommand (arguments, optional default), \renewcommand, \providecommand,
// \def, \DeclareMathOperator, a macros file, and the limits that stop runaway macros.
#include "read_support.hpp"

using namespace elbocheck::read;
using read_support::positions;

namespace {

std::string spelled_tokens(const math_block& b) {
    std::string out;
    for (const auto& t : b.tokens)
        out += spelled(t);
    return out;
}

} // namespace

TEST_CASE("\\newcommand expands where it is used, keeping the use's position", "[read][macros]") {
    auto n = read_note("m.md", "$\\newcommand{\\E}{\\mathbb{E}}$\n\nThen $\\E_q[x]$.");
    REQUIRE(n.diagnostics.empty());
    REQUIRE(n.math.size() == 2);
    CHECK(n.math[0].tokens.empty());
    CHECK(spelled_tokens(n.math[1]) == "\\mathbb{E}_q[x]");
    CHECK(positions(n.math[1].tokens.at(0).where) == "3:7"); // the \E
    CHECK(positions(n.math[1].tokens.at(3).where) == "3:7");
    CHECK(positions(n.math[1].tokens.at(4).where) == "3:9"); // the _ written after it
    CHECK(n.math[1].tree.rows.at(0).cells.at(0).children.at(0).children.at(0).name == "mathbb");
}

TEST_CASE("arguments, optional defaults, \\def and \\DeclareMathOperator", "[read][macros]") {
    auto n = read_note(
        "m.md", "$\\newcommand{\\KL}[2]{D(#1 \\| #2)}\\newcommand\\Ex[1][q]{\\mathbb{E}_{#1}}"
                "\\def\\pair#1#2{(#1,#2)}\\DeclareMathOperator{\\Var}{Var}"
                "\\DeclareMathOperator*{\\argmax}{arg\\,max}$ "
                "$\\KL{q}{p} \\Ex \\Ex[p] \\pair ab \\Var \\argmax$");
    REQUIRE(n.diagnostics.empty());
    CHECK(spelled_tokens(n.math.at(1)) ==
          "D(q \\| p) \\mathbb{E}_{q}\\mathbb{E}_{p} (a,b) \\operatorname{Var}"
          "\\operatorname*{arg\\,max}"); // no spaces after control words, as in TeX
}

TEST_CASE("\\renewcommand replaces, \\providecommand does not", "[read][macros]") {
    auto n = read_note("m.md", "$\\newcommand{\\x}{1}\\providecommand{\\x}{2}\\x "
                               "\\renewcommand{\\x}{3}\\x \\providecommand{\\y}{4}\\y$");
    CHECK(spelled_tokens(n.math.at(0)) == "134"); // TeX drops the space after \x
}

TEST_CASE("a macros file, loaded before the note", "[read][macros]") {
    macro_table macros;
    auto problems = load_macros(macros, "macros.tex",
                                "% shared notation\n\\newcommand{\\ELBO}{\\mathcal{L}}\n"
                                "Some text that is ignored.\n\\DeclareMathOperator{\\KL}{KL}\n");
    CHECK(problems.empty());
    CHECK(macros.size() == 2);
    auto n = read_note("m.md", "$\\ELBO = \\KL$", macros);
    CHECK(spelled_tokens(n.math.at(0)) == "\\mathcal{L}= \\operatorname{KL}");

    macro_table none;
    auto missing = load_macro_file(none, "/nonexistent/macros.tex");
    REQUIRE(missing.size() == 1);
    CHECK(missing[0].message == "cannot open the file");
}

TEST_CASE("a TeX preamble's definitions apply to the math after them", "[read][macros]") {
    auto n = read_note("n.tex", "\\newcommand{\\evidence}{\\log p(x)}\n\\begin{document}\n"
                                "$\\evidence \\geq 0$\n\\end{document}\n");
    REQUIRE(n.math.size() == 1);
    CHECK(spelled_tokens(n.math[0]) == "\\logp(x)\\geq0");
}

TEST_CASE("runaway macros stop with a diagnostic at their use", "[read][macros]") {
    auto self = read_note("m.md", "$\\def\\a{\\a x}$\n\n$y + \\a$\n\n$z$");
    REQUIRE(self.diagnostics.size() == 1);
    CHECK(self.diagnostics[0].construct == "\\a");
    CHECK(positions(self.diagnostics[0].where) == "3:6");
    CHECK(self.diagnostics[0].message.find("runaway macro") != std::string::npos);
    CHECK_FALSE(self.math.at(1).complete);
    CHECK(spelled_tokens(self.math.at(2)) == "z"); // the rest of the note is read

    // Doubling at each level: depth is fine, the token budget is not.
    std::string doubling = "$";
    for (char c = 'b'; c <= 'z'; ++c)
        doubling += std::string("\\def\\") + c + "{\\" + static_cast<char>(c - 1) + "\\" +
                    static_cast<char>(c - 1) + "}";
    doubling += "\\def\\a{x}\\z$";
    read_options small;
    small.expansion.max_tokens = 10000;
    auto grown = read_note("m.md", doubling, small);
    REQUIRE(grown.diagnostics.size() == 1);
    CHECK(grown.diagnostics[0].message.find("more than 10000 tokens") != std::string::npos);
    CHECK(grown.math.at(0).tokens.size() <= 10000);
}

TEST_CASE("malformed definitions are reported and skipped", "[read][macros]") {
    auto n = read_note("m.md", "$\\newcommand{\\a}[2]{#3}\\newcommand{x}{y}"
                               "\\newcommand{\\b}[x]{y}\\def\\c#1.{#1}\\newcommand{\\d}$\n"
                               "$\\newcommand{\\e}[2]{#1#2}\\e{1}$");
    auto w = read_support::where(n.diagnostics);
    CHECK(w == std::vector<std::string>{"1:2 \\a", "1:24 \\newcommand", "1:41 \\newcommand{\\b}[x]",
                                        "1:62 \\def\\c", "1:75 \\newcommand{\\d}", "2:26 \\e"});
}
