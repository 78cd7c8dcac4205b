#pragma once
// Reading people's notes: Markdown, notebooks and TeX to math with positions, tokens and a
// layout tree (see read/note_reader.hpp), and what that math means as terms and chains of
// steps (read/meaning.hpp).

#include "elbocheck/read/meaning.hpp"
#include "elbocheck/read/note_reader.hpp"
