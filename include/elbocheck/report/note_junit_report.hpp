#pragma once
// A note's check as JUnit XML: one <testsuite> per note, one <testcase> per step, named by
// its place (file:line:column). A false or ill-formed step is a <failure>; a step that was not
// understood, not justified or only approximate is <skipped> with the reason, so that CI
// dashboards show how much of a note was checked.

#include "elbocheck/report/names.hpp"
#include "elbocheck/report/note_report.hpp"
#include "elbocheck/report/xml_escape.hpp"

#include <sstream>
#include <string>

namespace elbocheck::report {

inline std::string notes_to_junit(const std::vector<note_report>& all) {
    std::ostringstream o;
    std::size_t tests = 0, failures = 0, skipped = 0;
    for (const note_report& n : all) {
        tests += n.steps.size();
        failures += n.errors();
        skipped += n.steps.size() - n.errors() - n.count(note_verdict::justified);
    }
    o << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    o << "<testsuites name=\"elbocheck\" tests=\"" << tests << "\" failures=\"" << failures
      << "\" skipped=\"" << skipped << "\">\n";
    for (const note_report& n : all) {
        const std::size_t suite_skipped =
            n.steps.size() - n.errors() - n.count(note_verdict::justified);
        o << "  <testsuite name=\"" << xml_escaped(n.file) << "\" tests=\"" << n.steps.size()
          << "\" failures=\"" << n.errors() << "\" skipped=\"" << suite_skipped << "\">\n";
        for (const note_step_report& s : n.steps) {
            o << "    <testcase classname=\"elbocheck.notes\" name=\"" << xml_escaped(s.file) << ":"
              << s.where.line << ":" << s.where.column << " step " << s.derivation << "." << s.index
              << "\" file=\"" << xml_escaped(s.file) << "\" line=\"" << s.where.line << "\">\n";
            if (s.is_error()) {
                o << "      <failure message=\"step " << s.derivation << "." << s.index << " is "
                  << note_verdict_word(s.verdict) << ": " << xml_escaped(s.message) << "\">"
                  << xml_escaped("written: " + s.latex + "\nunderstood: " + s.before_latex + " " +
                                 std::string(sym::symbol_of(s.claimed)) + " " + s.after_latex)
                  << "</failure>\n";
            } else if (s.verdict == note_verdict::justified) {
                o << "      <system-out>justified by " << xml_escaped(joined(s.rules))
                  << "</system-out>\n";
            } else {
                o << "      <skipped message=\"" << note_verdict_word(s.verdict) << ": "
                  << xml_escaped(s.message) << "\"/>\n";
            }
            o << "    </testcase>\n";
        }
        o << "  </testsuite>\n";
    }
    o << "</testsuites>\n";
    return o.str();
}

} // namespace elbocheck::report
