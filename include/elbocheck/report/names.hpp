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

// "not evaluable on 3 models (first: #12): <reason>" for a step some of whose models have no
// value for a side, or "" when every model had one. A step that is not evaluated at all says
// its reason elsewhere, so this is only for a step judged on the other models.
inline std::string not_evaluable_phrase(const eval::numeric_step_result& n) {
    if (n.not_evaluable == 0 || n.status == eval::numeric_status::not_evaluated)
        return {};
    return "not evaluable on " + std::to_string(n.not_evaluable) +
           (n.not_evaluable == 1 ? " model" : " models") + " (first: #" +
           std::to_string(n.first_not_evaluable) + "): " + n.why_not_evaluated;
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
