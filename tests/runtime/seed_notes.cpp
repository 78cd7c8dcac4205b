// The five seed documents read from their own text, as `elbocheck check FILE` reads them:
// every step their hand-written derivations in derivations/ hold is found, and exactly the
// same mistakes are flagged: 000's integral without dz, 004's dropped log and its two
// integrals over x. The hand-written count of each document comes from the catalog the tool
// uses, so the two stay compared as either changes.
#include "catalog.hpp"
#include "support/note_checking.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <set>
#include <string>

namespace {

namespace fs = std::filesystem;

std::size_t hand_written_steps(const std::string& document) {
    std::size_t steps = 0;
    for (const auto& d : elbocheck::derivations::catalog())
        if (d.about.document == document)
            steps += d.data.steps.size();
    return steps;
}

} // namespace

TEST_CASE("the seed documents, read from their text, are flagged where their hand-written "
          "derivations record mistakes",
          "[notes][seeds]") {
    const fs::path seeds = ELBOCHECK_SEEDS_DIR;
    if (!fs::is_directory(seeds)) {
        WARN("the seed documents are not at " << seeds << "; nothing to check");
        return;
    }
    // The lines of the mistakes the derivations record (derivations/doc000_elbo_note.hpp,
    // doc004_video_notes.hpp): where each wrong step's relation, or its restated form, is.
    const std::map<std::string, std::set<std::uint32_t>> mistakes{
        {"000_c4e610161a6ffb42.txt", {12}},         {"001_1e4d49d5a0c7b43e.txt", {}},
        {"002_06f46af21b9f7e91.txt", {}},           {"003_9452315bd5c3b36d.txt", {}},
        {"004_d9c7db41d7f73834.txt", {59, 65, 71}},
    };
    for (const auto& [document, lines] : mistakes) {
        INFO(document);
        const auto report = note_checking::check_file(seeds / document);
        std::set<std::uint32_t> flagged;
        std::size_t understood = 0;
        for (const auto& s : report.steps) {
            if (s.is_error())
                flagged.insert(s.where.line);
            understood += s.understood();
        }
        CHECK(flagged == lines);
        // One error per recorded mistake, not one per line.
        CHECK(report.errors() == lines.size());
        const std::size_t hand_written = hand_written_steps(document);
        std::printf("%s: %zu steps found (%zu understood, %zu justified), %zu in the "
                    "hand-written derivations; flagged %zu\n",
                    document.c_str(), report.steps.size(), understood,
                    report.count(elbocheck::report::note_verdict::justified), hand_written,
                    report.errors());
        CHECK(understood >= hand_written);
    }
}
