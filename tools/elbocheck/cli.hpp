// elbocheck: checks the project's derivations step by step.
//
//   elbocheck list               the derivations, one per line
//   elbocheck check [NAME...]    check them (all when no name is given)
//
// Exit codes: 0 every step behaved as expected; 1 some step did not; 2 bad usage or input.
#include "catalog.hpp"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <string>
#include <unistd.h>

namespace {

using namespace elbocheck;

struct palette {
    const char* good = "";
    const char* bad = "";
    const char* dim = "";
    const char* reset = "";
};

palette colors_for(std::FILE* stream) {
    if (!isatty(fileno(stream)))
        return {};
    return {"\033[32m", "\033[31m", "\033[2m", "\033[0m"};
}

const char* status_word(sym::step_status s) {
    switch (s) {
    case sym::step_status::justified:
        return "justified";
    case sym::step_status::unjustified:
        return "unjustified";
    case sym::step_status::ill_formed:
        return "ill-formed";
    }
    return "?";
}

// Returns the number of steps that did not behave as expected.
int check_one(const sym::derivation_record& d, const palette& c) {
    std::printf("%s  %s%s%s\n", std::string(d.about.name).c_str(), c.dim,
                std::string(d.about.title).c_str(), c.reset);
    const std::vector<sym::step_outcome> outcomes = sym::check_derivation(d.data);
    int surprises = 0;
    for (std::size_t i = 0; i < outcomes.size(); ++i) {
        const bool expected = outcomes[i].as_expected();
        surprises += !expected;
        std::string rules;
        for (sym::rule_id r : d.data.steps[i].rules) {
            // Appends rather than "," + key: GCC 12 warns falsely (-Wrestrict) on the latter.
            if (!rules.empty())
                rules += ',';
            rules += sym::info(r).key;
        }
        std::printf("  %sstep %2zu  %-2s  %-40s  %-11s%s%s\n", expected ? c.good : c.bad, i + 1,
                    std::string(sym::symbol_of(d.data.steps[i].claimed)).c_str(), rules.c_str(),
                    status_word(outcomes[i].written.status),
                    outcomes[i].has_correction ? "  (a mistake of the document, recorded)" : "",
                    c.reset);
        if (!expected)
            std::printf(
                "           %s\n",
                sym::describe_unexpected(outcomes[i], i + 1, d.data.steps[i]).str().c_str());
        else if (outcomes[i].has_correction)
            std::printf("           %s%s\n           why: %s%s\n", c.dim,
                        sym::describe(outcomes[i].written, i + 1, d.data.steps[i]).str().c_str(),
                        std::string(d.notes[i].mistake).c_str(), c.reset);
    }
    return surprises;
}

} // namespace

int main(int argc, char** argv) {
    CLI::App app{"elbocheck: checks derivations of the evidence lower bound (ELBO) step by "
                 "step.\nEach step must be justified by the rules it names."};
    app.require_subcommand(1);
    CLI::App* list = app.add_subcommand("list", "List the derivations that can be checked");
    CLI::App* check = app.add_subcommand("check", "Check derivations (all when none is named)");
    std::vector<std::string> names;
    check->add_option("NAME", names, "Derivations to check (see: elbocheck list)");

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int code = app.exit(e);
        return code == 0 ? 0 : 2;
    }

    const std::vector<sym::derivation_record> all = derivations::catalog();
    if (*list) {
        for (const auto& d : all)
            std::printf("%-24s %s\n", std::string(d.about.name).c_str(),
                        std::string(d.about.title).c_str());
        return 0;
    }

    std::vector<const sym::derivation_record*> chosen;
    for (const std::string& name : names) {
        const sym::derivation_record* found = nullptr;
        for (const auto& d : all)
            if (d.about.name == name)
                found = &d;
        if (!found) {
            std::fprintf(stderr, "elbocheck: unknown derivation '%s' (see: elbocheck list)\n",
                         name.c_str());
            return 2;
        }
        chosen.push_back(found);
    }
    if (chosen.empty())
        for (const auto& d : all)
            chosen.push_back(&d);

    const palette c = colors_for(stdout);
    int surprises = 0;
    std::size_t steps = 0;
    for (const auto* d : chosen) {
        surprises += check_one(*d, c);
        steps += d->data.steps.size();
    }
    std::printf("\n%zu derivations, %zu steps: %s%d behaved as expected, %d did not%s\n",
                chosen.size(), steps, surprises ? c.bad : c.good,
                static_cast<int>(steps) - surprises, surprises, c.reset);
    return surprises == 0 ? 0 : 1;
}
