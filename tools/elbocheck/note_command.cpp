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

// Reads, understands and checks every file; a file that cannot be read is named on `err`.
std::vector<report::note_report> check_files(const note_check_options& o,
                                             const std::vector<fs::path>& files,
                                             const read::macro_table& given_macros,
                                             const eval::instance_set& instances, std::FILE* err,
                                             bool& unreadable) {
    std::vector<std::string> assumed;
    const read::meaning_context ctx = meaning_context_of(o.roles, assumed);
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
        reports.push_back(
            check_note_text(path.string(), *text, ctx, assumed, given_macros, instances, o.sampling)
                .report);
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

// What `check` and `docs` both need before reading a note: the files (at least one), the
// macros of --macros and the exact models. Returns 0, or the exit code after saying why.
int prepare_notes(const note_check_options& o, const char* command, std::vector<fs::path>& files,
                  read::macro_table& given_macros, eval::instance_set& instances, std::FILE* err) {
    auto usage = [&](const std::string& message) {
        std::fprintf(err, "elbocheck: %s (see: elbocheck %s --help)\n", message.c_str(), command);
        return 2;
    };
    std::string problem;
    if (!collect_notes(o.paths, files, problem))
        return usage(problem);
    if (files.empty())
        return usage("no notes (.md, .markdown, .ipynb, .tex, .ltx, .txt) under the paths given");
    if (!load_given_macros(o, given_macros, err, problem))
        return usage(problem);
    try {
        instances = eval::make_instances(o.models, o.seed);
    } catch (const std::exception& e) {
        std::fprintf(err, "elbocheck: could not build the model instances: %s\n", e.what());
        return 2;
    }
    return 0;
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
    std::vector<fs::path> files;
    read::macro_table given_macros;
    eval::instance_set instances;
    if (int code = prepare_notes(o, "docs", files, given_macros, instances, err))
        return code;
    bool unreadable = false;
    const auto reports = check_files(o, files, given_macros, instances, err, unreadable);
    const fs::path root(out_dir);
    std::vector<std::pair<fs::path, std::string>> pages;
    for (const auto& r : reports) {
        const report::page page = report::note_page(r);
        pages.emplace_back(root / "notes" / (page.name + ".md"), report::to_markdown(page));
        pages.emplace_back(root / "site" / (page.name + ".html"), report::to_html(page));
    }
    const report::page index = report::note_index_page(reports);
    pages.emplace_back(root / "notes" / (index.name + ".md"), report::to_markdown(index));
    pages.emplace_back(root / "site" / (index.name + ".html"), report::to_html(index));
    pages.emplace_back(root / "site" / "style.css", std::string(report::site_stylesheet));
    std::string problem;
    for (const auto& [path, content] : pages)
        if (!write_file(path, content, problem)) {
            std::fprintf(err, "elbocheck: %s\n", problem.c_str());
            return 2;
        }
    std::fprintf(out, "wrote %zu files for %zu notes to %s (index: %s)\n", pages.size(),
                 reports.size(), out_dir.c_str(),
                 (root / "site" / (index.name + ".html")).string().c_str());
    return unreadable ? 2 : 0;
}

bool looks_like_note_path(const std::string& argument) {
    std::error_code ec;
    if (fs::exists(argument, ec))
        return true;
    return argument.find('/') != std::string::npos || has_note_extension(argument);
}

int run_note_check(const note_check_options& o, std::FILE* out, std::FILE* err) {
    std::vector<fs::path> files;
    read::macro_table given_macros;
    eval::instance_set instances;
    if (int code = prepare_notes(o, "check", files, given_macros, instances, err))
        return code;

    std::FILE* sink = out;
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(nullptr, &std::fclose);
    if (!o.output.empty()) {
        file.reset(std::fopen(o.output.c_str(), "w"));
        if (!file) {
            std::fprintf(err, "elbocheck: cannot write '%s': %s\n", o.output.c_str(),
                         std::strerror(errno));
            return 2;
        }
        sink = file.get();
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
    if (std::ferror(sink)) {
        std::fprintf(err, "elbocheck: writing the report failed\n");
        return 2;
    }
    if (unreadable)
        return 2;
    return errors == 0 ? 0 : 1;
}

} // namespace elbocheck::tools
