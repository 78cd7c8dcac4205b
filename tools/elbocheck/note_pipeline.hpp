#pragma once
// One note read, understood and checked: the work `check`, `docs` and `import` share, compiled
// once in note_pipeline.cpp. Reading, the meaning layer and the checker are header-only and
// heavy to instantiate (the rule search and the evaluators over run-time terms); every caller
// outside that file includes only their types, so a test or another command costs a parse,
// not a second copy of the checker's code (the sanitizer build once compiled it six times).

#include "elbocheck/eval/model_instances.hpp"
#include "elbocheck/eval/sampling_settings.hpp"
#include "elbocheck/read/macro_table.hpp"
#include "elbocheck/read/meaning.hpp"
#include "elbocheck/read/note_reader.hpp"
#include "elbocheck/report/note_report.hpp"

#include <string>
#include <vector>

namespace elbocheck::tools {

// The letters given on the command line for each role; an empty list keeps the usual reading.
struct note_roles {
    std::vector<std::string> observed, latent, model, guide;
};

// The meaning layer's roles from `given`, and one sentence per role saying what was taken
// and where from (the report's assumptions).
read::meaning_context meaning_context_of(const note_roles& given,
                                         std::vector<std::string>& assumptions);

struct checked_note {
    read::note note;
    read::note_meaning meaning;
    report::note_report report; // its assumptions: the roles' sentences, then the note's own
};

// Reads `text` as the note `path` (its format from the extension), with the macros `given`
// defined first (the note's own definitions stay in this note), understands it with `context`
// and checks every step on `instances`.
checked_note check_note_text(const std::string& path, const std::string& text,
                             const read::meaning_context& context,
                             const std::vector<std::string>& assumptions,
                             const read::macro_table& given, const eval::instance_set& instances,
                             const eval::sampling_settings& sampling = {});

} // namespace elbocheck::tools
