// The corpus of real notes (tests/notes/): each note is checked as `elbocheck check` would,
// and what it flags is compared with the expectation a careful reader wrote for it
// (NN_slug.expect: "verdict: clean", or "verdict: mistakes" and one "wrong: LINE why" per
// wrong step). Scored as ProcessBench scores error identification: on a note with mistakes
// the checker is right when the first step it flags is the first wrong step; on a clean note
// when it flags nothing; F1 is the harmonic mean of the two accuracies.
//
// The table of every note is printed: `build/dev/tests/runtime_notes_corpus` shows it.
#include "support/note_checking.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

struct expectation {
    bool clean = true;
    std::vector<std::uint32_t> wrong_lines;
    std::uint32_t first_wrong() const {
        return wrong_lines.empty() ? 0 : *std::min_element(wrong_lines.begin(), wrong_lines.end());
    }
};

expectation read_expectation(const fs::path& p) {
    expectation e;
    std::istringstream in(note_checking::slurp(p));
    std::string line;
    bool verdict_seen = false;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#')
            continue;
        if (line.rfind("verdict:", 0) == 0) {
            verdict_seen = true;
            e.clean = line.find("clean") != std::string::npos;
        } else if (line.rfind("wrong:", 0) == 0) {
            e.wrong_lines.push_back(static_cast<std::uint32_t>(std::stoul(line.substr(6))));
        }
    }
    INFO(p);
    REQUIRE(verdict_seen);
    REQUIRE(e.clean == e.wrong_lines.empty());
    return e;
}

std::vector<fs::path> corpus_notes() {
    std::vector<fs::path> out;
    for (const auto& entry : fs::directory_iterator(ELBOCHECK_NOTES_DIR))
        if (entry.path().extension() == ".md" && entry.path().filename() != "README.md")
            out.push_back(entry.path());
    std::sort(out.begin(), out.end());
    return out;
}

// The corpus was gathered in parts, and the score is shown for each: a part the checker was
// developed against says less about notes it has never seen than a part held out.
struct corpus_part {
    int first, last; // note numbers
    const char* about;
    std::size_t with_mistakes = 0, mistakes_found = 0, clean = 0, clean_unflagged = 0;
};

} // namespace

TEST_CASE("the corpus of real notes: mistakes found where a careful reader finds them",
          "[notes][corpus]") {
    const auto notes = corpus_notes();
    REQUIRE(notes.size() >= 20);
    std::size_t with_mistakes = 0, mistakes_found = 0, clean = 0, clean_unflagged = 0;
    std::size_t rows = 0, rows_understood = 0, unlisted_flags = 0;
    std::vector<corpus_part> parts{
        {1, 29, "01-22: gathered first, the checker developed against them"},
        {30, 40, "31-40: held out in session 5; 34 and 39 studied in session 6"},
        {41, 99, "41-48: gathered in session 6 without running the checker"}};
    std::printf("%-48s %-8s %-14s %-12s %s\n", "note", "verdict", "first wrong", "first flag",
                "rows understood");
    for (const fs::path& note : notes) {
        fs::path expect_path = note;
        expect_path.replace_extension(".expect");
        const expectation e = read_expectation(expect_path);
        const auto report = note_checking::check_file(note);
        const std::uint32_t flagged = note_checking::first_error_line(report);
        rows += report.display_rows;
        rows_understood += report.understood_rows;
        std::printf("%-48s %-8s %-14s %-12s %zu/%zu\n", note.stem().string().c_str(),
                    e.clean ? "clean" : "mistakes",
                    e.clean ? "-" : std::to_string(e.first_wrong()).c_str(),
                    flagged ? std::to_string(flagged).c_str() : "-", report.understood_rows,
                    report.display_rows);
        INFO(note.filename().string() << ": first flagged line " << flagged);
        const int number = std::atoi(note.filename().string().c_str());
        corpus_part* part = nullptr;
        for (auto& p : parts)
            if (number >= p.first && number <= p.last)
                part = &p;
        if (e.clean) {
            ++clean;
            clean_unflagged += flagged == 0;
            if (part) {
                ++part->clean;
                part->clean_unflagged += flagged == 0;
            }
            // A false flag on a clean note is the one failure a user cannot work around.
            CHECK(flagged == 0);
        } else {
            ++with_mistakes;
            mistakes_found += flagged == e.first_wrong();
            if (part) {
                ++part->with_mistakes;
                part->mistakes_found += flagged == e.first_wrong();
            }
            // Flags on lines the reader did not list are shown (a reader may have left a
            // debatable step out); they do not count against the score's definition.
            for (const auto& s : report.steps)
                if (s.is_error() && std::find(e.wrong_lines.begin(), e.wrong_lines.end(),
                                              s.where.line) == e.wrong_lines.end()) {
                    ++unlisted_flags;
                    std::printf("  also flagged %s:%u: %s\n", note.filename().string().c_str(),
                                s.where.line, s.message.c_str());
                }
        }
    }
    const double error_accuracy = 100.0 * static_cast<double>(mistakes_found) /
                                  static_cast<double>(std::max<std::size_t>(with_mistakes, 1));
    const double clean_accuracy = 100.0 * static_cast<double>(clean_unflagged) /
                                  static_cast<double>(std::max<std::size_t>(clean, 1));
    const double f1 = error_accuracy + clean_accuracy > 0
                          ? 2 * error_accuracy * clean_accuracy / (error_accuracy + clean_accuracy)
                          : 0.0;
    std::printf("\nnotes with mistakes: first wrong step found in %zu of %zu (%.1f%%)\n"
                "clean notes: nothing flagged in %zu of %zu (%.1f%%)\n"
                "F1 %.1f; display rows understood %zu of %zu (%.1f%%); flags on unlisted lines "
                "of notes with mistakes: %zu\n",
                mistakes_found, with_mistakes, error_accuracy, clean_unflagged, clean,
                clean_accuracy, f1, rows_understood, rows,
                100.0 * static_cast<double>(rows_understood) /
                    static_cast<double>(std::max<std::size_t>(rows, 1)),
                unlisted_flags);
    for (const auto& p : parts)
        std::printf("  %s: first mistakes %zu of %zu, clean unflagged %zu of %zu\n", p.about,
                    p.mistakes_found, p.with_mistakes, p.clean_unflagged, p.clean);
    CHECK(clean_unflagged == clean);
    CHECK(with_mistakes >= 5);
    // The level reached, as a floor that catches a regression: 15 of the 18 notes with
    // mistakes have their first wrong step found and no clean note is flagged (F1 90.9).
    // Held out: 41-48 were gathered in session 6 without running the checker; on them it
    // first found 0 of 4 first mistakes (4 of 4 clean unflagged), then 3 of 4 after general
    // reading rules their notation showed were missing (\textcolor remarks, a font over a
    // list of variables, q(\cdot), letters the note defines, a parameter drawn only later in
    // the note). The misses left: a mistake inside an arg min (05), a generic statement of
    // Jensen's inequality about f and X (32), sums over data points (43).
    CHECK(mistakes_found >= 15);
    CHECK(f1 >= 90.8);
}
