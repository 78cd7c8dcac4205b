// Reading a note of about 1 MB: the five seed notes repeated until the text is that long,
// read as Markdown (extraction, tokens, macros, parse). Reports bytes per second. And checking
// it as `elbocheck check` does: understood, every step judged by the rule search and on the
// exact models.
#include "elbocheck/eval/model_instances.hpp"
#include "elbocheck/read.hpp"
#include "elbocheck/report/note_report.hpp"

#include <algorithm>
#include <benchmark/benchmark.h>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

std::string seed_text() {
    std::vector<std::filesystem::path> files;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(ELBOCHECK_SEEDS_DIR, ec))
        if (e.path().extension() == ".txt")
            files.push_back(e.path());
    std::sort(files.begin(), files.end());
    std::string all;
    for (const auto& f : files) {
        std::ifstream in(f, std::ios::binary);
        std::ostringstream s;
        s << in.rdbuf();
        all += s.str() + "\n\n";
    }
    if (all.empty()) // no seeds next to the repository: one derivation written out
        all = "$$\\begin{align*}\\log p(x) &= \\log \\int p(x, z) dz \\\\ &\\geq "
              "\\mathbb{E}_{q_\\phi(z \\vert x)} \\left[\\log \\frac{p(x, z)}{q_\\phi(z \\vert "
              "x)}\\right]\\end{align*}$$\n\nwhere $q_\\phi(z \\vert x)$ is the guide.\n\n";
    return all;
}

const std::string& megabyte_note() {
    static const std::string note = [] {
        std::string seeds = seed_text(), out;
        while (out.size() < (1U << 20U))
            out += seeds;
        return out;
    }();
    return note;
}

void read_megabyte_note(benchmark::State& state) {
    const std::string& text = megabyte_note();
    std::size_t blocks = 0;
    for (auto _ : state) {
        auto n = elbocheck::read::read_note("big.md", text);
        blocks = n.math.size();
        benchmark::DoNotOptimize(n);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
    state.counters["bytes"] = static_cast<double>(text.size());
    state.counters["math_pieces"] = static_cast<double>(blocks);
}
BENCHMARK(read_megabyte_note)->Unit(benchmark::kMillisecond);

// The whole check of the megabyte note, on the reference model and 100 random ones as
// `elbocheck check` does by default. Counts the steps judged.
void check_megabyte_note(benchmark::State& state) {
    const std::string& text = megabyte_note();
    const auto instances = elbocheck::eval::make_instances(100);
    std::size_t steps = 0, understood = 0;
    for (auto _ : state) {
        const auto n = elbocheck::read::read_note("big.md", text);
        const auto meaning = elbocheck::read::understand_note(n);
        const auto report = elbocheck::report::check_note(n, meaning, instances.bindings);
        steps = report.steps.size();
        understood = steps - report.count(elbocheck::report::note_verdict::not_understood);
        benchmark::DoNotOptimize(report);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
    state.counters["steps"] = static_cast<double>(steps);
    state.counters["understood"] = static_cast<double>(understood);
}
BENCHMARK(check_megabyte_note)->Unit(benchmark::kSecond)->Iterations(1);

// One line of a megabyte with a quarter of a million inline pieces: positions must come from
// walking on, not from rescanning the line for each piece (which would take hours).
void read_megabyte_line(benchmark::State& state) {
    std::string text;
    while (text.size() < (1U << 20U))
        text += "so $q_\\phi(z_i)$ and ";
    for (auto _ : state) {
        auto n = elbocheck::read::read_note("line.md", text);
        benchmark::DoNotOptimize(n);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}
BENCHMARK(read_megabyte_line)->Unit(benchmark::kMillisecond);

// Extraction alone, to see how the time divides.
void extract_megabyte_note(benchmark::State& state) {
    const elbocheck::read::source_text source{"big.md", megabyte_note()};
    for (auto _ : state) {
        auto found =
            elbocheck::read::extract_math(source, 0, elbocheck::read::text_dialect::markdown);
        benchmark::DoNotOptimize(found);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * source.text().size()));
}
BENCHMARK(extract_megabyte_note)->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();
