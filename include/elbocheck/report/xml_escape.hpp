#pragma once
// Text made safe inside XML and HTML: JUnit reports, the SVG plots and the HTML pages all need
// the same five entities, so they share this one function. &apos; is XML's entity and HTML5's
// as well; control characters other than tab and newline are not allowed in XML 1.0 and become
// spaces (they never carry meaning in a report).

#include <string>
#include <string_view>

namespace elbocheck::report {

inline std::string xml_escaped(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        case '\'':
            out += "&apos;";
            break;
        default:
            if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n')
                out += ' ';
            else
                out += c;
        }
    }
    return out;
}

} // namespace elbocheck::report
