#pragma once
// The elbocheck command line, as a function of its arguments, the derivations it knows and
// the streams it writes to, so tests can run it on derivations of their own:
//
//   elbocheck list                     the derivations, one per line
//   elbocheck check [NAME...] [opts]   check them (all when no name is given)
//
// Exit codes: 0 every step behaved as expected; 1 some step did not; 2 bad usage or input.
#include "elbocheck/eval/model_instances.hpp"
#include "elbocheck/report/json_report.hpp"
#include "elbocheck/report/junit_report.hpp"
#include "elbocheck/report/text_report.hpp"
#include "progress.hpp"

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <unistd.h>

namespace elbocheck::tools {

inline constexpr int exit_as_expected = 0, exit_unexpected = 1, exit_usage = 2;

// "a whole number from 0 to N": CLI11's own number validators print their range as a
// 300-digit double, which helps nobody.
inline CLI::Validator whole_number_up_to(std::size_t largest) {
    return CLI::Validator(
        [largest](std::string& value) -> std::string {
            const std::string wanted = "a whole number from 0 to " + std::to_string(largest);
            if (value.empty() || value.size() > 9 ||
                value.find_first_not_of("0123456789") != std::string::npos ||
                std::stoul(value) > largest)
                return "must be " + wanted + ", not '" + value + "'";
            return {};
        },
        "0.." + std::to_string(largest));
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
        reports.push_back(report::check(*d, instances.bindings));
        bar.advance();
    }
    bar.finish();

    std::size_t surprises = 0;
    for (const auto& r : reports)
        for (const auto& s : r.steps)
            surprises += !s.as_expected();

    if (o.format == "json") {
        std::fprintf(out, "%s\n", report::to_json(reports, {o.seed, o.models}).dump(2).c_str());
    } else if (o.format == "junit") {
        std::fputs(report::to_junit(reports).c_str(), out);
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
    check->add_option("NAME", o.names, "Derivations to check (elbocheck list shows them)");
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
        ->check(CLI::IsMember({"text", "json", "junit"}));
    check->add_option("--output", o.output, "Write the report to FILE instead of standard output");

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
    return run_check(o, catalog, io);
}

} // namespace elbocheck::tools
