#pragma once
// JUnit XML, for CI systems that show test results: one <testsuite> per derivation, one
// <testcase> per step. A step that does not behave as expected is a <failure> whose text
// says why; a recorded mistake that is flagged as expected passes.

#include "elbocheck/report/derivation_report.hpp"
#include "elbocheck/report/names.hpp"
#include "elbocheck/report/xml_escape.hpp"

#include <sstream>
#include <string>

namespace elbocheck::report {

namespace detail {

inline std::string step_summary(const step_check& c) {
    std::ostringstream o;
    o << "symbolic: " << c.symbolic_message << "\nnumeric: " << numeric_word(c.numeric.status);
    if (c.numeric.status == eval::numeric_status::not_evaluated) {
        o << " (" << c.numeric.why_not_evaluated << ")";
        return o.str();
    }
    if (c.numeric.status == eval::numeric_status::fails)
        o << " on " << c.numeric.failing << " of " << c.numeric.instances << " models evaluated";
    else
        o << " on " << c.numeric.instances << " models";
    o << ", largest error " << c.numeric.max_abs_error;
    if (const std::string skipped = not_evaluable_phrase(c.numeric); !skipped.empty())
        o << "; " << skipped;
    return o.str();
}

} // namespace detail

inline std::string to_junit(const std::vector<derivation_report>& all) {
    std::ostringstream o;
    std::size_t tests = 0, failures = 0;
    for (const derivation_report& d : all)
        for (const step_report& s : d.steps) {
            ++tests;
            failures += !s.as_expected();
        }
    o << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    o << "<testsuites name=\"elbocheck\" tests=\"" << tests << "\" failures=\"" << failures
      << "\">\n";
    for (const derivation_report& d : all) {
        std::size_t suite_failures = 0;
        for (const step_report& s : d.steps)
            suite_failures += !s.as_expected();
        o << "  <testsuite name=\"" << xml_escaped(d.name) << "\" tests=\"" << d.steps.size()
          << "\" failures=\"" << suite_failures << "\">\n";
        for (const step_report& s : d.steps) {
            const std::string rules = joined(s.as_written.rules);
            o << "    <testcase classname=\"elbocheck." << xml_escaped(d.name) << "\" name=\"step "
              << s.index << " (" << xml_escaped(sym::symbol_of(s.as_written.claimed)) << " by "
              << xml_escaped(rules) << ")\">\n";
            std::string details = detail::step_summary(s.as_written);
            if (s.recorded_mistake) {
                details = "recorded mistake of the document: " + s.mistake + "\n" + details;
                if (s.correction)
                    details += "\ncorrection: " + detail::step_summary(*s.correction);
            }
            if (!s.as_expected())
                o << "      <failure message=\"step " << s.index << " did not behave as expected\">"
                  << xml_escaped(details) << "</failure>\n";
            else
                o << "      <system-out>" << xml_escaped(details) << "</system-out>\n";
            o << "    </testcase>\n";
        }
        o << "  </testsuite>\n";
    }
    o << "</testsuites>\n";
    return o.str();
}

} // namespace elbocheck::report
