#pragma once
// `elbocheck import NOTE... [-o FILE]`: writes a note's derivations as a C++ file in the
// derivation language (report/note_import.hpp), each claimed at compile time as the checker
// found it, so that CI can compile the file to keep the note checked.

#include <cstdio>
#include <string>
#include <vector>

namespace elbocheck::tools {

// Checks each note (on the default exact models) and writes one C++ file holding every
// note's derivations to `output` (standard output `out` when empty). Returns 0 when the file
// is written, 2 when a note cannot be read or the output cannot be written (said on `err`).
int run_import(const std::vector<std::string>& notes, const std::string& output, std::FILE* out,
               std::FILE* err);

} // namespace elbocheck::tools
