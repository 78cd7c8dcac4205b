#pragma once
// Helpers shared by the reader's tests.
#include "elbocheck/read.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace read_support {

inline std::filesystem::path seeds_dir() {
    return ELBOCHECK_SEEDS_DIR;
}

inline std::vector<std::filesystem::path> files_in(const std::filesystem::path& dir,
                                                   std::string_view extension = "") {
    std::vector<std::filesystem::path> out;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(dir, ec))
        if (extension.empty() || e.path().extension() == extension)
            out.push_back(e.path());
    std::sort(out.begin(), out.end());
    return out;
}

inline std::vector<std::filesystem::path> seed_files() {
    return files_in(seeds_dir(), ".txt");
}

// The fuzzer's own small notes (a TeX note, a notebook, a Markdown note), kept in the
// repository, so that tests that mutate notes have something to mutate without the seeds.
inline std::vector<std::filesystem::path> fuzz_corpus_files() {
    return files_in(ELBOCHECK_FUZZ_CORPUS_DIR);
}

inline std::string slurp(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return std::move(s).str();
}

inline std::string positions(const elbocheck::read::source_position& p) {
    return std::to_string(p.line) + ":" + std::to_string(p.column);
}

// The diagnostics as "line:column construct" strings, for compact assertions.
inline std::vector<std::string> where(const std::vector<elbocheck::read::diagnostic>& ds) {
    std::vector<std::string> out;
    for (const auto& d : ds)
        out.push_back(positions(d.where) + " " + d.construct);
    return out;
}

} // namespace read_support
