#pragma once
// The elbocheck command line, as a function of its arguments, the derivations it knows and
// the streams it writes to, so tests can run it on derivations of their own:
//
//   elbocheck list                     the derivations, one per line
//   elbocheck check [NAME...] [opts]   check them (all when no name is given)
//   elbocheck check NOTE... [opts]     check the derivations in Markdown/LaTeX/notebook notes
//   elbocheck docs --out DIR [opts]    write the step-by-step documentation into DIR
//
// Exit codes: 0 every step behaved as expected; 1 some step did not; 2 bad usage or input.
#include "elbocheck/eval/model_instances.hpp"
#include "elbocheck/eval/sampling_settings.hpp"
#include "elbocheck/report/html_site.hpp"
#include "elbocheck/report/json_report.hpp"
#include "elbocheck/report/junit_report.hpp"
#include "elbocheck/report/text_report.hpp"
#include "import_command.hpp"
#include "note_command.hpp"
#include "progress.hpp"

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <unistd.h>

namespace elbocheck::tools {

inline constexpr int exit_as_expected = 0, exit_unexpected = 1, exit_usage = 2;

// "a whole number from A to B": CLI11's own number validators print their range as a
// 300-digit double, which helps nobody. Nine digits at most, so the value fits any target type.
inline CLI::Validator whole_number_in(std::size_t smallest, std::size_t largest) {
    return CLI::Validator(
        [smallest, largest](std::string& value) -> std::string {
            const std::string wanted = "a whole number from " + std::to_string(smallest) + " to " +
                                       std::to_string(largest);
            if (value.empty() || value.size() > 9 ||
                value.find_first_not_of("0123456789") != std::string::npos ||
                std::stoul(value) < smallest || std::stoul(value) > largest)
                return "must be " + wanted + ", not '" + value + "'";
            return {};
        },
        std::to_string(smallest) + ".." + std::to_string(largest));
}

inline CLI::Validator whole_number_up_to(std::size_t largest) {
    return whole_number_in(0, largest);
}

inline constexpr std::size_t max_samples = 100'000'000, max_threads = 1024;

// --samples and --threads, shared by check and docs so that both validate them alike.
// What a note is read with: macros from files, and the letters of each role when the note's
// own notation does not show them (check and docs alike).
inline void add_note_options(CLI::App& app, note_check_options& notes) {
    app.add_option("--macros", notes.macros,
                   "Notes: a LaTeX file of \\newcommand/\\def/\\DeclareMathOperator "
                   "definitions read before every note (may be repeated)")
        ->allow_extra_args(false);
    app.add_option("--observed", notes.roles.observed,
                   "Notes: the letters of the observed variables (default: x; several: x,y or "
                   "repeat the option)")
        ->delimiter(',')
        ->allow_extra_args(false);
    app.add_option("--latent", notes.roles.latent,
                   "Notes: the letters of the latent variables (default: z)")
        ->delimiter(',')
        ->allow_extra_args(false);
    app.add_option("--model", notes.roles.model,
                   "Notes: the letters of the model's densities (default: p, P)")
        ->delimiter(',')
        ->allow_extra_args(false);
    app.add_option("--guide", notes.roles.guide,
                   "Notes: the letters of the guide (variational) densities (default: q, Q)")
        ->delimiter(',')
        ->allow_extra_args(false);
}

inline void add_sampling_options(CLI::App& command, eval::sampling_settings& s) {
    command
        .add_option("--samples", s.samples,
                    "Monte Carlo draws per sampled term and model (terms without a closed "
                    "form); at least 2, for a standard error")
        ->capture_default_str()
        ->check(whole_number_in(2, max_samples));
    command
        .add_option("--threads", s.threads,
                    "Worker threads for Monte Carlo; 0 uses every core. Results are the same "
                    "bits for any number")
        ->capture_default_str()
        ->check(whole_number_up_to(max_threads));
}

struct streams {
    std::FILE* out = stdout;
    std::FILE* err = stderr;
};

inline int usage_error(const streams& io, const std::string& message) {
    std::fprintf(io.err, "elbocheck: %s (see: elbocheck --help)\n", message.c_str());
    return exit_usage;
}

struct check_options {
    std::vector<std::string> names;
    std::uint64_t seed = model::default_model_seed;
    std::size_t models = 100;
    std::string format = "text";
    std::string output;
    eval::sampling_settings sampling;
    note_check_options notes; // the options only notes use
};

// Resolves the derivations named on the command line (all when none is).
inline bool select(const std::vector<sym::derivation_record>& all,
                   const std::vector<std::string>& names,
                   std::vector<const sym::derivation_record*>& chosen, std::string& unknown) {
    if (names.empty()) {
        for (const auto& d : all)
            chosen.push_back(&d);
        return true;
    }
    for (const std::string& name : names) {
        const sym::derivation_record* found = nullptr;
        for (const auto& d : all)
            if (d.about.name == name)
                found = &d;
        if (!found) {
            unknown = name;
            return false;
        }
        chosen.push_back(found);
    }
    return true;
}

inline int run_check(const check_options& o, const std::vector<sym::derivation_record>& all,
                     const streams& io) {
    // Notes and built-in derivations are told apart by their spelling (note_command.hpp); one
    // run checks one kind, so that every report format has one shape.
    std::vector<std::string> notes, names;
    for (const std::string& n : o.names)
        (looks_like_note_path(n) ? notes : names).push_back(n);
    if (!notes.empty() && !names.empty())
        return usage_error(io, "give either notes (" + notes.front() +
                                   ") or built-in derivations (" + names.front() +
                                   "), not both in one run");
    if (!notes.empty()) {
        note_check_options n = o.notes;
        n.paths = notes;
        n.seed = o.seed;
        n.models = o.models;
        n.format = o.format;
        n.output = o.output;
        n.sampling = o.sampling;
        return run_note_check(n, io.out, io.err);
    }

    std::vector<const sym::derivation_record*> chosen;
    std::string unknown;
    if (!select(all, o.names, chosen, unknown))
        return usage_error(io, "unknown derivation '" + unknown + "'; elbocheck list shows them");

    // Open the output first: a bad path should fail before any work is done.
    std::FILE* out = io.out;
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(nullptr, &std::fclose);
    if (!o.output.empty()) {
        file.reset(std::fopen(o.output.c_str(), "w"));
        if (!file)
            return usage_error(io, "cannot write '" + o.output + "': " + std::strerror(errno));
        out = file.get();
    }

    eval::instance_set instances;
    try {
        instances = eval::make_instances(o.models, o.seed);
    } catch (const std::exception& e) {
        std::fprintf(io.err, "elbocheck: could not build the model instances: %s\n", e.what());
        return exit_usage;
    }

    tools::progress bar(chosen.size(), "checking");
    std::vector<report::derivation_report> reports;
    for (const auto* d : chosen) {
        reports.push_back(report::check(*d, instances.bindings, o.sampling));
        bar.advance();
    }
    bar.finish();

    std::size_t surprises = 0;
    for (const auto& r : reports)
        for (const auto& s : r.steps)
            surprises += !s.as_expected();

    if (o.format == "json") {
        std::fprintf(out, "%s\n",
                     report::to_json(reports, {o.seed, o.models, o.sampling}).dump(2).c_str());
    } else if (o.format == "junit") {
        std::fputs(report::to_junit(reports).c_str(), out);
    } else if (o.format == "markdown") {
        std::fputs(report::to_markdown_report(reports, o.seed, o.models).c_str(), out);
    } else {
        const report::palette colors =
            isatty(fileno(out)) ? report::palette::colored() : report::palette{};
        for (const auto& r : reports)
            report::write_text(out, r, colors);
        report::write_summary(out, reports, instances.bindings.size(), colors);
    }
    if (std::ferror(out))
        return usage_error(io, "writing the report failed");
    return surprises == 0 ? exit_as_expected : exit_unexpected;
}

struct docs_options {
    std::string out;
    std::uint64_t seed = model::default_model_seed;
    std::size_t models = 100;
    eval::sampling_settings sampling;
};

// Writes DIR/derivations/*.md (Markdown for GitHub) and DIR/site/ (HTML whose math is still
// LaTeX, the plots and a stylesheet); tools/docs/build.sh then renders the math with KaTeX.
// Exit 0 when every file is written, 2 when one cannot be; the verdicts are on the pages
// (elbocheck check is the command whose exit code reports them).
inline int run_docs(const docs_options& o, const std::vector<sym::derivation_record>& all,
                    const streams& io) {
    report::documentation docs;
    try {
        report::docs_settings settings;
        settings.seed = o.seed;
        settings.random_models = o.models;
        settings.sampling = o.sampling;
        docs = report::document(all, settings);
    } catch (const std::exception& e) {
        std::fprintf(io.err, "elbocheck: could not build the documentation: %s\n", e.what());
        return exit_usage;
    }
    std::vector<report::doc_file> files = report::markdown_files(docs);
    for (report::doc_file& f : report::site_files(docs))
        files.push_back(std::move(f));
    for (const report::doc_file& f : files) {
        const std::filesystem::path path = std::filesystem::path(o.out) / f.path;
        std::error_code error;
        std::filesystem::create_directories(path.parent_path(), error);
        std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "wb"),
                                                             &std::fclose);
        if (error || !file)
            return usage_error(io, "cannot write '" + path.string() +
                                       "': " + (error ? error.message() : std::strerror(errno)));
        if (std::fwrite(f.content.data(), 1, f.content.size(), file.get()) != f.content.size() ||
            std::fflush(file.get()) != 0)
            return usage_error(io, "writing '" + path.string() + "' failed");
    }
    std::fprintf(io.out, "wrote %zu files for %zu derivations to %s\n", files.size(), all.size(),
                 o.out.c_str());
    return exit_as_expected;
}

inline int run_cli(int argc, const char* const* argv,
                   const std::vector<sym::derivation_record>& catalog, const streams& io = {}) {
    CLI::App app{"elbocheck: checks derivations of the evidence lower bound (ELBO) step by "
                 "step.\n\nEach step names the rule that justifies it; elbocheck checks that the "
                 "rule takes\nthe previous expression to the next (symbolic), and evaluates both "
                 "sides exactly on\nlinear-Gaussian models where every KL and log p(x) is known "
                 "(numeric). Mistakes\nthe documents make are recorded as written and must be "
                 "caught.\n\nExit codes: 0 every step behaved as expected, 1 some step did not, "
                 "2 bad usage.",
                 "elbocheck"};
    app.require_subcommand(1);
    app.set_help_all_flag("--help-all", "Help for every subcommand");

    app.add_subcommand("list", "List the derivations that can be checked");

    check_options o;
    CLI::App* check = app.add_subcommand("check", "Check derivations (all when none is named)");
    check->add_option("NAME", o.names,
                      "Built-in derivations to check (elbocheck list shows them), or notes: "
                      "Markdown (.md), notebooks (.ipynb), LaTeX (.tex) or text (.txt) files, "
                      "and directories searched for them");
    check->add_option("--seed", o.seed, "Seed of the random models (reproducible)")
        ->capture_default_str();
    check
        ->add_option("--models", o.models,
                     "Random models each step is evaluated on, besides "
                     "the reference model")
        ->capture_default_str()
        ->check(whole_number_up_to(100000));
    check->add_option("--format", o.format, "Report format")
        ->capture_default_str()
        ->check(CLI::IsMember({"text", "json", "junit", "markdown"}));
    check->add_option("--output", o.output, "Write the report to FILE instead of standard output");
    add_sampling_options(*check, o.sampling);
    add_note_options(*check, o.notes);
    check->add_flag("--verbose", o.notes.verbose,
                    "Notes: also print every construct the reader did not understand, and the "
                    "roles it assumed");

    docs_options docs_opts;
    CLI::App* docs = app.add_subcommand(
        "docs", "Write the step-by-step documentation (Markdown, and HTML before KaTeX)");
    std::vector<std::string> docs_notes;
    docs->add_option("NOTE", docs_notes,
                     "Notes (files or directories) to document instead of the built-in "
                     "derivations: a page per note in DIR/notes/ (Markdown) and DIR/site/ "
                     "(HTML), each step with its verdict, and an index of them (notes-index)");
    docs->add_option("--out", docs_opts.out,
                     "Directory to write derivations/ and site/ into (created if missing)")
        ->required();
    docs->add_option("--seed", docs_opts.seed, "Seed of the random models (reproducible)")
        ->capture_default_str();
    docs->add_option("--models", docs_opts.models,
                     "Random models each step is evaluated on, besides the reference model")
        ->capture_default_str()
        ->check(whole_number_up_to(100000));
    add_sampling_options(*docs, docs_opts.sampling);
    add_note_options(*docs, o.notes);

    std::vector<std::string> import_notes;
    std::string import_output;
    CLI::App* import_command = app.add_subcommand(
        "import", "Write a note's derivations as a C++ file in the derivation language, each "
                  "step claimed as the checker finds it (justified steps with the rules found, "
                  "false or ill-formed ones as recorded mistakes), so that compiling the file "
                  "checks the note in CI");
    import_command
        ->add_option("NOTE", import_notes,
                     "Notes to import: Markdown (.md), notebooks (.ipynb), LaTeX (.tex) or text "
                     "(.txt) files; several go into one file, a namespace each")
        ->required();
    import_command
        ->add_option("-o,--output", import_output,
                     "Write the C++ file to FILE instead of standard output")
        ->type_name("FILE");

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp&) {
        std::fputs(app.help().c_str(), io.out);
        return exit_as_expected;
    } catch (const CLI::CallForAllHelp&) {
        std::fputs(app.help("", CLI::AppFormatMode::All).c_str(), io.out);
        return exit_as_expected;
    } catch (const CLI::ParseError& e) {
        return usage_error(io, e.what());
    }

    if (app.got_subcommand("list")) {
        for (const auto& d : catalog)
            std::fprintf(io.out, "%-24s %-28s %s\n", std::string(d.about.name).c_str(),
                         d.about.document.empty() ? "-" : std::string(d.about.document).c_str(),
                         std::string(d.about.title).c_str());
        return exit_as_expected;
    }
    if (app.got_subcommand("import"))
        return run_import(import_notes, import_output, io.out, io.err);
    if (app.got_subcommand("docs")) {
        if (docs_notes.empty())
            return run_docs(docs_opts, catalog, io);
        note_check_options n = o.notes;
        n.paths = docs_notes;
        n.seed = docs_opts.seed;
        n.models = docs_opts.models;
        n.sampling = docs_opts.sampling;
        return run_note_docs(n, docs_opts.out, io.out, io.err);
    }
    return run_check(o, catalog, io);
}

} // namespace elbocheck::tools
