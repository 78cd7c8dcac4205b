#pragma once
// Checking a note file end to end in tests: read it, understand it, check every step on the
// exact models, exactly as `elbocheck check NOTE` does, through the one compiled copy of the
// checker (tools/elbocheck/note_pipeline.hpp), so a test costs a parse and not an instantiation.

#include "elbocheck/eval/model_instances.hpp"
#include "note_pipeline.hpp"

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

// The note `text` as the file `path` (its format from the extension), with the usual roles.
inline elbocheck::tools::checked_note check_text(const std::string& path, const std::string& text) {
    using namespace elbocheck;
    return tools::check_note_text(path, text, read::meaning_context{}, {}, read::macro_table{},
                                  instances());
}

inline elbocheck::report::note_report check_file(const std::filesystem::path& p) {
    return check_text(p.string(), slurp(p)).report;
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
