#pragma once
// What the math in a note means: the reader's layout tree mapped onto sym::term, and the
// display rows read as chains of steps (a = b >= c) the checker can take one at a time.
//
// Nothing is guessed. A construct this layer does not know becomes a diagnostic naming it
// with its line and column, and the expression it is in is "not understood" (an empty
// optional); the rest of the note is still read.

#include "elbocheck/read/note_reader.hpp"
#include "elbocheck/sym/order.hpp"
#include "elbocheck/sym/relation.hpp"
#include "elbocheck/sym/term.hpp"
#include "elbocheck/sym/variables.hpp"

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace elbocheck::read {

// Which letters play which part. The first letter of each list gets the fixed id of
// sym/symbols.hpp (x = 1, z = 2, p = 1, q = 2); an upper-case letter is the same symbol as
// its lower-case form when that is listed (X is x, P is p).
struct meaning_context {
    std::vector<std::string> observed{"x"};
    std::vector<std::string> latent{"z"};
    std::vector<std::string> model_families{"p", "P"};
    std::vector<std::string> guide_families{"q", "Q"};
};

// A part of an expression the author labelled with \underbrace{..}_{label} or
// \overbrace{..}^{label}: a claim about that part the checker can test.
struct labelled_part {
    sym::term part;
    std::string label; // the label's words (\text{..}) or its LaTeX
    source_position where;
    // The label's meaning when it is a quantity: a name the note defines, the ELBO or
    // \mathcal{L}, or an expression that reads (\text{KL}(q \| p)). Prose has none.
    std::optional<sym::term> label_term;
    bool nonnegative_claim = false; // the label says >= 0 (\geq 0, >=0, non-negative)
    // How the claim is written: under or over a brace, or as the note's definition of a
    // quantity with a standard meaning (\text{ELBO} := ..., which must be the ELBO).
    enum class written { underbrace, overbrace, definition } how = written::underbrace;
};

// One step of a chain: the relation it claims between the previous term and `next`.
struct chain_step {
    sym::relation relation = sym::relation::eq;
    bool approximation = false; // \approx: kept, not checked
    bool understood = false;    // false: `next` or the relation was not understood
    // No relation was written: a display holding only an expression, right after a display
    // whose chain it restates in a new form (notes that number their steps do this).
    bool implicit = false;
    std::optional<sym::term> next;
    std::string file;
    int cell = -1;         // the notebook cell the step is in; -1 for a plain file
    source_position where; // of the relation
    std::string latex;     // the step as written, from its relation to the next one
    std::string annotation;
    // The step's block wrote the chain's left side again (L = R after a block whose chain
    // began at L): the step relates the chain's previous last term to R.
    bool restated = false;
    std::vector<labelled_part> labels; // labels on parts of `next`
};

struct chain {
    std::optional<sym::term> start;
    source_position where;
    std::optional<sym::term> defines; // the named quantity when the chain begins with :=
    std::vector<chain_step> steps;
    std::vector<labelled_part> labels; // labels on parts of `start`
};

struct note_meaning {
    std::vector<chain> chains;
    std::vector<diagnostic> diagnostics;
    std::size_t display_rows = 0;    // non-empty rows of display math
    std::size_t understood_rows = 0; // rows whose every expression and relation is understood
    std::size_t steps = 0;
    std::size_t understood_steps = 0;
    // What the reading assumed for the whole note, once each ("E without a distribution
    // read as E over z ~ q(z|x)").
    std::vector<std::string> assumptions;
};

namespace meaning_detail {

inline bool in(std::string_view s, std::initializer_list<std::string_view> list) {
    for (auto e : list)
        if (e == s)
            return true;
    return false;
}

inline bool contains(const std::vector<std::string>& list, std::string_view s) {
    for (const auto& e : list)
        if (e == s)
            return true;
    return false;
}

inline std::vector<const node*> items_of(const std::vector<node>& nodes) {
    std::vector<const node*> out;
    for (const auto& n : nodes)
        if (n.kind != node_kind::spacing)
            out.push_back(&n);
    return out;
}

// A group holding one item stands for that item.
inline const node& unwrap(const node& n) {
    if (n.kind == node_kind::group || n.kind == node_kind::sequence) {
        auto items = items_of(n.children);
        if (items.size() == 1)
            return unwrap(*items[0]);
    }
    return n;
}

// The letters notes use for the parameters of a model or guide.
inline bool is_parameter_letter(std::string_view word) {
    return in(word, {"\\theta", "\\vartheta", "\\phi", "\\varphi", "\\Theta", "\\Phi", "\\psi",
                     "\\lambda", "\\eta"});
}

// One Latin letter: what a variable is spelled as when no role lists it.
inline bool is_plain_letter(std::string_view word) {
    return word.size() == 1 && std::isalpha(static_cast<unsigned char>(word[0]));
}

inline bool is_font(std::string_view name) {
    return in(name, {"mathrm",       "mathbb",  "mathcal",  "mathbf",     "mathit", "mathsf",
                     "mathtt",       "mathscr", "mathfrak", "boldsymbol", "bm",     "pmb",
                     "operatorname", "mathop",  "mathord",  "textrm",     "textit", "textbf",
                     "textsf",       "text",    "textup",   "textnormal", "mbox",   "hbox"});
}

// The letters a node spells through groups and font commands (\mathrm{KL} is "KL",
// \mathbb{E} is "E" in font "mathbb"); empty when it is not a plain word.
inline std::string word_of(const node& n, std::string* font = nullptr) {
    switch (n.kind) {
    case node_kind::symbol: {
        if (n.name.empty())
            return {};
        if (n.name[0] == '\\')
            return n.name;
        for (char c : n.name)
            if (!std::isalnum(static_cast<unsigned char>(c)))
                return {};
        return n.name;
    }
    case node_kind::text:
        return n.name;
    case node_kind::group:
    case node_kind::sequence: {
        std::string out;
        for (const node* c : items_of(n.children)) {
            std::string w = word_of(*c, font);
            if (w.empty())
                return {};
            out += w;
        }
        return out;
    }
    case node_kind::command:
        if (is_font(n.name) && n.children.size() == 1) {
            if (font && (font->empty() || *font == "mathop" || *font == "operatorname"))
                *font = n.name;
            std::string w = word_of(n.children[0], font);
            // \text{ log } reads as log.
            std::string trimmed;
            for (char c : w)
                if (c != ' ')
                    trimmed += c;
            return trimmed;
        }
        return {};
    default:
        return {};
    }
}

// A short LaTeX spelling of a node for messages.
inline std::string spelled(const node& n) {
    auto all = [](const std::vector<node>& ns) {
        std::string out;
        for (const auto& c : ns) {
            std::string s = spelled(c);
            if (!out.empty() && !s.empty() && std::isalpha(static_cast<unsigned char>(s[0])) &&
                out.back() != '{' && std::isalpha(static_cast<unsigned char>(out.back())) == 0 &&
                out.find('\\') != std::string::npos)
                out += ' ';
            out += s;
        }
        return out;
    };
    switch (n.kind) {
    case node_kind::symbol:
    case node_kind::relation:
        return n.command_name.empty() ? n.name : n.command_name;
    case node_kind::text:
        return n.name;
    case node_kind::spacing:
        return n.name;
    case node_kind::group:
        return "{" + all(n.children) + "}";
    case node_kind::sequence:
        return all(n.children);
    case node_kind::command: {
        std::string out = "\\" + n.name;
        for (const auto& c : n.children)
            out += c.kind == node_kind::group ? spelled(c) : "{" + spelled(c) + "}";
        return out;
    }
    case node_kind::scripted: {
        std::string out = n.children.empty() ? "" : spelled(n.children[0]);
        auto script = [&](const std::vector<node>& s) {
            std::string inner = all(s);
            return s.size() == 1 && inner.size() <= 1 ? inner : "{" + inner + "}";
        };
        if (n.has_subscript) {
            std::string inner = all(n.subscript);
            out += "_" + (n.subscript.size() == 1 ? inner : "{" + inner + "}");
        }
        if (n.has_superscript)
            out += "^" + script(n.superscript);
        return out;
    }
    case node_kind::delimited:
        return "\\left" + n.name + all(n.children) + "\\right" + n.closing;
    case node_kind::sized_delimiter:
        return n.command_name + n.name;
    case node_kind::environment:
        return "\\begin{" + n.name + "}";
    case node_kind::error:
        return n.name;
    }
    return n.name;
}

inline bool is_symbol(const node& n, std::initializer_list<std::string_view> names) {
    return n.kind == node_kind::symbol && in(n.name, names);
}

inline bool opens(const node& n) {
    return (n.kind == node_kind::symbol || n.kind == node_kind::sized_delimiter) &&
           in(n.name, {"(", "[", "\\{", "\\lbrace", "\\lbrack", "\\langle"});
}
inline bool closes(const node& n) {
    // p(x)^2 puts the power on the closing bracket.
    if (n.kind == node_kind::scripted && !n.children.empty())
        return closes(n.children[0]);
    return (n.kind == node_kind::symbol || n.kind == node_kind::sized_delimiter) &&
           in(n.name, {")", "]", "\\}", "\\rbrace", "\\rbrack", "\\rangle"});
}
inline bool is_bar(const node& n) {
    return (n.kind == node_kind::symbol || n.kind == node_kind::sized_delimiter ||
            n.kind == node_kind::relation) &&
           in(n.name, {"|", "\\mid", "\\vert", "\\lvert", "\\rvert"});
}
inline bool is_double_bar(const node& n) {
    return (n.kind == node_kind::symbol || n.kind == node_kind::sized_delimiter ||
            n.kind == node_kind::relation) &&
           in(n.name, {"\\|", "\\Vert", "\\lVert", "\\rVert", "\\parallel"});
}

// Where a byte of the source is, given a line and column (columns count characters).
inline std::size_t offset_of(const source_text& source, source_position at) {
    std::size_t offset = source.offset_of_line(at.line);
    const std::string& text = source.text();
    for (std::uint32_t column = 1; column < at.column && offset < text.size();) {
        ++offset;
        while (offset < text.size() && is_utf8_continuation(text[offset]))
            ++offset;
        ++column;
    }
    return offset;
}

inline sym::short_text short_latex(std::string_view s) {
    return sym::short_text(s.substr(0, sym::short_text::capacity));
}

// The note's symbols: fixed ids for the roles' first letters, fresh ones from 100 up for
// anything else, the same id for the same spelling throughout the note.
class symbol_table {
  public:
    explicit symbol_table(const meaning_context& context)
        : context_(context) {}

    std::optional<std::string> variable_key(std::string_view letter) const {
        std::string l(letter);
        if (contains(context_.observed, l) || contains(context_.latent, l) || l == "\\theta" ||
            inferred_.count(l))
            return l;
        if (l.size() == 1 && std::isupper(static_cast<unsigned char>(l[0]))) {
            std::string lower(1, static_cast<char>(std::tolower(static_cast<unsigned char>(l[0]))));
            if (contains(context_.observed, lower) || contains(context_.latent, lower))
                return lower;
        }
        return std::nullopt;
    }
    bool latent_letter(const std::string& key) const { return contains(context_.latent, key); }
    const std::vector<std::string>& observed_letters() const { return context_.observed; }
    const std::vector<std::string>& model_letters() const { return context_.model_families; }
    bool is_family_letter(const std::string& l) const {
        auto listed = [&](const std::vector<std::string>& list) {
            return contains(list, l) ||
                   (l.size() == 1 &&
                    contains(list, std::string(1, static_cast<char>(std::tolower(
                                                      static_cast<unsigned char>(l[0]))))));
        };
        return listed(context_.model_families) || listed(context_.guide_families);
    }

    sym::term variable(const std::string& key) {
        auto it = variables_.find(key);
        if (it == variables_.end()) {
            sym::symbol s{0, short_latex(key), 0, {}};
            const bool observed = role_of(key) == sym::variable_role::observed;
            s.role = static_cast<std::uint8_t>(observed ? sym::variable_role::observed
                                                        : sym::variable_role::latent);
            if (!context_.observed.empty() && key == context_.observed[0])
                s.id = 1;
            else if (!context_.latent.empty() && key == context_.latent[0])
                s.id = 2;
            else if (key == "\\theta")
                s.id = 3;
            else if (!context_.latent.empty() && key == context_.latent[0] + "_1")
                s.id = 4;
            else if (!context_.latent.empty() && key == context_.latent[0] + "_2")
                s.id = 5;
            else
                s.id = next_id_++;
            it = variables_.emplace(key, s).first;
        }
        return sym::make_variable(it->second);
    }

    std::optional<sym::symbol> family(std::string_view letter) {
        std::string l(letter);
        auto member = [&](const std::vector<std::string>& list) -> std::optional<std::string> {
            if (contains(list, l)) {
                // An upper-case letter whose lower case is listed is that family.
                if (l.size() == 1 && std::isupper(static_cast<unsigned char>(l[0]))) {
                    std::string lower(
                        1, static_cast<char>(std::tolower(static_cast<unsigned char>(l[0]))));
                    if (contains(list, lower))
                        return lower;
                }
                return l;
            }
            return std::nullopt;
        };
        bool model = true;
        auto key = member(context_.model_families);
        if (!key) {
            key = member(context_.guide_families);
            model = false;
        }
        if (!key)
            return std::nullopt;
        auto it = families_.find(*key);
        if (it == families_.end()) {
            sym::symbol s{0, short_latex(*key),
                          static_cast<std::uint8_t>(model ? sym::family_role::model
                                                          : sym::family_role::guide),
                          model ? "\\theta" : "\\phi"};
            if (model && *key == context_.model_families[0])
                s.id = 1;
            else if (!model && *key == context_.guide_families[0])
                s.id = 2;
            else
                s.id = next_id_++;
            it = families_.emplace(*key, s).first;
        }
        return it->second;
    }

    sym::symbol name(const std::string& key) {
        auto it = names_.find(key);
        if (it == names_.end())
            it = names_.emplace(key, sym::symbol{next_id_++, short_latex(key), 0, {}}).first;
        return it->second;
    }

    const std::string& first_observed() const { return context_.observed.at(0); }
    const std::string& first_latent() const { return context_.latent.at(0); }

    // The roles a letter plays: as the context lists it; else as the note's guide shows it
    // (what the guide draws is latent, what it is conditioned on observed: q(h | v),
    // q(x_{1:T} | x_0)); else a subscripted letter plays its base letter's role (x_0 is a data
    // point when x is the data); else latent.
    sym::variable_role role_of(const std::string& key) const {
        if (contains(context_.observed, key))
            return sym::variable_role::observed;
        if (contains(context_.latent, key))
            return sym::variable_role::latent;
        if (auto it = inferred_.find(key); it != inferred_.end())
            return it->second;
        if (auto bar = key.find('_'); bar != std::string::npos && bar > 0)
            if (contains(context_.observed, key.substr(0, bar)))
                return sym::variable_role::observed;
        return sym::variable_role::latent;
    }
    // Whether the context fixes the key's role (then the guide cannot change it: q(x) is a
    // mistake to report, not a reason to make x latent).
    bool role_fixed(const std::string& key) const {
        return contains(context_.observed, key) || contains(context_.latent, key) ||
               key == "\\theta";
    }
    // Records a role the guide shows; true when it is new or changes one.
    bool infer_role(const std::string& key, sym::variable_role role) {
        auto [it, added] = inferred_.emplace(key, role);
        if (added)
            return true;
        return false; // the first reading stands: a letter drawn once stays latent
    }
    bool role_inferred(const std::string& key) const { return inferred_.count(key) > 0; }
    const std::map<std::string, sym::variable_role>& inferred_roles_list() const {
        return inferred_;
    }
    // Forgets the variables read so far, so that a second reading gives them inferred roles.
    void forget_variables() { variables_.clear(); }

  private:
    const meaning_context& context_;
    std::map<std::string, sym::variable_role> inferred_;
    std::map<std::string, sym::symbol> variables_, families_, names_;
    int next_id_ = 100;
};

// The state one note shares across its expressions.
struct note_state {
    explicit note_state(const meaning_context& context)
        : symbols(context) {}

    symbol_table symbols;
    bool observed_in_note = false;
    std::map<std::string, sym::term> definitions;      // by name key
    std::map<std::string, const row*> definition_rows; // the row each definition was read from
    // Parameter letters (\theta, \phi, ...) the note draws as random variables (p(\theta)),
    // with the first display block that draws each: from there on (in reading order) the
    // letter is a variable; before, p(x | \theta) is a model with parameter \theta, as a reader
    // meets it before the author puts a prior on it.
    std::map<std::string, std::size_t> random_parameters;
    std::size_t block = 0; // the display block being read, in reading order
    bool drawn_by_now(const std::string& letter) const {
        auto it = random_parameters.find(letter);
        return it != random_parameters.end() && it->second <= block;
    }
    // How the note itself writes its guide (q(z) or q(z|x)), counted while observing, so
    // that a bare q under an expectation means what the note's explicit q's say.
    bool observing = false;
    std::vector<std::pair<sym::term, int>> guide_forms;
    std::optional<sym::term> guide_form;

    std::vector<std::string> assumptions; // note-level, each once
    // Set while observing when the guide showed the role of a letter the context does not
    // list: the note is then observed once more, so every variable is read with its role.
    bool inferred_roles = false;

    void assume(const std::string& what) {
        if (!contains(assumptions, what))
            assumptions.push_back(what);
    }

    // The note's one guide density over a latent variable, when it writes exactly one.
    const sym::term* only_guide() const {
        return !observing && guide_forms.size() == 1 ? &guide_forms[0].first : nullptr;
    }

    void settle_guide_form() {
        const std::pair<sym::term, int>* best = nullptr;
        for (const auto& f : guide_forms)
            if (!best || f.second > best->second)
                best = &f;
        if (best)
            guide_form = best->first;
    }
};

// Reads one expression (a list of items of the layout tree) as a term.
class expression_reader {
  public:
    using items = std::vector<const node*>;

    expression_reader(note_state& state, const source_text& source,
                      std::vector<diagnostic>& diagnostics)
        : state_(state)
        , source_(source)
        , diagnostics_(diagnostics) {}

    std::optional<sym::term> read(const items& v) {
        if (v.empty())
            return std::nullopt;
        // Sums and products over an index (\sum_{i=1}^K, \prod_i) have no term: reported
        // at the operator, before anything inside them is misread.
        for (const node* n : v)
            if (const node* at = indexed_operator(*n)) {
                bool is_product = word_of(at->kind == node_kind::scripted && !at->children.empty()
                                              ? at->children[0]
                                              : *at) == "\\prod";
                return fail(*at, is_product ? "a product over an index, which terms cannot express"
                                            : "a sum over an index (indexed samples), which "
                                              "terms cannot express");
            }
        return sum(v, 0, v.size());
    }

    // Where labels of \underbrace and \overbrace go while reading; none when null.
    void collect_labels(std::vector<labelled_part>* to) { labels_ = to; }

    // The ELBO of the note's model and guide, E_{z ~ q}[log p(x, z) / q] (when the note
    // writes one guide form): what a definition of the ELBO must equal.
    std::optional<sym::term> elbo_of_note() { return standard_elbo(false); }

    // A named quantity's key when `n` spells one (ELBO, \mathcal{L}).
    static std::optional<std::string> name_key(const node& item) {
        const node& n =
            item.kind == node_kind::scripted && !item.children.empty() && !item.has_superscript
                ? item.children[0]
                : item;
        std::string font;
        std::string w = word_of(n, &font);
        if (w.empty())
            return std::nullopt;
        if (n.kind == node_kind::command && n.children.size() == 1 &&
            n.children[0].kind == node_kind::text) {
            // Words separated by spaces are prose, not a name.
            std::string_view said = n.children[0].name;
            while (!said.empty() && said.front() == ' ')
                said.remove_prefix(1);
            while (!said.empty() && said.back() == ' ')
                said.remove_suffix(1);
            if (said.find(' ') != std::string_view::npos)
                return std::nullopt;
        }
        if ((font == "mathcal" || font == "mathscr") && w.size() == 1 &&
            std::isupper(static_cast<unsigned char>(w[0])) && !in(w, {"D", "E", "N"}))
            return "\\" + font + "{" + w + "}";
        // \text{evidence}, \mathrm{ELBO}: a word set in text is a quantity's name.
        if (w.size() >= 2 &&
            in(font, {"text", "textrm", "mathrm", "operatorname", "mbox", "textnormal", "textit",
                      "mathit"}) &&
            !in(w, {"log", "ln", "exp", "KL", "d"})) {
            for (char c : w)
                if (!std::isalpha(static_cast<unsigned char>(c)))
                    return std::nullopt;
            return "\\text{" + w + "}";
        }
        if (w.size() >= 3 && w != "KL") {
            for (char c : w)
                if (!std::isupper(static_cast<unsigned char>(c)))
                    return std::nullopt;
            return "\\text{" + w + "}";
        }
        return std::nullopt;
    }

  private:
    static constexpr std::size_t none = static_cast<std::size_t>(-1);

    // \sum or \prod over an index (\sum_{i=1}^K, \sum_k, \prod_{i}), anywhere in `n`; a sum
    // over one latent or observed letter (\sum_z) is a marginalization, not this.
    const node* indexed_operator(const node& n) const {
        if (n.kind == node_kind::scripted && !n.children.empty()) {
            std::string base = word_of(n.children[0]);
            if (base == "\\prod")
                return &n;
            if (base == "\\sum") {
                auto sub = items_of(n.subscript);
                bool one_variable =
                    sub.size() == 1 && state_.symbols.variable_key(word_of(unwrap(*sub[0])));
                if (n.has_superscript || (n.has_subscript && !one_variable))
                    return &n;
            }
        }
        if (is_symbol(n, {"\\prod"}))
            return &n;
        auto any = [&](const std::vector<node>& ns) -> const node* {
            for (const auto& c : ns)
                if (const node* found = indexed_operator(c))
                    return found;
            return nullptr;
        };
        if (const node* f = any(n.children))
            return f;
        if (const node* f = any(n.subscript))
            return f;
        if (const node* f = any(n.superscript))
            return f;
        for (const auto& r : n.rows)
            for (const auto& cell : r.cells)
                if (const node* f = indexed_operator(cell))
                    return f;
        return nullptr;
    }

    std::optional<sym::term> fail_construct(const node& at, const std::string& construct,
                                            std::string_view why) {
        std::string message = "not understood: " + shown_construct(construct) + " at line " +
                              std::to_string(at.where.line) + ", column " +
                              std::to_string(at.where.column) + " (" + std::string(why) + ")";
        diagnostics_.push_back(make_diagnostic(source_, at.where, construct, message));
        return std::nullopt;
    }

    std::optional<sym::term> fail(const node& at, std::string_view why = "") {
        std::string construct = spelled(at);
        std::string message = "not understood: " + shown_construct(construct) + " at line " +
                              std::to_string(at.where.line) + ", column " +
                              std::to_string(at.where.column);
        if (!why.empty())
            message += " (" + std::string(why) + ")";
        diagnostics_.push_back(make_diagnostic(source_, at.where, construct, message));
        return std::nullopt;
    }

    static std::size_t matching(const items& v, std::size_t open, std::size_t end) {
        int depth = 0;
        for (std::size_t j = open; j < end; ++j) {
            if (opens(*v[j]))
                ++depth;
            else if (closes(*v[j]) && --depth == 0)
                return j;
        }
        return none;
    }

    static bool is_sign(const node& n) { return is_symbol(n, {"+", "-"}); }

    // Where the product starting at `i` ends: the next + or - outside brackets.
    static std::size_t product_end(const items& v, std::size_t i, std::size_t end) {
        int depth = 0;
        for (std::size_t j = i; j < end; ++j) {
            if (opens(*v[j]))
                ++depth;
            else if (closes(*v[j]))
                --depth;
            else if (depth == 0 && j > i && is_sign(*v[j]) &&
                     !is_symbol(*v[j - 1], {"\\cdot", "\\times", "/", "*"}))
                return j;
        }
        return end;
    }

    // \log{p(x, z) - \log q(z)} renders as "log p(x, z) - log q(z)": braces do not show, so a
    // brace group after a log holding a sum is read as it is seen, the log of its first
    // term and the rest, not as the log of the sum (\log(..) and \log\left(..\right) are).
    static std::optional<items> with_invisible_braces(const items& v, std::size_t i,
                                                      std::size_t end) {
        std::optional<items> out;
        for (std::size_t k = i; k < end; ++k) {
            const bool braces_after_log = k + 1 < end && v[k + 1]->kind == node_kind::group &&
                                          in(word_of(*v[k]), {"\\log", "\\ln"});
            std::vector<const node*> inner;
            if (braces_after_log)
                inner = items_of(v[k + 1]->children);
            const bool holds_sum =
                std::find_if(inner.begin() + (inner.empty() ? 0 : 1), inner.end(),
                             [](const node* c) { return is_sign(*c); }) != inner.end();
            if (!out && holds_sum)
                out.emplace(v.begin() + static_cast<std::ptrdiff_t>(i),
                            v.begin() + static_cast<std::ptrdiff_t>(k));
            if (!out)
                continue;
            out->push_back(v[k]);
            if (holds_sum) {
                out->insert(out->end(), inner.begin(), inner.end());
                ++k;
            }
        }
        return out;
    }

    std::optional<sym::term> sum(const items& v, std::size_t i, std::size_t end) {
        if (auto seen = with_invisible_braces(v, i, end))
            return sum(*seen, 0, seen->size());
        std::optional<sym::term> total;
        while (i < end) {
            bool negative = false;
            const node* sign = nullptr;
            if (is_sign(*v[i])) {
                sign = v[i];
                negative = v[i]->name == "-";
                ++i;
            }
            if (i >= end)
                return fail(sign ? *sign : *v[end - 1], "nothing after the sign");
            std::size_t stop = product_end(v, i, end);
            auto part = product(v, i, stop);
            if (!part)
                return std::nullopt;
            if (!total)
                total = negative ? sym::make_negation(std::move(*part)) : std::move(*part);
            else if (negative)
                total = sym::make_difference(std::move(*total), std::move(*part));
            else
                total = sym::make_sum({std::move(*total), std::move(*part)});
            i = stop;
        }
        if (!total && end > 0)
            return fail(*v[end - 1], "an empty expression");
        return total;
    }

    std::optional<sym::term> product(const items& v, std::size_t i, std::size_t end) {
        std::optional<sym::term> total;
        while (i < end) {
            if (is_symbol(*v[i], {"\\cdot", "\\times", "*", "\\displaystyle", "\\textstyle"})) {
                ++i;
                continue;
            }
            bool divide = false;
            if (is_symbol(*v[i], {"/"})) {
                divide = true;
                if (++i >= end)
                    return fail(*v[i - 1], "nothing to divide by");
            }
            auto next = factor(v, i, end);
            if (!next)
                return std::nullopt;
            if (!total)
                total = std::move(*next);
            else if (divide)
                total = sym::make_quotient(std::move(*total), std::move(*next));
            else
                total = sym::make_product({std::move(*total), std::move(*next)});
        }
        if (!total)
            return fail(*v[end - 1], "an empty product");
        return total;
    }

    std::optional<sym::term> group_contents(const std::vector<node>& children, const node& at) {
        auto inner = items_of(children);
        if (inner.empty())
            return fail(at, "empty brackets");
        return sum(inner, 0, inner.size());
    }

    // The contents of a bracket at v[i]: (..), [..], \left(..\right), \big[..\big], {..}.
    // Advances i past it; nullopt (without a message) when v[i] is no bracket.
    bool bracket_at(const items& v, std::size_t i, std::size_t end) const {
        if (i >= end)
            return false;
        const node& n = *v[i];
        return opens(n) || n.kind == node_kind::group ||
               (n.kind == node_kind::delimited && in(n.name, {"(", "[", "\\{", "\\lbrace", "."}));
    }
    std::optional<sym::term> bracket(const items& v, std::size_t& i, std::size_t end) {
        const node& n = *v[i];
        if (n.kind == node_kind::group || n.kind == node_kind::delimited) {
            ++i;
            return group_contents(n.children, n);
        }
        std::size_t close = matching(v, i, end);
        if (close == none)
            return fail(n, "the bracket is not closed");
        auto inside = close == i + 1 ? fail(n, "empty brackets") : sum(v, i + 1, close);
        i = close + 1;
        return with_power(std::move(inside), *v[close]);
    }
    // A power written on a closing bracket applies to what the bracket closes.
    std::optional<sym::term> with_power(std::optional<sym::term> t, const node& close) {
        if (!t || close.kind != node_kind::scripted)
            return t;
        auto exponent = close.has_subscript ? std::nullopt : integer(close.superscript);
        if (!exponent)
            return fail(close, "a power that is not an integer");
        return sym::make_power(std::move(*t), *exponent);
    }

    // The items inside the bracket at v[i] (for argument lists), advancing past it.
    std::optional<items> bracket_items(const items& v, std::size_t& i, std::size_t end) {
        const node& n = *v[i];
        if (n.kind == node_kind::delimited || n.kind == node_kind::group) {
            ++i;
            return items_of(n.children);
        }
        std::size_t close = matching(v, i, end);
        if (close == none) {
            fail(n, "the bracket is not closed");
            return std::nullopt;
        }
        items out(v.begin() + static_cast<std::ptrdiff_t>(i + 1),
                  v.begin() + static_cast<std::ptrdiff_t>(close));
        i = close + 1;
        return out;
    }

    std::optional<sym::term> variable_of(const node& item) {
        const node& n = unwrap(item);
        if (n.kind == node_kind::scripted && !n.children.empty()) {
            auto base = state_.symbols.variable_key(word_of(n.children[0]));
            if (!base || n.primes)
                return std::nullopt;
            std::string index;
            if (n.has_subscript && !n.has_superscript) {
                index = word_of(sequence_of(n.subscript));
                // x_{1:T}, x_{0:T}, z_{t-1}: a range or an offset index spelled out.
                if (index.empty()) {
                    index = remark_free_spelling(n.subscript);
                    for (char c : index)
                        if (!std::isalnum(static_cast<unsigned char>(c)) &&
                            !in(std::string(1, c), {":", "-", "+", ","}))
                            index.clear();
                }
            } else if (n.has_superscript && !n.has_subscript) {
                // z^{(1)} is the first draw, the same as z_1.
                auto sup = items_of(n.superscript);
                if (sup.size() == 3 && is_symbol(*sup[0], {"("}) && is_symbol(*sup[2], {")"}))
                    index = word_of(*sup[1]);
            }
            if (index.empty() || index[0] == '\\')
                return std::nullopt;
            // x^{(i)}, x_n: the i-th data point, or the latent of the i-th; the derivation
            // is about one of them, so it is the variable itself.
            if (in(index, {"i", "j", "n"}))
                return state_.symbols.variable(*base);
            return state_.symbols.variable(*base + "_" + index);
        }
        auto key = state_.symbols.variable_key(word_of(n));
        if (!key)
            return std::nullopt;
        return state_.symbols.variable(*key);
    }

    static std::string remark_free_spelling(const std::vector<node>& script) {
        std::string out;
        for (const node* c : items_of(script))
            out += spelled(*c);
        return out;
    }

    static node sequence_of(const std::vector<node>& children) {
        node s;
        s.kind = node_kind::sequence;
        s.children = children;
        return s;
    }

    // p, P, q_\phi, p_{\theta}: a density family, its parameter subscript ignored.
    std::optional<sym::symbol> family_of(const node& item) {
        const node& n = unwrap(item);
        const node& base = n.kind == node_kind::scripted && !n.children.empty() &&
                                   !n.has_superscript && n.primes == 0
                               ? n.children[0]
                               : n;
        std::string w = word_of(base);
        if (w.size() != 1)
            return std::nullopt;
        return state_.symbols.family(w);
    }

    // The density a bare family letter stands for: a guide is of the latent given the
    // observed (when the note has an observed variable), over `over` if given.
    std::optional<sym::term> bare_density(const sym::symbol& family, std::optional<sym::term> over,
                                          const node& at) {
        if (family.role != static_cast<std::uint8_t>(sym::family_role::guide))
            return fail(at, "a model density written without its arguments");
        std::vector<sym::term> given;
        if (state_.guide_form) {
            const sym::term& form = *state_.guide_form;
            for (std::size_t k = form.given; k < form.kids.size(); ++k)
                given.push_back(form.kids[k]);
            if (!over)
                over = form.kids[0];
        } else if (state_.observed_in_note) {
            given.push_back(state_.symbols.variable(state_.symbols.first_observed()));
        }
        if (!over)
            over = state_.symbols.variable(state_.symbols.first_latent());
        return sym::make_density(family, {std::move(*over)}, std::move(given));
    }

    // The arguments of p(x, z | w; \theta), the bracket at v[i].
    std::optional<sym::term> density_arguments(const sym::symbol& family, const items& v,
                                               std::size_t& i, std::size_t end) {
        const node& open = *v[i];
        auto written = bracket_items(v, i, end);
        if (!written)
            return std::nullopt;
        // q(\cdot), q(.): the density with its argument left out, as a bare letter is.
        if (written->size() == 1 && is_symbol(*(*written)[0], {"\\cdot", ".", "\\bullet"}))
            return bare_density(family, std::nullopt, open);
        // p(\mathbf{X, Z}): a font around a list of variables is the list in that font.
        std::optional<items> args(std::in_place);
        for (const node* a : *written) {
            const node& u = *a;
            std::vector<const node*> inside;
            if (u.kind == node_kind::command && is_font(u.name) && u.children.size() == 1)
                inside = items_of(u.children[0].kind == node_kind::group ? u.children[0].children
                                                                         : u.children);
            if (std::none_of(inside.begin(), inside.end(),
                             [](const node* c) { return is_symbol(*c, {","}); })) {
                args->push_back(a);
                continue;
            }
            args->insert(args->end(), inside.begin(), inside.end());
        }
        std::vector<sym::term> sampled, given;
        bool after_bar = false;
        items current;
        auto take = [&]() -> bool {
            if (current.size() != 1) {
                fail(current.empty() ? open : *current[0], "not a variable");
                return false;
            }
            // p(x | \theta) is p_\theta(x): a parameter after the bar is not a variable the
            // density is conditioned on, unless the note draws it somewhere (p(\theta)).
            const std::string word = word_of(*current[0]);
            if (is_parameter_letter(word)) {
                if (state_.observing && !after_bar)
                    state_.random_parameters.emplace(word, state_.block); // the first draw
                if (after_bar && !state_.drawn_by_now(word)) {
                    if (!state_.observing)
                        state_.assume(word + " after a bar read as a parameter (p(x | " + word +
                                      ") is p_" + word + "(x))");
                    current.clear();
                    return true;
                }
            }
            const bool guide_density =
                family.role == static_cast<std::uint8_t>(sym::family_role::guide);
            // An unknown single letter the guide draws or is conditioned on is a variable
            // (q(h | v)): its role is what the guide shows.
            if (state_.observing && guide_density && is_plain_letter(word) &&
                !state_.symbols.variable_key(word) && !family_of(*current[0]))
                state_.inferred_roles |= state_.symbols.infer_role(
                    word, after_bar ? sym::variable_role::observed : sym::variable_role::latent);
            auto var = variable_of(*current[0]);
            if (!var) {
                fail(*current[0], "not a variable");
                return false;
            }
            if (state_.observing && guide_density) {
                const std::string key(var->latex.view());
                if (!state_.symbols.role_fixed(key) && !state_.symbols.role_inferred(key))
                    state_.inferred_roles |= state_.symbols.infer_role(
                        key, after_bar ? sym::variable_role::observed : sym::variable_role::latent);
            }
            (after_bar ? given : sampled).push_back(std::move(*var));
            current.clear();
            return true;
        };
        bool parameters = false;
        for (const node* a : *args) {
            if (parameters)
                break;
            if (is_symbol(*a, {","})) {
                if (!take())
                    return std::nullopt;
            } else if (is_symbol(*a, {";"})) {
                // p(x, z; \theta): what follows the semicolon are parameters.
                if (!take())
                    return std::nullopt;
                parameters = true;
            } else if (is_bar(*a) && !after_bar) {
                if (!take())
                    return std::nullopt;
                after_bar = true;
            } else {
                current.push_back(a);
            }
        }
        if (!parameters && !take())
            return std::nullopt;
        if (state_.observing && family.role == static_cast<std::uint8_t>(sym::family_role::guide) &&
            sampled.size() == 1 &&
            sampled[0].role == static_cast<std::uint8_t>(sym::variable_role::latent)) {
            sym::term form = sym::make_density(family, sampled, given);
            bool counted = false;
            for (auto& f : state_.guide_forms)
                if (sym::compare(f.first, form) == 0) {
                    ++f.second;
                    counted = true;
                }
            if (!counted)
                state_.guide_forms.emplace_back(std::move(form), 1);
        }
        return with_power(sym::make_density(family, std::move(sampled), std::move(given)),
                          *v[i - 1]);
    }

    // A distribution as written under an expectation or inside a KL: q(z|x), q_\phi, p(z).
    std::optional<sym::term> distribution(const items& v, std::optional<sym::term> over,
                                          const node& at) {
        if (v.empty())
            return fail(at, "no distribution");
        auto family = family_of(*v[0]);
        if (!family) {
            std::size_t i = 0;
            auto t = factor(v, i, v.size());
            if (t && i != v.size())
                return fail(*v[i]);
            return t;
        }
        if (v.size() == 1)
            return bare_density(*family, std::move(over), *v[0]);
        std::size_t i = 1;
        if (!bracket_at(v, i, v.size()))
            return fail(*v[1]);
        auto d = density_arguments(*family, v, i, v.size());
        if (d && i != v.size())
            return fail(*v[i]);
        return d;
    }

    static const node* emphasized(const node& n) {
        const node& c = n.kind == node_kind::scripted && !n.children.empty() ? n.children[0] : n;
        if (c.kind == node_kind::command && c.children.size() == 1 &&
            in(c.name, {"underbrace", "overbrace", "underline", "boxed", "smash", "displaystyle"}))
            return &c.children[0];
        return nullptr;
    }

    static const std::vector<node>* expectation_subscript(const node& n) {
        // \mathbb{E}_{..}, E_{..}, \mathop{\mathbb{E}}_{..}
        if (n.kind == node_kind::scripted && !n.children.empty() && n.has_subscript) {
            std::string font;
            if (word_of(n.children[0], &font) == "E")
                return &n.subscript;
        }
        // \mathbb{E_{q}}
        if (n.kind == node_kind::command && n.name == "mathbb" && n.children.size() == 1) {
            const node& inner = unwrap(n.children[0]);
            if (inner.kind == node_kind::scripted && !inner.children.empty() &&
                inner.has_subscript && word_of(inner.children[0]) == "E")
                return &inner.subscript;
        }
        return nullptr;
    }

    std::optional<sym::term> expectation(const items& v, std::size_t& i, std::size_t end,
                                         const std::vector<node>& subscript) {
        const node& at = *v[i];
        ++i;
        auto sub = items_of(subscript);
        std::optional<sym::term> variable;
        items spec = sub;
        for (std::size_t k = 0; k < sub.size(); ++k)
            if (sub[k]->is_relation() && sub[k]->name == "\\sim") {
                if (k != 1 || !(variable = variable_of(*sub[0])))
                    return fail(k == 0 ? *sub[k] : *sub[0], "not a variable");
                spec.assign(sub.begin() + static_cast<std::ptrdiff_t>(k + 1), sub.end());
                break;
            }
        auto density = distribution(spec, variable, at);
        if (!density)
            return std::nullopt;
        if (!variable) {
            if (!density->is(sym::op::density) || density->given == 0)
                return fail(at, "no variable to average over");
            variable = density->kids[0];
            for (std::uint32_t k = 0; k < density->given; ++k)
                if (density->kids[k].role ==
                    static_cast<std::uint8_t>(sym::variable_role::latent)) {
                    variable = density->kids[k];
                    break;
                }
        }
        std::optional<sym::term> body;
        if (bracket_at(v, i, end) && v[i]->kind != node_kind::group) {
            body = bracket(v, i, end);
        } else {
            // \mathbb{E}_q \log p(x, z): the rest of the product is averaged.
            std::size_t stop = product_end(v, i, end);
            if (stop == i)
                return fail(at, "nothing to average");
            body = product(v, i, stop);
            i = stop;
        }
        if (!body)
            return std::nullopt;
        return sym::make_expectation(std::move(*variable), std::move(*density), std::move(*body));
    }

    // A subscript naming the whole space: \mathcal{Z} (the space of the latent z, which
    // becomes the bound variable), \mathbb{R}, \mathbb{R}^d.
    bool whole_space_of(const items& sub, std::optional<sym::term>& bound) {
        if (sub.size() != 1)
            return false;
        const node& s = unwrap(*sub[0]);
        const node& base = s.kind == node_kind::scripted && !s.children.empty() &&
                                   !s.has_subscript && s.has_superscript
                               ? s.children[0]
                               : s;
        std::string font;
        std::string w = word_of(base, &font);
        if (w == "R" && font == "mathbb")
            return true;
        if (&base == &s && w.size() == 1 && in(font, {"mathcal", "mathscr", "mathbb"}) &&
            std::isupper(static_cast<unsigned char>(w[0]))) {
            std::string lower(1, static_cast<char>(std::tolower(static_cast<unsigned char>(w[0]))));
            if (state_.symbols.latent_letter(lower)) {
                bound = state_.symbols.variable(lower);
                return true;
            }
        }
        return false;
    }

    // \mathcal{N}(..) at v[i]: not understood, named with its arguments.
    std::optional<sym::term> gaussian(const items& v, std::size_t i, std::size_t end) {
        const node& at = *v[i];
        std::string construct = spelled(at);
        std::size_t j = i + 1;
        if (v[j]->kind == node_kind::delimited) {
            construct += spelled(*v[j]);
        } else {
            std::size_t close = matching(v, j, end);
            for (std::size_t k = j; k < (close == none ? end : close + 1); ++k)
                construct += spelled(*v[k]);
        }
        return fail_construct(at, construct,
                              "a Gaussian density with its parameters, which terms cannot express");
    }

    // E[..] written without a distribution, in a note with one guide density over its
    // latent: the expectation of the latent under that guide. The body must involve a
    // density, so that E[X] in a general statement (Jensen's inequality) stays unread.
    std::optional<sym::term> guided_expectation(const items& v, std::size_t& i, std::size_t end,
                                                const sym::term& guide) {
        const node& at = *v[i];
        std::size_t j = i + 1;
        std::vector<diagnostic> scratch;
        expression_reader trial(state_, source_, scratch);
        auto body = trial.bracket(v, j, end);
        if (!body || !has_density(*body))
            return fail(at, "an expectation without its distribution");
        ++i;
        body = bracket(v, i, end);
        if (!body)
            return std::nullopt;
        std::string form = std::string(guide.latex.view()) + "(";
        for (std::size_t k = 0; k < guide.kids.size(); ++k) {
            if (k > 0)
                form += k == guide.given ? "|" : ",";
            form += std::string(guide.kids[k].latex.view());
        }
        form += ")";
        state_.assume("E without a distribution read as E over " +
                      std::string(guide.kids[0].latex.view()) + " ~ " + form);
        return sym::make_expectation(guide.kids[0], guide, std::move(*body));
    }

    static bool has_density(const sym::term& t) {
        if (t.is(sym::op::density))
            return true;
        for (const auto& k : t.kids)
            if (has_density(k))
                return true;
        return false;
    }

    // \underbrace{part}_{label}, \overbrace{part}^{label}: the label kept with the part.
    void record_label(const node& n, const sym::term& part) {
        if (!labels_ || n.kind != node_kind::scripted || n.children.empty() ||
            n.children[0].kind != node_kind::command)
            return;
        const std::string& which = n.children[0].name;
        const std::vector<node>* script = nullptr;
        if (which == "underbrace" && n.has_subscript)
            script = &n.subscript;
        else if (which == "overbrace" && n.has_superscript)
            script = &n.superscript;
        if (!script)
            return;
        auto said = items_of(*script);
        if (said.empty())
            return;
        labelled_part out{part,
                          {},
                          n.where,
                          std::nullopt,
                          false,
                          which == "overbrace" ? labelled_part::written::overbrace
                                               : labelled_part::written::underbrace};
        bool one_text = said.size() == 1 && said[0]->kind == node_kind::command &&
                        said[0]->children.size() == 1 &&
                        said[0]->children[0].kind == node_kind::text;
        out.label = one_text ? said[0]->children[0].name : remark_free_spelling(*script);
        while (!out.label.empty() && out.label.back() == ' ')
            out.label.pop_back();
        while (!out.label.empty() && out.label.front() == ' ')
            out.label.erase(out.label.begin());
        // >= 0, \geq 0, \ge 0, "non-negative": a claim that the part is not negative.
        if (said.size() == 2 && said[0]->is_relation() && said[0]->name == ">=" &&
            is_symbol(*said[1], {"0"}))
            out.nonnegative_claim = true;
        if (one_text && in(out.label, {"non-negative", "nonnegative", ">= 0", ">=0"}))
            out.nonnegative_claim = true;
        if (!out.nonnegative_claim) {
            std::vector<diagnostic> scratch;
            expression_reader trial(state_, source_, scratch);
            auto meaning = trial.read(said);
            // A name counts when the note defines it or it is the ELBO; a bare word is prose.
            if (meaning && meaning->is(sym::op::named) && meaning->kids.empty()) {
                auto key = said.size() == 1 ? name_key(*said[0]) : std::nullopt;
                if (!key || !in(*key, {"\\text{ELBO}", "\\mathcal{L}"}))
                    meaning.reset();
            }
            out.label_term = std::move(meaning);
        }
        labels_->push_back(std::move(out));
    }

    // dz, d\mathbf{z}, \mathrm{d}z at v[j]: the variable, or nullopt.
    std::optional<sym::term> differential(const items& v, std::size_t j, std::size_t end) {
        if (j + 1 >= end || word_of(*v[j]) != "d")
            return std::nullopt;
        if (auto known = variable_of(*v[j + 1]))
            return known;
        // d followed by a letter that is no variable of the note (dy where dz was meant):
        // a variable of its own, so that the checker can say the integrand does not mention it.
        const std::string letter = word_of(*v[j + 1]);
        if (letter.size() == 1 && std::isalpha(static_cast<unsigned char>(letter[0])) &&
            std::islower(static_cast<unsigned char>(letter[0])))
            return state_.symbols.variable(letter);
        return std::nullopt;
    }

    std::optional<sym::term> integral(const items& v, std::size_t& i, std::size_t end,
                                      const node* subscript_holder, bool is_sum,
                                      bool whole_line = false) {
        const node& at = *v[i];
        ++i;
        std::optional<sym::term> bound;
        bool whole_space = false;
        if (subscript_holder) {
            auto sub = items_of(subscript_holder->subscript);
            // \int_{\mathcal{Z}}, \int_{\mathbb{R}^d}: the whole space, a plain integral.
            if (!is_sum)
                whole_space = whole_space_of(sub, bound);
            if (!whole_space && (sub.size() != 1 || !(bound = variable_of(*sub[0]))))
                return fail(at, "a range that is not one variable");
        }
        std::size_t stop = product_end(v, i, end);
        if (!is_sum) {
            // \int dz\, f: the measure first.
            if (auto dz = differential(v, i, stop)) {
                auto body = product(v, i + 2, stop);
                i = stop;
                if (!body)
                    return std::nullopt;
                return sym::make_integral(std::move(*dz), std::move(*body));
            }
            int depth = 0;
            for (std::size_t j = i; j < stop; ++j) {
                if (opens(*v[j]))
                    ++depth;
                else if (closes(*v[j]))
                    --depth;
                else if (depth == 0 && j > i)
                    if (auto dz = differential(v, j, stop)) {
                        auto body = product(v, i, j);
                        i = j + 2;
                        if (!body)
                            return std::nullopt;
                        return sym::make_integral(std::move(*dz), std::move(*body));
                    }
            }
        }
        if (stop == i)
            return fail(at, "nothing to integrate");
        auto body = product(v, i, stop);
        i = stop;
        if (!body)
            return std::nullopt;
        if (bound)
            return sym::make_integral(std::move(*bound), std::move(*body));
        // The whole space written as the domain (\int_{\mathbb{R}}, \int_{-\infty}^{\infty})
        // with no differential: the domain says what is integrated over when the integrand
        // leaves one latent variable free, as \int_{\mathcal{Z}} does.
        if ((whole_space || whole_line) && !is_sum) {
            const sym::variable_set free = sym::free_variables(*body);
            std::vector<sym::term> latent;
            auto visit = [&](auto&& self, const sym::term& t) -> void {
                if (t.is(sym::op::variable) &&
                    t.role == static_cast<std::uint8_t>(sym::variable_role::latent) &&
                    free.contains(t.id) &&
                    std::none_of(latent.begin(), latent.end(),
                                 [&](const sym::term& l) { return l.id == t.id; }))
                    latent.push_back(t);
                for (const auto& k : t.kids)
                    self(self, k);
            };
            visit(visit, *body);
            if (latent.size() == 1)
                return sym::make_integral(std::move(latent[0]), std::move(*body));
        }
        if (is_sum)
            return fail(at, "a sum without its variable");
        return sym::make_integral_without_differential(std::move(*body));
    }

    std::optional<sym::term> kl(const items& v, std::size_t& i, std::size_t end) {
        const node& at = *v[i];
        ++i;
        if (!bracket_at(v, i, end))
            return fail(at, "KL without its arguments in brackets");
        auto args = bracket_items(v, i, end);
        if (!args)
            return std::nullopt;
        items first, second;
        bool split = false;
        for (std::size_t k = 0; k < args->size(); ++k) {
            const node& a = *(*args)[k];
            if (!split && is_double_bar(a)) {
                split = true;
                continue;
            }
            // || and \vert\vert alike separate the two densities.
            if (!split && is_bar(a) && k + 1 < args->size() && is_bar(*(*args)[k + 1]) &&
                in(a.name, {"|", "\\vert"}) && in((*args)[k + 1]->name, {"|", "\\vert"})) {
                split = true;
                ++k;
                continue;
            }
            (split ? second : first).push_back(&a);
        }
        if (!split || first.empty() || second.empty())
            return fail(at, "KL without two arguments separated by \\|");
        // A bare letter on one side takes its variables from the other side: in KL(q \| p)
        // a bare model letter is the posterior q approximates, p(z | x), whether the guide is
        // written q(z | x) or q(z); a bare guide letter is over the model density's variables.
        auto as_family = [&](const sym::term& like, const sym::symbol& fam) {
            const sym::term x = state_.symbols.variable(state_.symbols.first_observed());
            std::vector<sym::term> sampled(
                like.kids.begin(), like.kids.begin() + static_cast<std::ptrdiff_t>(like.given));
            bool draws_observed = false;
            for (const auto& v : sampled)
                draws_observed = draws_observed || sym::compare(v, x) == 0;
            if (fam.role == static_cast<std::uint8_t>(sym::family_role::model) &&
                state_.observed_in_note && !draws_observed) {
                return sym::make_density(fam, std::move(sampled), {x});
            }
            sym::term d = like;
            d.id = fam.id;
            d.role = fam.role;
            d.latex = fam.latex;
            d.subscript = fam.subscript;
            return d;
        };
        auto side = [&](const items& s, const items& other) -> std::optional<sym::term> {
            if (s.size() == 1 && family_of(*s[0]) && other.size() != 1) {
                auto o = distribution(other, std::nullopt, at);
                if (!o || !o->is(sym::op::density))
                    return std::nullopt;
                return as_family(*o, *family_of(*s[0]));
            }
            return distribution(s, std::nullopt, at);
        };
        std::optional<sym::term> p, q;
        if (first.size() == 1 && second.size() == 1 && family_of(*first[0]) &&
            family_of(*second[0])) {
            // Both bare: the guide gives the variables, the other side takes them.
            const items& guide_side =
                family_of(*first[0])->role == static_cast<std::uint8_t>(sym::family_role::guide)
                    ? first
                    : second;
            auto g = distribution(guide_side, std::nullopt, at);
            if (!g)
                return std::nullopt;
            auto other = [&](const items& s) -> std::optional<sym::term> {
                if (&s == &guide_side)
                    return g;
                return as_family(*g, *family_of(*s[0]));
            };
            p = other(first);
            q = other(second);
        } else {
            p = side(first, second);
            if (!p)
                return std::nullopt;
            q = side(second, first);
        }
        if (!p || !q)
            return std::nullopt;
        return sym::make_kl(std::move(*p), std::move(*q));
    }

    // H(q), \mathcal{H}[q(z | x)], \mathbb{H}(q_\phi): the entropy of a density,
    // -E_{z ~ q}[log q]; H(q, p) with two densities is the cross-entropy -E_{z ~ q}[log p].
    // Only a density (or a family letter standing for one) makes H an entropy.
    std::optional<sym::term> entropy(const items& v, std::size_t& i, std::size_t end) {
        const node& at = *v[i];
        ++i;
        auto args = bracket_items(v, i, end);
        if (!args)
            return std::nullopt;
        std::vector<items> parts(1);
        for (const node* a : *args) {
            if (is_symbol(*a, {","}))
                parts.emplace_back();
            else
                parts.back().push_back(a);
        }
        if (parts.size() > 2 || parts.front().empty() || parts.back().empty())
            return fail(at, "an entropy of other than one density or two (cross-entropy)");
        auto first = distribution(parts.front(), std::nullopt, at);
        if (!first)
            return std::nullopt;
        if (!first->is(sym::op::density) || first->kids.empty())
            return fail(at, "an entropy of something that is not a density");
        std::optional<sym::term> second = first;
        if (parts.size() == 2) {
            second = distribution(parts.back(), first->kids[0], at);
            if (!second)
                return std::nullopt;
        }
        sym::term over = first->kids[0];
        return sym::make_negation(
            sym::make_expectation(std::move(over), *first, sym::make_log(std::move(*second))));
    }

    std::optional<sym::term> named(const items& v, std::size_t& i, std::size_t end,
                                   const std::string& key) {
        ++i;
        // \mathcal{L}(\theta, \phi), \mathrm{ELBO}(q): the arguments name what it depends on.
        if (i < end && (is_symbol(*v[i], {"("}) ||
                        (v[i]->kind == node_kind::delimited && v[i]->name == "("))) {
            if (!bracket_items(v, i, end))
                return std::nullopt;
        }
        sym::symbol s = state_.symbols.name(key);
        auto def = state_.definitions.find(key);
        if (def != state_.definitions.end())
            return sym::make_named(s, def->second);
        if (key == "\\text{ELBO}")
            if (auto elbo = standard_elbo())
                return sym::make_named(s, std::move(*elbo));
        return sym::make_symbol(sym::op::named, s);
    }

    // The ELBO a note names without defining it is the ELBO of its model and guide,
    // E_{z ~ q}[log p(x, z) / q]: the quantity the word means wherever it is used. Only with
    // one guide form to take it from; the assumption is reported.
    std::optional<sym::term> standard_elbo(bool announce = true) {
        const sym::term* guide = state_.only_guide();
        if (!guide && state_.guide_form)
            guide = &*state_.guide_form;
        if (!guide || guide->kids.empty() || state_.symbols.observed_letters().empty() ||
            state_.symbols.model_letters().empty())
            return std::nullopt;
        auto model = state_.symbols.family(state_.symbols.model_letters().front());
        if (!model)
            return std::nullopt;
        const sym::term x = state_.symbols.variable(state_.symbols.observed_letters().front());
        const sym::term& z = guide->kids[0];
        sym::term joint = sym::make_density(*model, {x, z}, {});
        if (announce)
            state_.assume("ELBO, which the note does not define, read as E_{" +
                          std::string(z.latex.view()) + " ~ " + std::string(guide->latex.view()) +
                          "}[log " + std::string(model->latex.view()) + "(" +
                          std::string(x.latex.view()) + ", " + std::string(z.latex.view()) +
                          ") / " + std::string(guide->latex.view()) + "]");
        return sym::make_expectation(z, *guide,
                                     sym::make_log(sym::make_quotient(std::move(joint), *guide)));
    }

    // log, exp: their argument is the bracket or the one factor after them.
    std::optional<sym::term> function(const items& v, std::size_t& i, std::size_t end, bool is_log,
                                      const node& at) {
        if (i >= end)
            return fail(at, "a function without its argument");
        std::optional<sym::term> argument;
        if (bracket_at(v, i, end) && v[i]->kind != node_kind::group) {
            argument = bracket(v, i, end);
        } else {
            // \log \frac{p(x, z)}{q(z)} \frac{q(z)}{p(z | x)} and \log p(x | z) p(z) are the
            // log of the whole run of densities and fractions, as their authors mean; the run
            // ends at anything else (\log p(x) \int q(z) dz is log p(x) times the integral).
            const bool run = density_or_fraction_at(v, i, end);
            argument = factor(v, i, end);
            while (argument && run && density_or_fraction_at(v, i, end)) {
                auto next = factor(v, i, end);
                if (!next)
                    return std::nullopt;
                argument = sym::make_product({std::move(*argument), std::move(*next)});
            }
        }
        if (!argument)
            return std::nullopt;
        return is_log ? sym::make_log(std::move(*argument)) : sym::make_exp(std::move(*argument));
    }

    // Whether v[i] begins a density applied to its arguments (p(x | z), q_\phi(z)) or a
    // fraction.
    bool density_or_fraction_at(const items& v, std::size_t i, std::size_t end) {
        if (i >= end)
            return false;
        const node& n = unwrap(*v[i]);
        if (n.kind == node_kind::command && in(n.name, {"frac", "dfrac", "tfrac", "cfrac"}))
            return true;
        return family_of(*v[i]).has_value() && bracket_at(v, i + 1, end);
    }

    std::optional<std::int64_t> integer(const std::vector<node>& script) {
        auto s = items_of(script);
        bool negative = false;
        std::size_t k = 0;
        if (!s.empty() && is_symbol(*s[0], {"-"})) {
            negative = true;
            k = 1;
        }
        if (k >= s.size())
            return std::nullopt;
        std::int64_t value = 0;
        for (; k < s.size(); ++k) {
            const std::string& d = s[k]->name;
            if (s[k]->kind != node_kind::symbol || d.empty())
                return std::nullopt;
            for (char c : d) {
                if (!std::isdigit(static_cast<unsigned char>(c)) || value > 100000000)
                    return std::nullopt;
                value = value * 10 + (c - '0');
            }
        }
        return negative ? -value : value;
    }

    static bool is_digits(const node& n) {
        if (n.kind != node_kind::symbol || n.name.empty())
            return false;
        for (char c : n.name)
            if (!std::isdigit(static_cast<unsigned char>(c)))
                return false;
        return true;
    }

    // Consecutive letters spelling `word` (log written without a backslash).
    static bool spells(const items& v, std::size_t i, std::size_t end, std::string_view word) {
        if (i + word.size() > end)
            return false;
        for (std::size_t k = 0; k < word.size(); ++k)
            if (v[i + k]->kind != node_kind::symbol || v[i + k]->name.size() != 1 ||
                v[i + k]->name[0] != word[k])
                return false;
        return true;
    }

    std::optional<sym::term> factor(const items& v, std::size_t& i, std::size_t end) {
        const node& n = *v[i];
        if (is_digits(n)) {
            std::int64_t num = 0, den = 1;
            for (; i < end && is_digits(*v[i]); ++i)
                for (char c : v[i]->name) {
                    if (num > 100000000)
                        return fail(n, "a number too long");
                    num = num * 10 + (c - '0');
                }
            if (i + 1 < end && is_symbol(*v[i], {"."}) && is_digits(*v[i + 1]))
                for (++i; i < end && is_digits(*v[i]); ++i)
                    for (char c : v[i]->name) {
                        if (num > 100000000 || den > 100000000)
                            return fail(n, "a number too long");
                        num = num * 10 + (c - '0');
                        den *= 10;
                    }
            return sym::make_number({num, den});
        }
        if (opens(n) || n.kind == node_kind::group ||
            (n.kind == node_kind::delimited && in(n.name, {"(", "[", "\\{", "\\lbrace", "."})))
            return bracket(v, i, end);
        if (n.kind == node_kind::command && in(n.name, {"frac", "dfrac", "tfrac", "cfrac"}) &&
            n.children.size() == 2) {
            ++i;
            auto top = group_contents(n.children[0].children, n);
            if (!top)
                return std::nullopt;
            auto bottom = group_contents(n.children[1].children, n);
            if (!bottom)
                return std::nullopt;
            return sym::make_quotient(std::move(*top), std::move(*bottom));
        }
        if (const auto* sub = expectation_subscript(n))
            return expectation(v, i, end, *sub);
        // \underbrace{..}_{\text{reconstruction}}, \underline{..}: emphasis, not meaning.
        if (const node* inside = emphasized(n)) {
            ++i;
            auto part = group_contents(inside->children, n);
            if (part)
                record_label(n, *part);
            return part;
        }
        std::string font;
        std::string word = word_of(n, &font);
        if (n.kind == node_kind::scripted && !n.children.empty()) {
            const node& base = n.children[0];
            std::string base_font;
            std::string base_word = word_of(base, &base_font);
            if (n.has_subscript && !n.has_superscript && base_word == "D" &&
                word_of(sequence_of(n.subscript)) == "KL")
                return kl(v, i, end);
            if (in(base_word, {"\\int", "\\sum"}) && !n.has_superscript)
                return integral(v, i, end, n.has_subscript ? &n : nullptr, base_word == "\\sum");
            // \int_{-\infty}^{\infty} f dz: over the whole line, as an unlimited integral is.
            if (base_word == "\\int" && n.has_subscript && n.has_superscript &&
                remark_free_spelling(n.subscript) == "-\\infty" &&
                in(remark_free_spelling(n.superscript), {"\\infty", "+\\infty"}))
                return integral(v, i, end, nullptr, false, true);
            if (base_word == "\\int" && n.has_superscript)
                return fail(n, "an integral over limits that are not the whole space");
            if (base_word == "e" && n.has_superscript && !n.has_subscript) {
                ++i;
                auto power = group_contents(n.superscript, n);
                if (!power)
                    return std::nullopt;
                return sym::make_exp(std::move(*power));
            }
            if (auto key = name_key(n))
                return named(v, i, end, *key);
            if (auto var = variable_of(n)) {
                ++i;
                return var;
            }
            if (n.has_subscript && !n.has_superscript) {
                if (auto family = family_of(n)) {
                    ++i;
                    if (!bracket_at(v, i, end) || v[i]->kind == node_kind::group)
                        return fail(n, "a density without its arguments");
                    return density_arguments(*family, v, i, end);
                }
            }
            if (n.has_superscript && !n.has_subscript && n.primes == 0) {
                auto exponent = integer(n.superscript);
                if (!exponent)
                    return fail(n, "a power that is not an integer");
                items base_only{&base};
                std::size_t k = 0;
                auto b = factor(base_only, k, 1);
                if (!b)
                    return std::nullopt;
                ++i;
                // p(x)^2 is written with the power on the closing bracket: not handled.
                return sym::make_power(std::move(*b), *exponent);
            }
            return fail(n);
        }
        // Log and log alike: some authors capitalize the function (Log(p(x))).
        if (in(word, {"\\log", "\\ln", "log", "ln", "Log"}) ||
            (word.empty() && (spells(v, i, end, "log") || spells(v, i, end, "Log")))) {
            i += word.empty() ? 3 : 1;
            return function(v, i, end, true, n);
        }
        if (in(word, {"\\exp", "exp"}) || (word.empty() && spells(v, i, end, "exp"))) {
            i += word.empty() ? 3 : 1;
            return function(v, i, end, false, n);
        }
        if ((word == "l" && spells(v, i, end, "log")) ||
            (word == "L" && spells(v, i, end, "Log"))) {
            i += 3;
            return function(v, i, end, true, n);
        }
        if (word == "e" && spells(v, i, end, "exp")) {
            i += 3;
            return function(v, i, end, false, n);
        }
        if (word == "KL" || word == "\\KL")
            return kl(v, i, end);
        if (word == "K" && spells(v, i, end, "KL"))
            return ++i, kl(v, i, end);
        if (in(word, {"\\int", "\\sum"}))
            return integral(v, i, end, nullptr, word == "\\sum");
        if (word == "E" && spells(v, i, end, "ELBO")) {
            i += 3;
            return named(v, i, end, "\\text{ELBO}");
        }
        bool bracket_follows =
            i + 1 < end && bracket_at(v, i + 1, end) && v[i + 1]->kind != node_kind::group;
        // \mathcal{N}(z; \mu, \sigma^2): terms have no Gaussian; one message for all of it.
        if (word == "N" && bracket_follows && in(font, {"", "mathcal", "mathscr", "mathrm"}))
            return gaussian(v, i, end);
        // The entropy H(q): H written plainly or in a calligraphic, blackboard or roman font,
        // followed by its bracket.
        if (word == "H" && bracket_follows &&
            in(font, {"", "mathcal", "mathbb", "mathrm", "mathscr", "operatorname"}))
            return entropy(v, i, end);
        // \mathbb{E}[..] with no distribution: over the latent under the note's one guide.
        if (word == "E" && bracket_follows && !state_.observing)
            if (const sym::term* guide = state_.only_guide())
                return guided_expectation(v, i, end, *guide);
        if (auto key = name_key(n))
            return named(v, i, end, *key);
        // A letter the note defines (R = ..., read before anything else).
        if (is_plain_letter(word) && font.empty() && state_.definitions.count(word) &&
            !state_.symbols.variable_key(word) && !state_.symbols.is_family_letter(word))
            return named(v, i, end, word);
        if (auto family = family_of(n)) {
            if (bracket_follows) {
                ++i;
                return density_arguments(*family, v, i, end);
            }
        }
        if (auto var = variable_of(n)) {
            ++i;
            return var;
        }
        return fail(n);
    }

    note_state& state_;
    const source_text& source_;
    std::vector<diagnostic>& diagnostics_;
    std::vector<labelled_part>* labels_ = nullptr;
};

// A part of a row between relations, with the author's remarks taken out.
struct link {
    std::string relation; // canonical; "" for the first part of a row
    const node* relation_node = nullptr;
    const node* relation_base = nullptr;
    std::vector<const node*> items;
    std::string annotation;
    source_position where;
};

// \text{..} in math: a function name (log), a named quantity (ELBO, evidence) or a remark.
inline bool is_text_item(const node& n) {
    return n.kind == node_kind::command && n.children.size() == 1 &&
           n.children[0].kind == node_kind::text &&
           !in(word_of(n), {"log", "ln", "exp", "KL", "E", "d"});
}

inline void add_annotation(std::string& to, const std::string& text) {
    if (text.empty())
        return;
    if (!to.empty())
        to += "; ";
    to += text;
}

// A remark as text: \text{..} gives its words, anything else its LaTeX.
inline std::string remark_text(const std::vector<const node*>& items) {
    std::string out;
    for (const node* item : items) {
        const node* n = &unwrap(*item);
        std::string piece = n->kind == node_kind::command && n->children.size() == 1 &&
                                    n->children[0].kind == node_kind::text
                                ? n->children[0].name
                                : spelled(*n);
        if (!out.empty() && !piece.empty() && piece[0] != ' ' && out.back() != ' ')
            out += ' ';
        out += piece;
    }
    while (!out.empty() && out.back() == ' ')
        out.pop_back();
    while (!out.empty() && out.front() == ' ')
        out.erase(out.begin());
    return out;
}

// Text that cannot be a quantity: words with spaces or punctuation.
inline bool is_remark(const node& n) {
    return is_text_item(n) && !expression_reader::name_key(n);
}

inline bool is_operator(const node& n) {
    return is_symbol(n, {"+", "-", "\\cdot", "\\times", "/", "*"});
}

// An equation number as authors type it by hand: (2), (4.1), (A.3), [7], (*).
inline bool is_equation_number(const std::vector<node>& children, std::size_t j) {
    auto label_word = [](const std::string& w) {
        if (w.empty() || w.size() > 8)
            return false;
        bool digit = false;
        for (char c : w) {
            digit = digit || std::isdigit(static_cast<unsigned char>(c));
            if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '*')
                return false;
        }
        return digit || w == "*";
    };
    const node& n = children[j];
    if (n.kind == node_kind::delimited && in(n.name, {"(", "["}) && j + 1 == children.size()) {
        std::string w;
        for (const node* c : items_of(n.children))
            w += spelled(*c);
        return label_word(w);
    }
    if (!is_symbol(n, {"(", "["}))
        return false;
    std::string w;
    for (std::size_t k = j + 1; k < children.size(); ++k) {
        if (is_symbol(children[k], {")", "]"}))
            return k + 1 == children.size() && label_word(w);
        w += spelled(children[k]);
    }
    return false;
}

// \quad or \qquad followed by \text, or by an equation number at the end of the row: the
// rest of the row is the author's remark, whatever math it holds
// (\quad \text{(} \int q = 1 \text{)}, \quad (2)).
inline bool opens_remark(const std::vector<node>& children, std::size_t k) {
    const node& n = children[k];
    if (n.kind != node_kind::spacing || !in(n.name, {"\\quad", "\\qquad"}))
        return false;
    for (std::size_t j = k + 1; j < children.size(); ++j) {
        if (children[j].kind == node_kind::spacing)
            continue;
        // A coloured remark, \quad \textcolor{blue}{\text{..}}, is a group holding the text.
        return is_text_item(unwrap(children[j])) || is_equation_number(children, j);
    }
    return false;
}

inline std::vector<link> links_of(const row& r) {
    std::vector<link> links(1);
    links[0].where = r.where;
    std::vector<const node*> remark;
    bool in_remark = false;
    for (const auto& cell : r.cells)
        for (std::size_t k = 0; k < cell.children.size(); ++k) {
            const node& item = cell.children[k];
            if (!in_remark && opens_remark(cell.children, k))
                in_remark = true;
            if (in_remark) {
                if (item.kind != node_kind::spacing)
                    remark.push_back(&item);
                continue;
            }
            if (const node* rel = as_relation(item)) {
                link next;
                next.relation = rel->name;
                next.relation_node = &item;
                next.relation_base = rel;
                next.where = item.where;
                // \stackrel{\text{Jensen}}{\geq}: the remark over the relation.
                if (&item != rel && !item.children.empty()) {
                    std::string said = word_of(item.children[0]);
                    add_annotation(next.annotation,
                                   said.empty() ? remark_text(items_of(item.children[0].children))
                                                : said);
                }
                links.push_back(std::move(next));
                continue;
            }
            if (item.kind == node_kind::spacing)
                continue;
            if (links.back().items.empty() && links.size() == 1)
                links.back().where = item.where;
            links.back().items.push_back(&item);
        }
    for (auto& l : links) {
        // \because and what follows is the author's reason.
        for (std::size_t k = 0; k < l.items.size(); ++k)
            if (is_symbol(*l.items[k], {"\\because", "\\therefore"})) {
                add_annotation(l.annotation,
                               remark_text({l.items.begin() + static_cast<std::ptrdiff_t>(k + 1),
                                            l.items.end()}));
                l.items.resize(k);
                break;
            }
        // Trailing remarks (\quad \text{by Jensen}), punctuation, and brackets left empty
        // by a removed remark: (\text{Jensen}). A \text in the middle of the math stays, to
        // be reported as not understood.
        std::vector<const node*> trailing;
        bool changed = true;
        while (changed && !l.items.empty()) {
            changed = false;
            const node& last = *l.items.back();
            std::size_t size = l.items.size();
            // A text after math that it is not an operand of (\quad \text{by Jensen}).
            bool trailing_text = is_text_item(last) && size >= 2 &&
                                 !is_operator(*l.items[size - 2]) &&
                                 !l.items[size - 2]->is_relation();
            if (is_symbol(last, {",", ".", ";"})) {
                l.items.pop_back();
                changed = true;
            } else if (is_remark(last) || trailing_text) {
                trailing.insert(trailing.begin(), &last);
                l.items.pop_back();
                changed = true;
            } else if (size >= 3 && closes(last) && last.kind == node_kind::symbol &&
                       is_text_item(*l.items[size - 2]) && opens(*l.items[size - 3])) {
                trailing.insert(trailing.begin(), l.items[size - 2]);
                l.items.resize(size - 3);
                changed = true;
            } else if (size >= 2 && closes(last) && last.kind == node_kind::symbol &&
                       opens(*l.items[size - 2])) {
                l.items.resize(size - 2);
                changed = true;
            } else if (size >= 2 && last.kind == node_kind::delimited &&
                       !items_of(last.children).empty() && [&] {
                           for (const node* c : items_of(last.children))
                               if (!is_text_item(*c))
                                   return false;
                           return true;
                       }()) {
                auto inner = items_of(last.children);
                trailing.insert(trailing.begin(), inner.begin(), inner.end());
                l.items.pop_back();
                changed = true;
            }
        }
        add_annotation(l.annotation, remark_text(trailing));
    }
    add_annotation(links.back().annotation, remark_text(remark));
    return links;
}

inline std::vector<const row*> rows_in(const node& tree) {
    const node* piece = &tree;
    for (int depth = 0; depth < 8; ++depth) {
        const auto& rs = rows_of(*piece);
        if (rs.size() == 1 && rs[0].cells.size() == 1) {
            auto only = items_of(rs[0].cells[0].children);
            if (only.size() == 1 && only[0]->kind == node_kind::environment) {
                piece = only[0];
                continue;
            }
        }
        std::vector<const row*> out;
        for (const auto& r : rs)
            out.push_back(&r);
        return out;
    }
    return {};
}

inline bool mentions(const node& n, const symbol_table& symbols, const meaning_context& context) {
    if (n.kind == node_kind::symbol) {
        auto key = symbols.variable_key(n.name);
        if (key && contains(context.observed, *key))
            return true;
    }
    auto any = [&](const std::vector<node>& ns) {
        for (const auto& c : ns)
            if (mentions(c, symbols, context))
                return true;
        return false;
    };
    if (any(n.children) || any(n.subscript) || any(n.superscript))
        return true;
    for (const auto& r : n.rows)
        if (any(r.cells))
            return true;
    return false;
}

inline std::string trimmed_step_text(std::string s) {
    auto strip_end = [&](std::string_view suffix) {
        if (s.size() >= suffix.size() &&
            s.compare(s.size() - suffix.size(), suffix.size(), suffix.data(), suffix.size()) == 0) {
            s.resize(s.size() - suffix.size());
            return true;
        }
        return false;
    };
    bool changed = true;
    while (changed) {
        changed = false;
        while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) {
            s.pop_back();
            changed = true;
        }
        changed |= strip_end("\\\\") || strip_end("&");
        auto end_env = s.rfind("\\end{");
        if (end_env != std::string::npos && s.back() == '}' &&
            s.find('}', end_env) == s.size() - 1) {
            s.resize(end_env);
            changed = true;
        }
    }
    return s;
}

// Inline math that stands alone on its own lines ($ on a line of its own, or a list item
// holding only math: "2. $...$") is set as a display by its author and is read as one.
// Before its opening delimiter on that line there may be only spaces and a list marker
// (-, *, +, 1., 2)); after its closing delimiter on that line only spaces. Inline math
// inside a sentence stays inline.
// Whether the words just before a piece of inline math make it a condition or a choice
// rather than a claim: "equality holds when $q = p$", "let $z = g(\epsilon)$".
inline bool introduced_as_condition(const std::string& text, const math_piece& piece) {
    std::size_t end = std::min(piece.offset, text.size());
    while (end > 0 && (text[end - 1] == '$' || text[end - 1] == '(' || text[end - 1] == '[' ||
                       text[end - 1] == '\\'))
        --end;
    while (end > 0 && std::isspace(static_cast<unsigned char>(text[end - 1])))
        --end;
    std::size_t begin = end;
    while (begin > 0 && std::isalpha(static_cast<unsigned char>(text[begin - 1])))
        --begin;
    std::string word = text.substr(begin, end - begin);
    for (char& c : word)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return in(word,
              {"when",     "whenever", "if",        "iff",    "unless",   "until",   "assume",
               "assuming", "suppose",  "supposing", "let",    "set",      "setting", "where",
               "with",     "given",    "for",       "choose", "choosing", "take",    "taking"});
}

// The role the words right around a piece of inline math give it: "the latent variables $h$",
// "$v$ is the observed data", "隐变量 $h$". Only the clause the math is in counts (cut at a
// comma, a stop, a colon or other math); nothing when it names both roles or neither.
inline std::optional<sym::variable_role> role_named_around(const std::string& text,
                                                           const math_piece& piece) {
    auto is_cut = [](char c) { return in(std::string(1, c), {"$", ",", ".", ";", ":", "\n"}); };
    std::size_t open = std::min(piece.offset, text.size());
    while (open > 0 && (text[open - 1] == '$' || text[open - 1] == '(' || text[open - 1] == '\\'))
        --open;
    std::size_t close = std::min(piece.offset + piece.latex.size(), text.size());
    while (close < text.size() && (text[close] == '$' || text[close] == ')' || text[close] == '\\'))
        ++close;
    std::size_t from = open;
    while (from > 0 && open - from < 40 && !is_cut(text[from - 1]))
        --from;
    std::size_t to = close;
    while (to < text.size() && to - close < 40 && !is_cut(text[to]))
        ++to;
    auto lowered = [](std::string w) {
        for (char& c : w)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return w;
    };
    // "the hidden units $h$ and $v$ the observed data": "and" ends a clause too.
    std::string before = lowered(text.substr(from, open - from));
    std::string after = lowered(text.substr(close, to - close));
    for (std::string_view conjunction : {" and ", " or ", " while ", " whereas ", "和", "与"}) {
        if (auto at = before.rfind(conjunction); at != std::string::npos)
            before.erase(0, at + conjunction.size());
        if (auto at = after.find(conjunction); at != std::string::npos)
            after.erase(at);
    }
    const std::string words = before + " " + after;
    auto names = [&](std::initializer_list<std::string_view> list) {
        return std::any_of(list.begin(), list.end(),
                           [&](std::string_view w) { return words.find(w) != std::string::npos; });
    };
    const bool latent = names({"latent", "hidden", "unobserved", "潜在", "隐变量", "隐藏", "잠재"});
    const bool observed = names({"observed", "observation", "data", "観測", "观测", "관측"});
    if (latent == observed)
        return std::nullopt;
    return latent ? sym::variable_role::latent : sym::variable_role::observed;
}

// Whether a piece of math stands alone on its lines: nothing but spaces and at most one list
// marker (-, *, +, 2., 2)) before its opening delimiter on that line, and nothing but spaces
// after its closing one.
inline bool stands_alone(const math_piece& piece, const source_text& source,
                         std::string_view closing) {
    const std::string& text = source.text();
    std::size_t opening = opening_of(piece.delimiter).size();
    std::size_t close = piece.offset + piece.latex.size();
    if (piece.offset < opening || close > text.size() ||
        text.compare(close, closing.size(), closing.data(), closing.size()) != 0)
        return false;
    std::size_t begin = piece.offset - opening;
    std::size_t line = begin;
    while (line > 0 && text[line - 1] != '\n')
        --line;
    std::string_view before(text.data() + line, begin - line);
    std::size_t k = 0;
    while (k < before.size() && (before[k] == ' ' || before[k] == '\t'))
        ++k;
    if (k < before.size() && in(before.substr(k, 1), {"-", "*", "+"})) {
        ++k;
    } else if (k < before.size() && std::isdigit(static_cast<unsigned char>(before[k]))) {
        while (k < before.size() && std::isdigit(static_cast<unsigned char>(before[k])))
            ++k;
        if (k >= before.size() || (before[k] != '.' && before[k] != ')'))
            return false;
        ++k;
    }
    for (; k < before.size(); ++k)
        if (before[k] != ' ' && before[k] != '\t')
            return false;
    for (std::size_t j = close + closing.size(); j < text.size() && text[j] != '\n'; ++j)
        if (!std::isspace(static_cast<unsigned char>(text[j])))
            return false;
    return true;
}

// Inline math set alone on its lines is read as a display.
inline bool acts_as_display(const math_block& block, const source_text& source) {
    const math_piece& piece = block.piece;
    if (piece.style == math_style::display)
        return true;
    std::string_view closing;
    switch (piece.delimiter) {
    case math_delimiter::dollar:
        closing = "$";
        break;
    case math_delimiter::parenthesis:
        closing = "\\)";
        break;
    case math_delimiter::escaped_parenthesis:
        closing = "\\\\)";
        break;
    default:
        return false;
    }
    bool blank = true;
    for (char c : piece.latex)
        blank = blank && std::isspace(static_cast<unsigned char>(c));
    if (blank)
        return false;
    return stands_alone(piece, source, closing);
}

// Display math inside a sentence ("a density $$q(z)$$ is fitted", as kramdown writes inline
// math) is not set alone: an expression there is mentioned, not a step restating a chain.
inline bool display_set_alone(const math_block& block, const source_text& source) {
    switch (block.piece.delimiter) {
    case math_delimiter::double_dollar:
        return stands_alone(block.piece, source, "$$");
    case math_delimiter::bracket:
        return stands_alone(block.piece, source, "\\]");
    case math_delimiter::escaped_bracket:
        return stands_alone(block.piece, source, "\\\\]");
    default:
        return true;
    }
}

// The number of the numbered list item ("2. Split the log:") that opens between `from`
// and `to` in a source, the last one if several; 0 when none does.
inline long list_number_between(const std::string& text, std::size_t from, std::size_t to) {
    long number = 0;
    to = std::min(to, text.size());
    for (std::size_t line = from; line < to;) {
        if (line == 0 || text[line - 1] == '\n') {
            std::size_t k = line;
            while (k < to && (text[k] == ' ' || text[k] == '\t'))
                ++k;
            long value = 0;
            std::size_t digits = 0;
            while (k < to && std::isdigit(static_cast<unsigned char>(text[k])) && digits < 6) {
                value = value * 10 + (text[k] - '0');
                ++k;
                ++digits;
            }
            if (digits > 0 && k + 1 < text.size() && (text[k] == '.' || text[k] == ')') &&
                (text[k + 1] == ' ' || text[k + 1] == '\t'))
                number = value;
        }
        std::size_t next = text.find('\n', line);
        if (next == std::string::npos)
            break;
        line = next + 1;
    }
    return number;
}

} // namespace meaning_detail

// Reads every display row of a note into chains of steps.
inline note_meaning understand_note(const note& n, const meaning_context& context = {}) {
    using namespace meaning_detail;
    note_meaning out;
    note_state state(context);
    for (const auto& block : n.math)
        if (mentions(block.tree, state.symbols, context)) {
            state.observed_in_note = true;
            break;
        }

    // What the prose says a letter is ("the latent variables $h$"), for letters the roles do
    // not list: read first, so the guide's notation below can only add to it.
    for (const auto& block : n.math) {
        if (block.piece.style == math_style::display)
            continue;
        const auto rows = rows_in(block.tree);
        if (rows.size() != 1 || rows[0]->cells.size() != 1)
            continue;
        const auto items = items_of(rows[0]->cells[0].children);
        if (items.size() != 1)
            continue;
        const std::string letter = word_of(unwrap(*items[0]));
        if (!is_plain_letter(letter) || state.symbols.variable_key(letter) ||
            state.symbols.is_family_letter(letter) ||
            in(letter, {"i", "j", "k", "n", "N", "K", "T"}))
            continue;
        if (auto role = role_named_around(n.source_of(block).text(), block.piece);
            role && state.symbols.infer_role(letter, *role))
            state.assume(letter + (*role == sym::variable_role::latent
                                       ? " read as latent: the prose calls it latent"
                                       : " read as observed: the prose calls it observed"));
    }

    // How the note writes its guide, from every piece of math, before anything is read.
    std::vector<diagnostic> ignored;
    state.observing = true;
    auto observe_every_block = [&] {
        for (const auto& block : n.math) {
            state.block = static_cast<std::size_t>(&block - n.math.data());
            expression_reader reader(state, n.source_of(block), ignored);
            for (const row* r : rows_in(block.tree))
                for (const auto& part : links_of(*r))
                    reader.read(part.items);
        }
    };
    observe_every_block();
    if (state.inferred_roles) {
        state.symbols.forget_variables();
        state.guide_forms.clear();
        state.random_parameters.clear();
        observe_every_block();
        for (const auto& [key, role] : state.symbols.inferred_roles_list())
            state.assume(key + (role == sym::variable_role::latent
                                    ? " read as latent: the guide draws it"
                                    : " read as observed: the guide is conditioned on it"));
    }
    state.observing = false;
    state.settle_guide_form();
    ignored.clear();

    // Definitions first, so that a name used before its definition still carries it:
    // := and \equiv anywhere, then = where the left side is the name alone.
    for (int pass = 0; pass < 2; ++pass)
        for (const auto& block : n.math)
            for (const row* r : rows_in(block.tree)) {
                state.block = static_cast<std::size_t>(&block - n.math.data());
                auto links = links_of(*r);
                // The name alone, or with what it depends on: \mathcal{L}(\theta, \phi) :=
                if (links.size() < 2 || links[0].items.empty() ||
                    (links[0].items.size() > 1 &&
                     !(links[0].items.size() >= 3 && is_symbol(*links[0].items[1], {"("}) &&
                       is_symbol(*links[0].items.back(), {")"})) &&
                     !(links[0].items.size() == 2 &&
                       links[0].items[1]->kind == node_kind::delimited)))
                    continue;
                auto key = expression_reader::name_key(*links[0].items[0]);
                // A letter alone on the left that plays no role in the note (R = log p(x) -
                // ELBO, C := ...) names what it is set to; with arguments (f(x) = ..) it is a
                // function, which terms do not have.
                if (!key && links[0].items.size() == 1) {
                    const std::string letter = word_of(*links[0].items[0]);
                    if (is_plain_letter(letter) && !state.symbols.variable_key(letter) &&
                        !state.symbols.is_family_letter(letter))
                        key = letter;
                }
                bool defining =
                    pass == 0 ? in(links[1].relation, {":=", "\\equiv"}) : links[1].relation == "=";
                if (!key || !defining || state.definitions.count(*key))
                    continue;
                expression_reader reader(state, n.source_of(block), ignored);
                if (auto t = reader.read(links[1].items)) {
                    state.definitions.emplace(*key, std::move(*t));
                    state.definition_rows.emplace(*key, r);
                }
            }

    // Chains are built in place in out.chains; `current` is the one rows add to. A display
    // block that begins with a relation continues the latest chain whose last term was
    // understood, so an aside between two steps (a general statement of Jensen's
    // inequality in its own block) does not cut the derivation it interrupts.
    std::optional<std::size_t> current, resumable, previous_block;
    // A block that ends on a relation with nothing after it ("... \\geq E[..] =" and the next
    // block "= ..."): the chain it belongs to, and the relation, which the next block's first
    // expression completes.
    struct dangling_relation {
        std::size_t chain;
        sym::relation relation;
    };
    std::optional<dangling_relation> dangling;
    auto start_chain = [&](source_position where, std::optional<sym::term> start) {
        out.chains.emplace_back();
        out.chains.back().where = where;
        out.chains.back().start = std::move(start);
        current = out.chains.size() - 1;
    };
    auto last_understood = [&](const chain& c) {
        return c.steps.empty() ? c.start.has_value() : c.steps.back().next.has_value();
    };
    // Numbered steps ("1. Rewrite ...:", "2. Split ...:"): the chain the math under each
    // item went into, so that a lone expression under item k restates the chain of item
    // k - 1 even when an aside in its own block came between.
    std::map<long, std::size_t> numbered;
    // The previous display block: its source and where it ended, for the prose between.
    std::optional<std::size_t> previous_source;
    std::size_t previous_end = 0;
    for (const auto& block : n.math) {
        state.block = static_cast<std::size_t>(&block - n.math.data());
        const source_text& source = n.source_of(block);
        if (!acts_as_display(block, source))
            continue;
        std::size_t opening = opening_of(block.piece.delimiter).size();
        std::size_t block_begin = block.piece.offset >= opening ? block.piece.offset - opening : 0;
        long number = list_number_between(
            source.text(), previous_source == block.piece.source ? previous_end : 0, block_begin);
        previous_source = block.piece.source;
        previous_end = block.piece.offset + block.piece.latex.size();
        // The chain the previous display block went into, for a block restating its left side.
        std::optional<std::size_t> previous_chain = previous_block;
        expression_reader reader(state, source, out.diagnostics);
        auto rows = rows_in(block.tree);
        bool first_row = true;
        for (std::size_t k = 0; k < rows.size(); ++k) {
            const row& r = *rows[k];
            if (r.empty())
                continue;
            ++out.display_rows;
            auto links = links_of(r);
            bool continues = links[0].items.empty() && links.size() > 1;
            if (first_row && continues)
                current = resumable;
            std::optional<std::size_t> restates = previous_block;
            if (number > 1) {
                auto item = numbered.find(number - 1);
                if (item != numbered.end() && last_understood(out.chains[item->second]))
                    restates = item->second;
            }
            // Math set alone with single dollars restates a chain only as a numbered step;
            // otherwise it is a quantity named in passing ("the integral: $..$", a list of
            // the densities to find), not a new form of the derivation.
            bool may_restate =
                (block.piece.style == math_style::display && display_set_alone(block, source)) ||
                number > 0;
            if (first_row && rows.size() == 1 && links.size() == 1 && restates && may_restate &&
                !dangling) {
                std::vector<labelled_part> labels;
                reader.collect_labels(&labels);
                auto next = reader.read(links[0].items);
                reader.collect_labels(nullptr);
                chain_step step;
                step.implicit = true;
                step.file = source.name();
                step.cell = source.cell();
                step.cell = source.cell();
                step.where = links[0].where;
                step.latex = trimmed_step_text(block.piece.latex);
                while (!step.latex.empty() &&
                       std::isspace(static_cast<unsigned char>(step.latex[0])))
                    step.latex.erase(step.latex.begin());
                step.annotation = links[0].annotation;
                step.understood = next.has_value();
                step.next = std::move(next);
                step.labels = std::move(labels);
                ++out.steps;
                out.understood_steps += step.understood;
                out.understood_rows += step.understood;
                current = restates;
                out.chains[*current].steps.push_back(std::move(step));
                first_row = false;
                continue;
            }
            bool block_start = first_row;
            first_row = false;
            // The first expression of a block completes the relation the previous one ended on.
            std::optional<dangling_relation> completes;
            if (block_start && dangling && !continues)
                completes = dangling;
            if (block_start && dangling && continues)
                current = dangling->chain;
            if (block_start)
                dangling.reset();
            // Whether this is the last row with anything in it, whose last relation may dangle.
            bool last_row = true;
            for (std::size_t j = k + 1; j < rows.size(); ++j)
                last_row = last_row && rows[j]->empty();
            std::size_t row_end = k + 1 < rows.size()
                                      ? offset_of(source, rows[k + 1]->where)
                                      : block.piece.offset + block.piece.latex.size();
            bool row_understood = true;
            bool restated = false;
            if (completes) {
                std::vector<labelled_part> labels;
                reader.collect_labels(&labels);
                auto next = reader.read(links[0].items);
                reader.collect_labels(nullptr);
                chain& c = out.chains[completes->chain];
                chain_step step;
                step.relation = completes->relation;
                step.file = source.name();
                step.cell = source.cell();
                step.cell = source.cell();
                step.where = links[0].where;
                step.labels = std::move(labels);
                std::size_t from = offset_of(source, links[0].where);
                std::size_t to = links.size() > 1 ? offset_of(source, links[1].where) : row_end;
                if (to > from && to <= source.text().size())
                    step.latex = trimmed_step_text(source.text().substr(from, to - from));
                step.understood = next.has_value() && last_understood(c);
                step.next = std::move(next);
                row_understood = step.understood;
                ++out.steps;
                out.understood_steps += step.understood;
                c.steps.push_back(std::move(step));
                current = completes->chain;
            } else if (!continues) {
                std::vector<labelled_part> labels;
                reader.collect_labels(&labels);
                auto start = reader.read(links[0].items);
                reader.collect_labels(nullptr);
                row_understood = start.has_value();
                // L = R_1 ... after a block whose chain of equalities began at the same L:
                // the author writes the left side again and goes on with the same
                // derivation, so the chain's last term relates to R_1.
                const chain* before = previous_chain ? &out.chains[*previous_chain] : nullptr;
                restated = block_start && start && links.size() > 1 && before && before->start &&
                           !in(links[1].relation, {":=", "\\equiv", "=:"}) &&
                           sym::compare(*before->start, *start) == 0 && [&] {
                               // Only a chain of equalities ends at a term equal to L.
                               for (const auto& st : before->steps)
                                   if (st.relation != sym::relation::eq || st.approximation)
                                       return false;
                               return true;
                           }();
                if (restated) {
                    current = previous_chain;
                } else {
                    // The note's definition of the ELBO claims that what it defines is the
                    // evidence lower bound of its model and guide: tested like a label.
                    if (auto key = links.size() > 1 && !links[0].items.empty()
                                       ? expression_reader::name_key(*links[0].items[0])
                                       : std::nullopt;
                        key && *key == "\\text{ELBO}" && state.definition_rows.count(*key) &&
                        state.definition_rows.at(*key) == &r)
                        if (auto standard = reader.elbo_of_note())
                            labels.push_back({state.definitions.at(*key), "ELBO", links[1].where,
                                              std::move(standard), false,
                                              labelled_part::written::definition});
                    start_chain(links[0].where, std::move(start));
                    out.chains.back().labels = std::move(labels);
                }
            } else if (!current) {
                start_chain(links[1].where, std::nullopt);
            }
            for (std::size_t l = 1; l < links.size(); ++l) {
                const link& part = links[l];
                std::vector<labelled_part> labels;
                reader.collect_labels(&labels);
                auto term = reader.read(part.items);
                reader.collect_labels(nullptr);
                if (part.items.empty() && last_row && l + 1 == links.size() && current &&
                    in(part.relation, {"=", ">=", "<="})) {
                    dangling =
                        dangling_relation{*current, part.relation == "="    ? sym::relation::eq
                                                    : part.relation == ">=" ? sym::relation::ge
                                                                            : sym::relation::le};
                    continue;
                }
                if (part.items.empty()) {
                    const node& at = part.relation_base ? *part.relation_base : r.cells[0];
                    out.diagnostics.push_back(make_diagnostic(
                        source, part.where, spelled(at),
                        "not understood: " + shown_construct(spelled(at)) + " at line " +
                            std::to_string(part.where.line) + ", column " +
                            std::to_string(part.where.column) + " (nothing after the relation)"));
                }
                chain* c = &out.chains[*current];
                if (part.relation == ":=" || part.relation == "\\equiv" || part.relation == "=:") {
                    // A definition, not a step: the chain goes on from the definiens.
                    if (c->steps.empty() && c->start && c->start->is(sym::op::named)) {
                        c->defines = c->start;
                        c->start = term;
                        c->where = part.where;
                    } else {
                        start_chain(part.where, term);
                    }
                    row_understood = row_understood && term.has_value();
                    continue;
                }
                chain_step step;
                step.file = source.name();
                step.cell = source.cell();
                step.cell = source.cell();
                step.where = part.where;
                step.annotation = part.annotation;
                step.labels = std::move(labels);
                step.restated = restated && l == 1;
                if (l == links.size() - 1)
                    add_annotation(step.annotation, r.tag);
                std::size_t from = offset_of(source, part.where);
                std::size_t to =
                    l + 1 < links.size() ? offset_of(source, links[l + 1].where) : row_end;
                if (to > from && to <= source.text().size())
                    step.latex = trimmed_step_text(source.text().substr(from, to - from));
                bool known = true;
                if (part.relation == "=")
                    step.relation = sym::relation::eq;
                else if (part.relation == ">=")
                    step.relation = sym::relation::ge;
                else if (part.relation == "<=")
                    step.relation = sym::relation::le;
                // A strict inequality is checked as the weak one: whatever refutes a >= b
                // refutes a > b (equality, which only the strict one excludes, is not tested).
                else if (part.relation == ">")
                    step.relation = sym::relation::ge;
                else if (part.relation == "<")
                    step.relation = sym::relation::le;
                else if (part.relation == "\\approx")
                    step.approximation = true;
                else {
                    known = false;
                    const node& at = part.relation_base ? *part.relation_base : r.cells[0];
                    std::string construct = spelled(at);
                    out.diagnostics.push_back(make_diagnostic(
                        source, at.where, construct,
                        "not understood: " + shown_construct(construct) + " at line " +
                            std::to_string(at.where.line) + ", column " +
                            std::to_string(at.where.column) + " (a relation that is not a step)"));
                }
                bool previous = last_understood(*c);
                step.understood = known && term.has_value() && previous;
                step.next = std::move(term);
                row_understood = row_understood && known && step.next.has_value();
                ++out.steps;
                out.understood_steps += step.understood;
                c->steps.push_back(std::move(step));
            }
            out.understood_rows += row_understood;
        }
        if (current && last_understood(out.chains[*current]))
            resumable = current;
        if (number > 0 && current)
            numbered[number] = *current;
        previous_block = current && last_understood(out.chains[*current]) ? current : std::nullopt;
        current.reset();
    }
    // An identity written inline in a sentence ("since $p(x) = \int p(x, z)\,dz$, ...") is
    // a claim too, and a one-step derivation of its own. Only one that is understood
    // entirely is kept: inline math is mostly notation in passing, and what it does not say
    // clearly is not reported step by step.
    for (const auto& block : n.math) {
        state.block = static_cast<std::size_t>(&block - n.math.data());
        const source_text& source = n.source_of(block);
        if (block.piece.style == math_style::display || acts_as_display(block, source))
            continue;
        if (introduced_as_condition(source.text(), block.piece))
            continue;
        auto rows = rows_in(block.tree);
        if (rows.size() != 1)
            continue;
        auto links = links_of(*rows[0]);
        if (links.size() < 2 || links[0].items.empty())
            continue;
        std::vector<diagnostic> quiet;
        expression_reader reader(state, source, quiet);
        chain c;
        c.where = links[0].where;
        c.start = reader.read(links[0].items);
        auto has_density = [](auto&& self, const sym::term& t) -> bool {
            if (t.is(sym::op::density))
                return true;
            for (const auto& k : t.kids)
                if (self(self, k))
                    return true;
            return false;
        };
        bool whole = c.start.has_value() && has_density(has_density, *c.start);
        for (std::size_t l = 1; whole && l < links.size(); ++l) {
            const link& part = links[l];
            chain_step step;
            if (part.relation == "=")
                step.relation = sym::relation::eq;
            else if (in(part.relation, {">=", ">"}))
                step.relation = sym::relation::ge;
            else if (in(part.relation, {"<=", "<"}))
                step.relation = sym::relation::le;
            else
                whole = false;
            step.next = reader.read(part.items);
            whole = whole && step.next.has_value() && quiet.empty();
            step.understood = true;
            step.file = source.name();
            step.cell = source.cell();
            step.where = part.where;
            step.annotation = part.annotation;
            std::size_t from = offset_of(source, part.where);
            std::size_t to = l + 1 < links.size() ? offset_of(source, links[l + 1].where)
                                                  : block.piece.offset + block.piece.latex.size();
            if (to > from && to <= source.text().size())
                step.latex = trimmed_step_text(source.text().substr(from, to - from));
            c.steps.push_back(std::move(step));
        }
        if (!whole)
            continue;
        out.steps += c.steps.size();
        out.understood_steps += c.steps.size();
        out.chains.push_back(std::move(c));
    }

    // A row with no relation that nothing continued is not a derivation.
    std::vector<chain> kept;
    for (auto& c : out.chains)
        if (!c.steps.empty())
            kept.push_back(std::move(c));
    out.chains = std::move(kept);
    out.assumptions = state.assumptions;
    return out;
}

// The term a piece of LaTeX means, for tests and for single expressions given on the
// command line. `problems` receives what was not understood.
inline std::optional<sym::term> understand_expression(std::string_view latex,
                                                      std::vector<diagnostic>& problems,
                                                      const meaning_context& context = {}) {
    using namespace meaning_detail;
    note n = read_note("expression.md", "$$" + std::string(latex) + "$$");
    problems.insert(problems.end(), n.diagnostics.begin(), n.diagnostics.end());
    if (n.math.empty())
        return std::nullopt;
    note_state state(context);
    state.observed_in_note = mentions(n.math[0].tree, state.symbols, context);
    auto rows = rows_in(n.math[0].tree);
    if (rows.size() != 1)
        return std::nullopt;
    auto links = links_of(*rows[0]);
    if (links.size() != 1)
        return std::nullopt;
    expression_reader reader(state, n.source_of(n.math[0]), problems);
    return reader.read(links[0].items);
}

} // namespace elbocheck::read
