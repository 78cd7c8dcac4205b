#pragma once
// The layout of a piece of math: what is a fraction, a subscript, a row of an align, a
// relation. It does not yet say what anything means (a later layer decides that p(x|z) is a
// density and \mathbb{E}_{q}[...] an expectation); it only keeps what was written, in a
// shape that layer can walk, with the line and column of every node.

#include "elbocheck/read/source_text.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace elbocheck::read {

enum class node_kind : std::uint8_t {
    sequence,        // children: items in order (a row's cell, a parsed piece of math)
    group,           // {...}: children are the items inside
    symbol,          // a letter, digit or punctuation, or a symbol command (\alpha, \int, \log)
    relation,        // =, <=, >=, :=, \approx, ...: name is canonical (see canonical_relation)
    command,         // a command with arguments (\frac, \sqrt, \mathbb, \hat): children are the
                     // arguments, each a group; optional_argument holds [..] if given
    text,            // the literal text inside \text{...}, \mbox{...}: name is the text
    scripted,        // children[0] is the base; subscript/superscript hold the scripts
    delimited,       // \left( ... \right): name is the opening delimiter, closing the closing
    sized_delimiter, // \bigl( and friends: name is the delimiter; size in `command_name`
    spacing,         // \, \; \quad ...: no meaning, kept because authors separate reasons with it
    environment,     // \begin{name}...\end{name}: rows
    error,           // something that could not be read (a diagnostic says what)
};

struct row;

struct node {
    node_kind kind = node_kind::sequence;
    std::string name; // see node_kind
    source_position where;
    std::vector<node> children;
    std::vector<node> optional_argument; // command: [..] contents
    std::vector<node> subscript;         // scripted: contents of _{...} (empty: none)
    std::vector<node> superscript;       // scripted: contents of ^{...}
    bool has_subscript = false;
    bool has_superscript = false;
    std::uint8_t primes = 0;  // scripted: f'' has two
    bool starred = false;     // \operatorname*, align*
    std::string closing;      // delimited: the \right delimiter
    std::string command_name; // sized_delimiter: \bigl etc.; symbol/command: the name again
    std::vector<row> rows;    // environment (and a whole piece: an implicit environment)

    bool is_relation() const { return kind == node_kind::relation; }
};

// A row of an environment: its cells (split at &), and what \tag, \label and \nonumber
// said about it.
struct row {
    std::vector<node> cells; // each a node_kind::sequence
    source_position where;
    std::string tag;      // \tag{..} text
    std::string label;    // \label{..} text
    bool numbered = true; // false after \nonumber or \notag
    bool empty() const {
        for (const auto& cell : cells)
            if (!cell.children.empty())
                return false;
        return true;
    }
};

// One link of a chain a = b >= c: the relation before it (empty for the first) and the
// expression after it, as pointers into the tree.
struct chain_link {
    std::string relation; // canonical, "" for the first expression
    const node* relation_node = nullptr;
    std::vector<const node*> expression;
    source_position where; // of the relation, or of the expression for the first
};

// A relation written as \stackrel{\text{def}}{=} or \overset{(a)}{\geq} counts as its
// base relation; the annotation stays in the node.
inline const node* as_relation(const node& n) {
    if (n.kind == node_kind::relation)
        return &n;
    if (n.kind == node_kind::command &&
        (n.name == "stackrel" || n.name == "overset" || n.name == "underset") &&
        n.children.size() == 2) {
        const node& base = n.children[1];
        const node* only = nullptr;
        for (const auto& c : base.children)
            if (c.kind != node_kind::spacing) {
                if (only)
                    return nullptr;
                only = &c;
            }
        if (only && only->kind == node_kind::relation)
            return only;
    }
    return nullptr;
}

// The row's cells read as one line (alignment & carries no meaning) and cut at each
// relation at its top level: "a &= b \geq c" is [("", a), ("=", b), (">=", c)].
inline std::vector<chain_link> split_at_relations(const row& r) {
    std::vector<chain_link> links(1);
    for (const auto& cell : r.cells)
        for (const auto& item : cell.children) {
            if (const node* rel = as_relation(item)) {
                chain_link next;
                next.relation = rel->name;
                next.relation_node = &item;
                next.where = item.where;
                links.push_back(std::move(next));
                continue;
            }
            if (item.kind == node_kind::spacing)
                continue;
            if (links.back().expression.empty() && links.size() == 1)
                links.back().where = item.where;
            links.back().expression.push_back(&item);
        }
    return links;
}

// The rows of a parsed piece: an environment written alone in the piece ($$\begin{align}
// ...\end{align}$$) gives its rows; otherwise the piece's own rows (usually one).
inline const std::vector<row>& rows_of(const node& piece) {
    if (piece.rows.size() == 1 && piece.rows[0].cells.size() == 1) {
        const node* only = nullptr;
        for (const auto& c : piece.rows[0].cells[0].children) {
            if (c.kind == node_kind::spacing)
                continue;
            if (only)
                return piece.rows;
            only = &c;
        }
        if (only && only->kind == node_kind::environment)
            return only->rows;
    }
    return piece.rows;
}

} // namespace elbocheck::read
