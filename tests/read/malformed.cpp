// Malformed math: each problem is a diagnostic with file, line, column and construct, the
// rest of the note is read, and nothing throws. Then the seed notes, mutated at random.
#include "read_support.hpp"

#include <random>

using namespace elbocheck::read;
using read_support::where;

namespace {

// Reads the text as a note followed by a paragraph of good math, and checks that the good
// math was still read.
std::vector<std::string> problems(const std::string& text) {
    auto n = read_note("bad.md", text + "\n\nGood: $a = b$\n");
    REQUIRE_FALSE(n.math.empty());
    CHECK(n.math.back().piece.latex == "a = b");
    CHECK(split_at_relations(rows_of(n.math.back().tree).at(0)).size() == 2);
    for (const auto& d : n.diagnostics) {
        CHECK(d.file == "bad.md");
        CHECK(d.where.line >= 1);
        CHECK(d.where.column >= 1);
        CHECK(d.to_string().starts_with("bad.md:" + read_support::positions(d.where) + ": `"));
    }
    return where(n.diagnostics);
}

using lines = std::vector<std::string>;

} // namespace

TEST_CASE("unbalanced braces", "[read][malformed]") {
    CHECK(problems("x\n$$ {a + b $$") == lines{"2:4 {"});
    CHECK(problems("$$ a } b $$") == lines{"1:6 }"});
    CHECK(problems("$\\frac{a}{b$") == lines{"1:10 {"});
}

TEST_CASE("environments that are unknown, unclosed or closed by another", "[read][malformed]") {
    CHECK(problems("$$\\begin{foo} a \\\\ b \\end{foo}$$") == lines{"1:3 \\begin{foo}"});
    CHECK(problems("$$\\begin{align} a \\end{aligned}$$") == lines{"1:19 \\end{aligned}"});
    CHECK(problems("$$\\begin{align} a &= b$$") == lines{"1:3 \\begin{align}"});
    CHECK(problems("$$a \\end{align}$$") == lines{"1:5 \\end{align}"});
    CHECK(problems("$$\\begin a$$") == lines{"1:3 \\begin"});
}

TEST_CASE("delimiters, scripts and arguments that are missing", "[read][malformed]") {
    CHECK(problems("$$\\left( a$$") == lines{"1:3 \\left("});
    CHECK(problems("$$a \\right)$$") == lines{"1:5 \\right"});
    CHECK(problems("$x^$") == lines{"1:3 ^"});
    CHECK(problems("$x_1_2$") == lines{"1:5 _"});
    CHECK(problems("$\\frac{a}$") == lines{"1:2 \\frac"});
    CHECK(problems("$\\sqrt[3 x$") == lines{"1:2 \\sqrt[", "1:2 \\sqrt"});
    CHECK(problems("$\\bigl$") == lines{"1:2 \\bigl"});
    CHECK(problems("$a\\$ b$ c") == lines{}); // \$ is a dollar sign inside math
}

TEST_CASE("unterminated math", "[read][malformed]") {
    CHECK(problems("one\ntwo $$ three") == lines{"2:5 $$"});
    CHECK(problems("\\[ a") == lines{"1:1 \\["});
    CHECK(problems("\\begin{align} a") == lines{"1:1 \\begin{align}"});
}

TEST_CASE("deep nesting is a diagnostic, not a stack overflow", "[read][malformed]") {
    std::string deep = "$" + std::string(100000, '{') + "x" + std::string(100000, '}') + "$";
    (void)problems(deep);
    auto deep_note = read_note("bad.md", deep);
    REQUIRE(deep_note.diagnostics.size() == 1);
    CHECK(deep_note.diagnostics[0].message.find("nested more than") != std::string::npos);
    auto n = read_note("bad.md", "$" + std::string(50000, '^') + "$");
    CHECK_FALSE(n.diagnostics.empty());
    std::string nested = "$";
    for (int k = 0; k < 20000; ++k)
        nested += "\\frac";
    nested += "$";
    CHECK_FALSE(read_note("bad.md", nested).diagnostics.empty());
}

TEST_CASE("the seed notes mutated at random never throw and stay bounded", "[read][fuzz]") {
    auto files = read_support::seed_files();
    if (files.empty())
        WARN("seed notes not found in " << read_support::seeds_dir()
                                        << "; mutating fuzz/corpus only");
    for (const auto& extra : read_support::fuzz_corpus_files())
        files.push_back(extra);
    REQUIRE(files.size() >= 3);
    std::mt19937 random(20261203);
    const std::string special = "$\\{}[]^_&%#'`\n ";
    auto pick = [&](std::size_t n) {
        return std::uniform_int_distribution<std::size_t>(0, n - 1)(random);
    };
    read_options options;
    options.expansion.max_tokens = 4096;
    options.expansion.max_depth = 16;
    std::size_t notes = 0, diagnostics = 0;
    for (const auto& file : files) {
        const std::string seed = read_support::slurp(file);
        for (int round = 0; round < 150; ++round) {
            std::string text = seed;
            std::size_t edits = 1 + pick(12);
            for (std::size_t e = 0; e < edits && !text.empty(); ++e) {
                std::size_t at = pick(text.size());
                switch (pick(4)) {
                case 0:
                    text.insert(at, 1, special[pick(special.size())]);
                    break;
                case 1:
                    text.insert(at, 1, static_cast<char>(pick(256)));
                    break;
                case 2:
                    text.erase(at, 1 + pick(8));
                    break;
                default:
                    if (at + 1 < text.size())
                        std::swap(text[at], text[at + 1]);
                }
            }
            // Macros that call themselves, mixed in now and then.
            if (round % 10 == 0)
                text.insert(pick(text.size()), "$\\def\\r{\\r\\r}\\r$");
            for (const char* name : {"m.md", "m.tex", "m.ipynb"}) {
                auto n = read_note(name, text, options);
                ++notes;
                diagnostics += n.diagnostics.size();
                for (const auto& block : n.math) {
                    std::size_t written = 0;
                    for (const auto& t : block.tokens)
                        written += t.depth == 0;
                    CHECK(written <= block.piece.latex.size());
                    CHECK(block.tokens.size() - written <= options.expansion.max_tokens);
                }
                for (const auto& d : n.diagnostics) {
                    CHECK(d.where.line >= 1);
                    CHECK(d.where.column >= 1);
                    CHECK(d.construct.size() <= 60);
                }
            }
        }
    }
    CHECK(notes == files.size() * 150 * 3);
    CHECK(diagnostics > 0);
}
