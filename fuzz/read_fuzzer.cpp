// libFuzzer target for the notes reader: any bytes, read as a Markdown note, a TeX note, a
// notebook and a macros file, and the Markdown note's meaning (terms and chains of steps).
// The reader promises no exception, no crash and bounded work for every input; the
// sanitizers and libFuzzer's timeout check the promise.
#include "elbocheck/read.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace {

// Walks what the reader built, so that a tree the parser left inconsistent shows up here.
std::size_t touch(const elbocheck::read::note& n) {
    using namespace elbocheck::read;
    std::size_t total = 0;
    for (const auto& block : n.math)
        for (const auto& r : rows_of(block.tree))
            for (const auto& link : split_at_relations(r))
                total += link.expression.size() + link.relation.size();
    for (const auto& d : n.diagnostics) {
        if (d.where.line == 0 || d.where.column == 0)
            std::abort(); // every diagnostic must point somewhere
        total += d.to_string().size();
    }
    return total;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace elbocheck::read;
    std::string_view text(reinterpret_cast<const char*>(data), size);
    // A smaller token budget than the default: the limit is what is under test, and a
    // million-token expansion per input would only slow the search down.
    read_options options;
    options.expansion.max_tokens = 1U << 16U;
    volatile std::size_t sink = 0;
    const note markdown = read_note("fuzz.md", text, options);
    sink = sink + touch(markdown);
    const note_meaning meaning = understand_note(markdown);
    for (const auto& c : meaning.chains)
        for (const auto& step : c.steps) {
            if (step.where.line == 0)
                std::abort(); // every step must point somewhere
            sink = sink + step.latex.size() + (step.next ? step.next->kids.size() : 0);
        }
    sink = sink + touch(read_note("fuzz.tex", text, options));
    sink = sink + touch(read_note("fuzz.ipynb", text, options));
    macro_table macros;
    sink = sink + load_macros(macros, "fuzz-macros.tex", text).size();
    sink = sink + touch(read_note("fuzz.md", text, macros, options));
    return 0;
}
