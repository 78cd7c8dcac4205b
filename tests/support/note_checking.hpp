#pragma once
// Checking a note file end to end in tests: read it, understand it, check every step on the
// exact models, exactly as `elbocheck check NOTE` does (tools/elbocheck/note_command.cpp).

#include "elbocheck/eval/model_instances.hpp"
#include "elbocheck/read.hpp"
#include "elbocheck/report/note_report.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace note_checking {

inline std::string slurp(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

inline const elbocheck::eval::instance_set& instances() {
    static const elbocheck::eval::instance_set set = elbocheck::eval::make_instances(100);
    return set;
}

inline elbocheck::report::note_report check_file(const std::filesystem::path& p) {
    using namespace elbocheck;
    const read::note n = read::read_note(p.string(), slurp(p));
    const read::note_meaning meaning = read::understand_note(n);
    report::note_report r = report::check_note(n, meaning, instances().bindings);
    r.assumptions = meaning.assumptions;
    return r;
}

// The line of the first step found false or ill-formed, in reading order; 0 when none is.
inline std::uint32_t first_error_line(const elbocheck::report::note_report& r) {
    std::uint32_t first = 0;
    for (const auto& s : r.steps)
        if (s.is_error() && (first == 0 || s.where.line < first))
            first = s.where.line;
    return first;
}

} // namespace note_checking
