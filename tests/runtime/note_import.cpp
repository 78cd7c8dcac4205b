// `elbocheck import`: a note's derivations written as C++ in the derivation language, each step
// claimed as the checker found it. That the generated file compiles is checked by the CTest
// tests of tests/import; here, what the text says.
#include "elbocheck/report/note_import.hpp"

#include "elbocheck/sym.hpp"
#include "import_command.hpp"
#include "support/note_checking.hpp"

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <string>

namespace {

namespace fs = std::filesystem;
using namespace elbocheck;

std::string imported(const fs::path& p) {
    const tools::checked_note checked =
        note_checking::check_text(p.string(), note_checking::slurp(p));
    return report::import_note(checked.meaning, checked.report, p.filename().string());
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

} // namespace

TEST_CASE("cpp_expression spells terms in the derivation language", "[import]") {
    using namespace elbocheck::sym;
    using namespace elbocheck::sym::symbols;
    CHECK(report::cpp_expression(lower(log(p(x)))) == "log(p(x))");
    CHECK(report::cpp_expression(lower(E(z, q(z | x))[log(p(x, z) / q(z | x))])) ==
          "E(z, q(z | x))[log(p(x, z) / q(z | x))]");
    CHECK(report::cpp_expression(lower(log(p(x)) - KL(q(z | x), p(z | x)))) ==
          "log(p(x)) - KL(q(z | x), p(z | x))");
    CHECK(report::cpp_expression(lower(integral(z, p(x | z) * p(z)))) ==
          "integral(z, p(x | z) * p(z))");
    CHECK(
        report::cpp_expression(lower(num<1, 2> * exp(-log(p(x))))).value_or("").find("num<1, 2>") !=
        std::string::npos);
    // A density with nothing sampled cannot be written.
    term bare =
        make_density(family_t<1, "p", R"(\theta)", family_role::model>::info(), {}, {lower(x)});
    CHECK_FALSE(report::cpp_expression(bare).has_value());
}

TEST_CASE("the expression printed lowers to the term it was printed from", "[import]") {
    using namespace elbocheck::sym;
    using namespace elbocheck::sym::symbols;
    // Printing and spelling again must agree: log(p(x)) - E[...] round-trips through the DSL.
    const term t = lower(log(p(x)) - E(z, q(z | x))[log(p(x, z)) - log(q(z | x))]);
    CHECK(report::cpp_expression(t) == "log(p(x)) - E(z, q(z | x))[log(p(x, z)) - log(q(z | x))]");
}

TEST_CASE("seed 003 imports as derivations with the rules found", "[import][seeds]") {
    const fs::path seed = fs::path(ELBOCHECK_SEEDS_DIR) / "003_9452315bd5c3b36d.txt";
    if (!fs::exists(seed)) {
        WARN("seed notes not found at " << seed << "; skipped");
        return;
    }
    const std::string text = imported(seed);
    CHECK(contains(text, "#include \"elbocheck/sym.hpp\""));
    CHECK(contains(text, "derivation("));
    CHECK(contains(text, "ELBOCHECK_CLAIM_"));
    CHECK(contains(text, "rules::"));
    CHECK(contains(text, "003_9452315bd5c3b36d.txt"));
}

TEST_CASE("note 14 imports with the rules the checker found", "[import]") {
    const fs::path note = fs::path(ELBOCHECK_NOTES_DIR) / "14_patacchiola-evidence-kl-elbo.md";
    const report::note_report r = note_checking::check_file(note);
    const std::string text = imported(note);
    CHECK(contains(text, "derivation("));
    std::size_t justified = 0;
    for (const auto& s : r.steps)
        if (s.verdict == report::note_verdict::justified && s.label.empty())
            for (const std::string& rule : s.rules) {
                ++justified;
                CHECK(contains(text, "rules::" + rule));
            }
    CHECK(justified > 0);
    CHECK(contains(text, "ELBOCHECK_CLAIM_VALID("));
}

TEST_CASE("a wrong step of a note is recorded as a mistake", "[import]") {
    const fs::path note = fs::path(ELBOCHECK_NOTES_DIR) / "19_yugeten-elbo-billion-ways.md";
    const report::note_report r = note_checking::check_file(note);
    REQUIRE(r.errors() > 0);
    const std::string text = imported(note);
    CHECK(contains(text, ".mistake("));
    CHECK(contains(text, "ELBOCHECK_CLAIM_AS_RECORDED("));
}

TEST_CASE("run_import writes a file, and refuses a missing note", "[import][cli]") {
    const fs::path note = fs::path(ELBOCHECK_NOTES_DIR) / "14_patacchiola-evidence-kl-elbo.md";
    const fs::path out = fs::temp_directory_path() / "elbocheck_note_import_test.cpp";
    std::FILE* sink = std::tmpfile();
    REQUIRE(sink);
    CHECK(tools::run_import({note.string()}, out.string(), sink, sink) == 0);
    CHECK(contains(note_checking::slurp(out), "derivation("));
    fs::remove(out);
    CHECK(tools::run_import({"/nonexistent/note.md"}, "", sink, sink) == 2);
    CHECK(tools::run_import({}, "", sink, sink) == 2);
    std::fclose(sink);
}
