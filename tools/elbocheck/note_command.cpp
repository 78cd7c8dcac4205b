// `elbocheck check NOTE...` (see note_command.hpp).
#include "note_command.hpp"

#include "elbocheck/eval/model_instances.hpp"
#include "elbocheck/read.hpp"
#include "elbocheck/report/html_site.hpp"
#include "elbocheck/report/markdown_report.hpp"
#include "elbocheck/report/note_json_report.hpp"
#include "elbocheck/report/note_junit_report.hpp"
#include "elbocheck/report/note_markdown_report.hpp"
#include "elbocheck/report/note_page.hpp"
#include "elbocheck/report/note_report.hpp"
#include "elbocheck/report/note_text_report.hpp"
#include "progress.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>
#include <unistd.h>

namespace elbocheck::tools {

namespace {

namespace fs = std::filesystem;

bool has_note_extension(const fs::path& p) {
    std::string e = p.extension().string();
    std::transform(e.begin(), e.end(), e.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return e == ".md" || e == ".markdown" || e == ".ipynb" || e == ".tex" || e == ".ltx" ||
           e == ".txt";
}

// The files to read, in a stable order: files as given, directories searched for notes (by
// extension) recursively and sorted. A path that does not exist is a usage error, named.
bool collect_notes(const std::vector<std::string>& paths, std::vector<fs::path>& files,
                   std::string& problem) {
    for (const std::string& p : paths) {
        std::error_code ec;
        const fs::file_status status = fs::status(p, ec);
        if (ec || !fs::exists(status)) {
            problem = "cannot open '" + p + "': no such file or directory";
            return false;
        }
        if (fs::is_directory(status)) {
            std::vector<fs::path> found;
            for (fs::recursive_directory_iterator
                     it(p, fs::directory_options::skip_permission_denied, ec),
                 end;
                 !ec && it != end; it.increment(ec))
                if (it->is_regular_file(ec) && has_note_extension(it->path()))
                    found.push_back(it->path());
            if (ec) {
                problem = "cannot search '" + p + "': " + ec.message();
                return false;
            }
            std::sort(found.begin(), found.end());
            files.insert(files.end(), found.begin(), found.end());
        } else {
            files.emplace_back(p);
        }
    }
    return true;
}

std::string letters(const std::vector<std::string>& list) {
    std::string out;
    for (const auto& l : list)
        out += (out.empty() ? "" : ", ") + l;
    return out;
}

// The roles, as given on the command line or the usual ones, and the sentence that says so.
read::meaning_context context_of(const note_check_options& o, std::vector<std::string>& said) {
    read::meaning_context ctx;
    auto take = [&](const std::vector<std::string>& given, std::vector<std::string>& into,
                    const char* role, const char* option) {
        if (!given.empty())
            into = given;
        said.push_back(letters(into) + " " + role + " (" +
                       (given.empty() ? std::string("the usual reading; set with ") + option
                                      : std::string("from ") + option) +
                       ")");
    };
    take(o.observed, ctx.observed, "observed", "--observed");
    take(o.latent, ctx.latent, "latent", "--latent");
    take(o.model, ctx.model_families, "the model", "--model");
    take(o.guide, ctx.guide_families, "the guide", "--guide");
    return ctx;
}

// Reads, understands and checks every file; a file that cannot be read is named on `err`.
std::vector<report::note_report> check_files(const note_check_options& o,
                                             const std::vector<fs::path>& files,
                                             const read::macro_table& given_macros,
                                             const eval::instance_set& instances, std::FILE* err,
                                             bool& unreadable) {
    std::vector<std::string> assumed;
    const read::meaning_context ctx = context_of(o, assumed);
    std::vector<report::note_report> reports;
    progress bar(files.size(), "checking notes");
    for (const fs::path& path : files) {
        std::vector<read::diagnostic> problems;
        std::optional<std::string> text = read::read_file_text(path, problems);
        if (!text) {
            std::fprintf(err, "%s: error: cannot read the file\n", path.string().c_str());
            unreadable = true;
            bar.advance();
            continue;
        }
        read::macro_table macros = given_macros; // a note's own macros stay in that note
        const read::note n = read::read_note(path.string(), *text, macros);
        const read::note_meaning meaning = read::understand_note(n, ctx);
        report::note_report r = report::check_note(n, meaning, instances.bindings, o.sampling);
        r.assumptions = assumed;
        r.assumptions.insert(r.assumptions.end(), meaning.assumptions.begin(),
                             meaning.assumptions.end());
        reports.push_back(std::move(r));
        bar.advance();
    }
    bar.finish();
    return reports;
}

// The macros given with --macros; false (after naming the file) when one cannot be read.
bool load_given_macros(const note_check_options& o, read::macro_table& macros, std::FILE* err,
                       std::string& problem) {
    for (const std::string& m : o.macros) {
        std::error_code ec;
        if (!fs::is_regular_file(m, ec)) {
            problem = "cannot open the macro file '" + m + "'";
            return false;
        }
        for (const read::diagnostic& d : read::load_macro_file(macros, m))
            std::fprintf(err, "%s\n", d.to_string().c_str());
    }
    return true;
}

bool write_file(const fs::path& path, const std::string& content, std::string& problem) {
    std::error_code ec;
    fs::create_directories(path.parent_path(), ec);
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "wb"),
                                                         &std::fclose);
    if (ec || !file) {
        problem = "cannot write '" + path.string() +
                  "': " + (ec ? ec.message() : std::string(std::strerror(errno)));
        return false;
    }
    if (std::fwrite(content.data(), 1, content.size(), file.get()) != content.size() ||
        std::fflush(file.get()) != 0) {
        problem = "writing '" + path.string() + "' failed";
        return false;
    }
    return true;
}

} // namespace

int run_note_docs(const note_check_options& o, const std::string& out_dir, std::FILE* out,
                  std::FILE* err) {
    auto usage = [&](const std::string& message) {
        std::fprintf(err, "elbocheck: %s (see: elbocheck docs --help)\n", message.c_str());
        return 2;
    };
    std::vector<fs::path> files;
    std::string problem;
    if (!collect_notes(o.paths, files, problem))
        return usage(problem);
    read::macro_table given_macros;
    if (!load_given_macros(o, given_macros, err, problem))
        return usage(problem);
    eval::instance_set instances;
    try {
        instances = eval::make_instances(o.models, o.seed);
    } catch (const std::exception& e) {
        std::fprintf(err, "elbocheck: could not build the model instances: %s\n", e.what());
        return 2;
    }
    bool unreadable = false;
    const auto reports = check_files(o, files, given_macros, instances, err, unreadable);
    std::size_t written = 0;
    for (const auto& r : reports) {
        const report::page page = report::note_page(r);
        const fs::path root(out_dir);
        if (!write_file(root / "notes" / (page.name + ".md"), report::to_markdown(page), problem) ||
            !write_file(root / "site" / (page.name + ".html"), report::to_html(page), problem))
            return usage(problem);
        written += 2;
    }
    if (!write_file(fs::path(out_dir) / "site" / "style.css", std::string(report::site_stylesheet),
                    problem))
        return usage(problem);
    std::fprintf(out, "wrote %zu files for %zu notes to %s\n", written + 1, reports.size(),
                 out_dir.c_str());
    return unreadable ? 2 : 0;
}

bool looks_like_note_path(const std::string& argument) {
    std::error_code ec;
    if (fs::exists(argument, ec))
        return true;
    return argument.find('/') != std::string::npos || has_note_extension(argument);
}

int run_note_check(const note_check_options& o, std::FILE* out, std::FILE* err) {
    auto usage = [&](const std::string& message) {
        std::fprintf(err, "elbocheck: %s (see: elbocheck check --help)\n", message.c_str());
        return 2;
    };
    std::vector<fs::path> files;
    std::string problem;
    if (!collect_notes(o.paths, files, problem))
        return usage(problem);
    if (files.empty())
        return usage("no notes (.md, .markdown, .ipynb, .tex, .ltx, .txt) under the paths given");

    read::macro_table given_macros;
    if (!load_given_macros(o, given_macros, err, problem))
        return usage(problem);

    std::FILE* sink = out;
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(nullptr, &std::fclose);
    if (!o.output.empty()) {
        file.reset(std::fopen(o.output.c_str(), "w"));
        if (!file)
            return usage("cannot write '" + o.output + "': " + std::strerror(errno));
        sink = file.get();
    }

    eval::instance_set instances;
    try {
        instances = eval::make_instances(o.models, o.seed);
    } catch (const std::exception& e) {
        std::fprintf(err, "elbocheck: could not build the model instances: %s\n", e.what());
        return 2;
    }

    bool unreadable = false;
    const std::vector<report::note_report> reports =
        check_files(o, files, given_macros, instances, err, unreadable);

    std::size_t errors = 0;
    for (const auto& r : reports)
        errors += r.errors();

    if (o.format == "json") {
        std::fprintf(sink, "%s\n",
                     report::notes_to_json(reports, o.seed, o.models).dump(2).c_str());
    } else if (o.format == "junit") {
        std::fputs(report::notes_to_junit(reports).c_str(), sink);
    } else if (o.format == "markdown") {
        std::fputs(report::notes_to_markdown(reports).c_str(), sink);
    } else {
        const report::palette colors = isatty(fileno(sink)) && !std::getenv("NO_COLOR")
                                           ? report::palette::colored()
                                           : report::palette{};
        report::note_text_options text_options;
        text_options.verbose = o.verbose;
        for (const auto& r : reports)
            report::write_note_text(sink, r, colors, text_options);
        report::write_note_summary(sink, reports, colors);
    }
    if (std::ferror(sink))
        return usage("writing the report failed");
    if (unreadable)
        return 2;
    return errors == 0 ? 0 : 1;
}

} // namespace elbocheck::tools
