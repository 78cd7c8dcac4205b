#pragma once
// `elbocheck check NOTE...`: the notes half of the check command, compiled on its own so that
// the tool's main translation unit (which instantiates every built-in derivation) is not
// rebuilt for a change to it.

#include "elbocheck/eval/sampling_settings.hpp"
#include "elbocheck/model/random_models.hpp"
#include "note_pipeline.hpp"

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace elbocheck::tools {

struct note_check_options {
    std::vector<std::string> paths;  // files, and directories to search for notes
    std::vector<std::string> macros; // --macros files, read before every note
    note_roles roles;                // letters; empty: the usual reading
    bool verbose = false;
    std::uint64_t seed = model::default_model_seed;
    std::size_t models = 100;
    std::string format = "text";
    std::string output;
    eval::sampling_settings sampling;
};

// Whether a command-line argument of `check` names a note rather than a built-in derivation:
// an existing file or directory, or anything spelled like a path (a slash or a note's
// extension), so that a mistyped file name is reported as a missing file.
bool looks_like_note_path(const std::string& argument);

// Checks the notes; returns the exit code (0 no step is false or ill-formed, 1 some step is,
// 2 bad usage or an unreadable file). Writes the report to `out` (or o.output) and problems
// with the command to `err`.
int run_note_check(const note_check_options& o, std::FILE* out, std::FILE* err);

// `elbocheck docs --out DIR NOTE...`: a page per note, DIR/notes/<page>.md and
// DIR/site/<page>.html (with the site's stylesheet), each step with its verdict and the wrong
// ones shown with what is wrong, and an index of the notes (DIR/notes/README.md,
// DIR/site/notes.html). Exit 0 when every page is written, 2 on bad usage, when a note cannot
// be read or a file cannot be written (the verdicts are on the pages; `check` reports them).
int run_note_docs(const note_check_options& o, const std::string& out_dir, std::FILE* out,
                  std::FILE* err);

} // namespace elbocheck::tools
