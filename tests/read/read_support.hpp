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

inline std::vector<std::filesystem::path> seed_files() {
    std::vector<std::filesystem::path> out;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(seeds_dir(), ec))
        if (e.path().extension() == ".txt")
            out.push_back(e.path());
    std::sort(out.begin(), out.end());
    return out;
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
