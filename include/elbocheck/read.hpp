#pragma once
// Reading people's notes: Markdown, notebooks and TeX to math with positions, tokens and a
// layout tree (see read/note_reader.hpp).

#include "elbocheck/read/note_reader.hpp"
