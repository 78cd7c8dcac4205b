// The one translation unit that instantiates the notes reader and checker (note_pipeline.hpp).
#include "note_pipeline.hpp"

#include "elbocheck/read.hpp"

namespace elbocheck::tools {

namespace {

std::string letters(const std::vector<std::string>& list) {
    std::string out;
    for (const auto& l : list)
        out += (out.empty() ? "" : ", ") + l;
    return out;
}

} // namespace

read::meaning_context meaning_context_of(const note_roles& given,
                                         std::vector<std::string>& assumptions) {
    read::meaning_context ctx;
    auto take = [&](const std::vector<std::string>& letters_given, std::vector<std::string>& into,
                    const char* role, const char* option) {
        if (!letters_given.empty())
            into = letters_given;
        assumptions.push_back(letters(into) + " " + role + " (" +
                              (letters_given.empty()
                                   ? std::string("the usual reading; set with ") + option
                                   : std::string("from ") + option) +
                              ")");
    };
    take(given.observed, ctx.observed, "observed", "--observed");
    take(given.latent, ctx.latent, "latent", "--latent");
    take(given.model, ctx.model_families, "the model", "--model");
    take(given.guide, ctx.guide_families, "the guide", "--guide");
    return ctx;
}

checked_note check_note_text(const std::string& path, const std::string& text,
                             const read::meaning_context& context,
                             const std::vector<std::string>& assumptions,
                             const read::macro_table& given, const eval::instance_set& instances,
                             const eval::sampling_settings& sampling) {
    checked_note out;
    read::macro_table macros = given;
    out.note = read::read_note(path, text, macros);
    out.meaning = read::understand_note(out.note, context);
    out.report = report::check_note(out.note, out.meaning, instances.bindings, sampling);
    out.report.assumptions = assumptions;
    out.report.assumptions.insert(out.report.assumptions.end(), out.meaning.assumptions.begin(),
                                  out.meaning.assumptions.end());
    return out;
}

} // namespace elbocheck::tools
