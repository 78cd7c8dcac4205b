#pragma once
// The words every report uses for verdicts, so that text, JSON and JUnit agree.

#include "elbocheck/eval/numeric_step_check.hpp"
#include "elbocheck/sym/step_check.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace elbocheck::report {

constexpr std::string_view symbolic_word(sym::step_status s) {
    switch (s) {
    case sym::step_status::justified:
        return "justified";
    case sym::step_status::unjustified:
        return "unjustified";
    case sym::step_status::ill_formed:
        return "ill-formed";
    }
    return "unknown";
}

constexpr std::string_view numeric_word(eval::numeric_status s) {
    switch (s) {
    case eval::numeric_status::holds:
        return "holds";
    case eval::numeric_status::fails:
        return "fails";
    case eval::numeric_status::not_evaluated:
        return "not-evaluated";
    }
    return "unknown";
}

// "a, b, c". Appends rather than a + ", " + b: GCC 12 warns falsely (-Wrestrict) on the latter.
inline std::string joined(const std::vector<std::string>& keys, std::string_view separator = ", ") {
    std::string out;
    for (const std::string& k : keys) {
        if (!out.empty())
            out += separator;
        out += k;
    }
    return out;
}

} // namespace elbocheck::report
