// `elbocheck import`: see import_command.hpp.
#include "import_command.hpp"

#include "elbocheck/report/note_import.hpp"
#include "note_pipeline.hpp"

#include <filesystem>
#include <fstream>
#include <set>

namespace elbocheck::tools {

int run_import(const std::vector<std::string>& notes, const std::string& output, std::FILE* out,
               std::FILE* err) {
    if (notes.empty()) {
        std::fprintf(err, "elbocheck import: no note given (see: elbocheck import --help)\n");
        return 2;
    }
    const eval::instance_set instances = eval::make_instances(100);
    std::string body;
    std::set<std::string> namespaces;
    for (const std::string& path : notes) {
        std::vector<read::diagnostic> problems;
        if (std::filesystem::is_directory(path)) {
            std::fprintf(err, "elbocheck import: %s is a directory; give note files\n",
                         path.c_str());
            return 2;
        }
        const auto text = read::read_file_text(path, problems);
        if (!text) {
            std::fprintf(err, "elbocheck import: cannot read %s\n", path.c_str());
            return 2;
        }
        const checked_note checked = check_note_text(path, *text, read::meaning_context{}, {},
                                                     read::macro_table{}, instances);
        const read::note_meaning& meaning = checked.meaning;
        const report::note_report& r = checked.report;
        const std::string file = std::filesystem::path(path).filename().string();
        std::string name = "elbocheck::imported::" + report::import_detail::identifier_from(file);
        // Two notes of the same name in one file get namespaces of their own.
        for (int k = 2; namespaces.count(name); ++k)
            name = "elbocheck::imported::" + report::import_detail::identifier_from(file) + "_" +
                   std::to_string(k);
        namespaces.insert(name);
        body += report::import_detail::note_namespace(meaning, r, file, name);
    }
    const std::string text = report::import_detail::file_prologue(notes) + body;
    if (output.empty() || output == "-") {
        std::fputs(text.c_str(), out);
        return 0;
    }
    std::ofstream file(output, std::ios::binary);
    if (!(file << text) || !file.flush()) {
        std::fprintf(err, "elbocheck import: cannot write %s\n", output.c_str());
        return 2;
    }
    return 0;
}

} // namespace elbocheck::tools
