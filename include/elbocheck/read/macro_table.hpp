#pragma once
// User macros: what \newcommand, \def and \DeclareMathOperator defined, in a note or in a
// --macros file. One table serves a whole note, so a macro defined in an early $...$ is
// known in every later block, as in MathJax and KaTeX pages that share their macros.
// (TeX would forget a definition made inside braces; notes do not rely on that.)

#include "elbocheck/read/token.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace elbocheck::read {

struct macro_definition {
    std::string name;   // without the backslash
    int parameters = 0; // 0..9
    // \newcommand{\x}[2][default]{...}: the first parameter is optional, with this default.
    std::optional<std::vector<token>> optional_default;
    std::vector<token> body; // parameter tokens (#1) stand for the arguments
    std::string file;        // where it was defined, for messages
    source_position where;
};

class macro_table {
  public:
    void define(macro_definition definition) {
        auto name = definition.name;
        macros_.insert_or_assign(std::move(name), std::move(definition));
    }
    const macro_definition* find(std::string_view name) const {
        auto it = macros_.find(std::string(name));
        return it == macros_.end() ? nullptr : &it->second;
    }
    bool defines(std::string_view name) const { return find(name) != nullptr; }
    std::size_t size() const { return macros_.size(); }

  private:
    std::unordered_map<std::string, macro_definition> macros_;
};

} // namespace elbocheck::read
