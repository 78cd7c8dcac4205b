#pragma once
// Runs the elbocheck command line in-process on a given catalog and captures its exit code,
// standard output and standard error, so tests can check all three without a subprocess.
#include "cli.hpp"

#include <catch2/catch.hpp>
#include <cstdio>
#include <string>
#include <vector>

namespace elbocheck::testing {

struct cli_result {
    int code;
    std::string out, err;
};

inline std::string read_all(std::FILE* f) {
    std::rewind(f);
    std::string s;
    char buffer[4096];
    while (std::size_t n = std::fread(buffer, 1, sizeof buffer, f))
        s.append(buffer, n);
    return s;
}

inline cli_result run_cli_captured(const std::vector<std::string>& args,
                                   const std::vector<sym::derivation_record>& catalog) {
    std::vector<const char*> argv{"elbocheck"};
    for (const auto& a : args)
        argv.push_back(a.c_str());
    std::FILE* out = std::tmpfile();
    std::FILE* err = std::tmpfile();
    REQUIRE(out);
    REQUIRE(err);
    const int code =
        tools::run_cli(static_cast<int>(argv.size()), argv.data(), catalog, {out, err});
    cli_result r{code, read_all(out), read_all(err)};
    std::fclose(out);
    std::fclose(err);
    return r;
}

} // namespace elbocheck::testing
