// The layout tree: commands and their arguments, scripts, delimiters, environments with
// rows and cells, relations and chains, each node with its line and column.
#include "read_support.hpp"

using namespace elbocheck::read;
using read_support::positions;

namespace {

struct parsed {
    note n;
    const math_block& block(std::size_t k = 0) const { return n.math.at(k); }
    const std::vector<row>& rows(std::size_t k = 0) const { return rows_of(block(k).tree); }
    // The items of the first cell of the first row.
    const std::vector<node>& items(std::size_t k = 0) const {
        return rows(k).at(0).cells.at(0).children;
    }
};

parsed read_md(const std::string& text) {
    return {read_note("t.md", text)};
}

std::vector<std::string> relations(const row& r) {
    std::vector<std::string> out;
    for (const auto& link : split_at_relations(r))
        out.push_back(link.relation);
    return out;
}

} // namespace

TEST_CASE("fractions, roots and font commands take their arguments", "[read][parser]") {
    // From the first seed: p(x) = \frac{p(x, z)}{p(z \vert x)}
    auto p = read_md("$$\np(x) = \\frac{p(x, z)}{p(z \\vert x)}\n$$");
    REQUIRE(p.n.diagnostics.empty());
    const auto& items = p.items();
    REQUIRE(items.size() == 6); // p ( x ) = \frac
    CHECK(items[4].kind == node_kind::relation);
    CHECK(items[4].name == "=");
    CHECK(positions(items[4].where) == "2:6");
    const node& frac = items[5];
    CHECK(frac.kind == node_kind::command);
    CHECK(frac.name == "frac");
    CHECK(positions(frac.where) == "2:8");
    REQUIRE(frac.children.size() == 2);
    CHECK(frac.children[0].kind == node_kind::group);
    CHECK(positions(frac.children[0].where) == "2:13");
    CHECK(positions(frac.children[1].where) == "2:22");
    CHECK(frac.children[1].children.at(3).name == "\\vert");

    for (std::string cmd : {"dfrac", "tfrac", "cfrac", "binom"}) {
        auto q = read_md("$\\" + cmd + "12$");
        REQUIRE(q.items().size() == 1);
        CHECK(q.items()[0].name == cmd);
        CHECK(q.items()[0].children.size() == 2);
    }
    auto root = read_md("$\\sqrt[3]{x}$");
    CHECK(root.items()[0].optional_argument.at(0).name == "3");
    CHECK(root.items()[0].children.at(0).children.at(0).name == "x");
    for (std::string font :
         {"mathrm", "mathbb", "mathcal", "mathbf", "boldsymbol", "pmb", "operatorname"}) {
        auto q = read_md("$\\" + font + "{E}$");
        CHECK(q.items().at(0).kind == node_kind::command);
        CHECK(q.items()[0].name == font);
    }
    auto text = read_md("$\\text{ is a concave function.}$");
    CHECK(text.items()[0].children.at(0).kind == node_kind::text);
    CHECK(text.items()[0].children[0].name == " is a concave function.");
    CHECK(read_md("$\\operatorname*{arg\\,max}$").items()[0].starred);
}

TEST_CASE("scripts, primes and braces over and under", "[read][parser]") {
    // From the third seed, with the space GitHub needs after the underscore.
    auto p = read_md("$\\mathbb{E}_ {z \\sim q(z|x)}[\\log p(x)]$");
    REQUIRE(p.n.diagnostics.empty());
    const node& e = p.items().at(0);
    CHECK(e.kind == node_kind::scripted);
    CHECK(e.has_subscript);
    CHECK_FALSE(e.has_superscript);
    CHECK(e.children.at(0).name == "mathbb");
    CHECK(e.subscript.at(1).kind == node_kind::relation); // \sim inside the subscript
    CHECK(positions(e.subscript.at(0).where) == "1:15");

    auto primes = read_md("$f''(x)^2_i$");
    const node& f = primes.items().at(0);
    CHECK(f.primes == 2);
    auto sup = read_md("$x_1^2$").items().at(0);
    CHECK(sup.subscript.at(0).name == "1");
    CHECK(sup.superscript.at(0).name == "2");

    auto brace = read_md("$\\underbrace{a + b}_{\\text{ELBO}} \\overbrace{c}^{d}$");
    const node& under = brace.items().at(0);
    CHECK(under.kind == node_kind::scripted);
    CHECK(under.children.at(0).name == "underbrace");
    CHECK(under.subscript.at(0).name == "text");
    CHECK(brace.items().at(1).children.at(0).name == "overbrace");
}

TEST_CASE("\\left...\\right and \\big sizes are delimiters", "[read][parser]") {
    auto p = read_md("$\\left[\\log \\frac{a}{b}\\right] + \\bigl( x \\Bigr) \\Bigg|$");
    REQUIRE(p.n.diagnostics.empty());
    const node& d = p.items().at(0);
    CHECK(d.kind == node_kind::delimited);
    CHECK(d.name == "[");
    CHECK(d.closing == "]");
    CHECK(d.children.size() == 2);
    CHECK(p.items().at(2).kind == node_kind::sized_delimiter);
    CHECK(p.items()[2].name == "(");
    CHECK(p.items()[2].command_name == "\\bigl");
    CHECK(p.items().at(4).name == ")");
    CHECK(p.items().at(5).name == "|");
    auto dot = read_md("$\\left. x \\right|_{a}$");
    CHECK(dot.items().at(0).kind == node_kind::scripted);
    CHECK(dot.items()[0].children.at(0).closing == "|");
}

TEST_CASE("relations, however written", "[read][parser]") {
    auto p = read_md("$a = b \\geq c \\ge d >= e \\leq f \\le g < h > i \\coloneqq j := k "
                     "\\equiv l \\approx m \\propto n \\neq o <= p$");
    std::vector<std::string> got;
    for (const auto& item : p.items())
        if (item.kind == node_kind::relation)
            got.push_back(item.name);
    CHECK(got == std::vector<std::string>{"=", ">=", ">=", ">=", "<=", "<=", "<", ">", ":=", ":=",
                                          "\\equiv", "\\approx", "\\propto", "!=", "<="});
}

TEST_CASE("a row is a chain of relations and expressions", "[read][parser]") {
    // From the third seed: >= written with two characters.
    auto p = read_md("$$\\log p(x) >= \\underbrace{\\mathbb{E}_ {z \\sim q(z|x)}[\\log p(x|z)]}_ "
                     "{\\text{Minimize NLL i.e. reconstruction loss}} - \\underbrace{D_ "
                     "{KL}[q(z|x) \\| p(z)]}_ {\\text{KL Divergence}} = \\text{ELBO}$$");
    REQUIRE(p.n.diagnostics.empty());
    REQUIRE(p.rows().size() == 1);
    auto chain = split_at_relations(p.rows()[0]);
    REQUIRE(chain.size() == 3);
    CHECK(chain[0].relation.empty());
    CHECK(chain[0].expression.size() == 5); // \log, p, (, x, )
    CHECK(chain[1].relation == ">=");
    CHECK(positions(chain[1].where) == "1:13");
    CHECK(chain[2].relation == "=");
    CHECK(chain[2].expression.at(0)->name == "text");

    auto defined = read_md("$a \\stackrel{\\text{def}}{=} b \\overset{(a)}{\\geq} c$");
    auto links = split_at_relations(defined.rows()[0]);
    REQUIRE(links.size() == 3);
    CHECK(links[1].relation == "=");
    CHECK(links[1].relation_node->name == "stackrel");
    CHECK(links[2].relation == ">=");
}

TEST_CASE("align* from the first seed: seven rows, one relation each", "[read][parser]") {
    auto p = read_md(
        "$$\\begin{align*}\\log p(x) &= \\log p(x) \\int q_\\phi(z \\vert x) dz \\\\ &= \\int "
        "q_\\phi(z \\vert x) \\log p(x) \\\\ &= \\mathbb{E}_{q_\\phi(z \\vert x)}[\\log p(x)] "
        "\\\\ &= \\mathbb{E}_{q_\\phi(z \\vert x)} \\left[\\log\\frac{p(x, z)}{p(z \\vert "
        "x)}\\right] \\\\ &= \\mathbb{E}_{q_\\phi(z \\vert x)} \\left[ \\log \\frac{p(x, "
        "z)}{q_\\phi(z \\vert x)}\\right] + \\mathbb{E}_{q_\\phi(z \\vert x)} \\left[\\log "
        "\\frac{q_\\phi(z \\vert x)}{p(z \\vert x)}\\right] \\\\ &= \\mathbb{E}_{q_\\phi(z "
        "\\vert x)} \\left[\\log \\frac{p(x, z)}{q_\\phi(z \\vert x)}\\right] + D_{KL}(q_\\phi(z "
        "\\vert x) \\Vert p(z \\vert x)) \\\\ &\\geq \\mathbb{E}_{q_\\phi(z \\vert x)} "
        "\\left[\\log \\frac{p(x, z)}{q_\\phi(z \\vert x)}\\right]\\end{align*}$$");
    REQUIRE(p.n.diagnostics.empty());
    const node& env = p.block().tree.rows.at(0).cells.at(0).children.at(0);
    CHECK(env.kind == node_kind::environment);
    CHECK(env.name == "align*");
    CHECK(env.starred);
    const auto& rows = p.rows();
    REQUIRE(rows.size() == 7);
    for (std::size_t k = 0; k < 6; ++k) {
        INFO(k);
        CHECK(rows[k].cells.size() == 2);
        CHECK(relations(rows[k]) == std::vector<std::string>{"", "="});
    }
    CHECK(relations(rows[6]) == std::vector<std::string>{"", ">="});
    CHECK(split_at_relations(rows[1])[0].expression.empty()); // "&= ..." continues a chain
    CHECK(positions(rows[1].where) == "1:69");
}

TEST_CASE("aligned across lines from the second seed", "[read][parser]") {
    auto p = read_md("   $$\n   \\begin{aligned}\n   \\text{log }p_{\\theta}(x) &= \\text{log} "
                     "\\int p_{\\theta} (x|z) p(z) dz \\\\\n   &\\geq E_{z \\sim q_{\\phi}} \\left "
                     "[\\text{log} \\frac{p_{\\theta}(x, z)}{q_{\\phi}(z)} \\right ] \\quad "
                     "\\because \\text{log}(x) \\text{ is a concave function.} \\\\\n   \\\\\n   "
                     "\\therefore \\text{evidence} &\\geq \\text{ELBO}\n   \\end{aligned}\n   $$");
    REQUIRE(p.n.diagnostics.empty());
    const auto& rows = p.rows();
    REQUIRE(rows.size() == 4);
    CHECK(positions(rows[0].where) == "3:4");
    CHECK(relations(rows[1]) == std::vector<std::string>{"", ">="});
    CHECK(rows[2].empty());
    CHECK(relations(rows[3]) == std::vector<std::string>{"", ">="});
    CHECK(positions(rows[3].cells[1].children.at(0).where) == "6:32"); // the \geq
}

TEST_CASE("environments, rows, cells, tags and labels", "[read][parser]") {
    auto p = read_md("$$\\begin{align} a &= b \\tag{1} \\label{eq:first} \\\\ &= c \\nonumber "
                     "\\newline &= d \\notag \\\\[2pt] &= e \\tag*{$\\star$} \\end{align}$$");
    REQUIRE(p.n.diagnostics.empty());
    const auto& rows = p.rows();
    REQUIRE(rows.size() == 4);
    CHECK(rows[0].tag == "(1)");
    CHECK(rows[0].label == "eq:first");
    CHECK(rows[0].numbered);
    CHECK_FALSE(rows[1].numbered);
    CHECK_FALSE(rows[2].numbered);
    CHECK(rows[3].tag == "$\\star$");
    for (const auto& r : rows)
        CHECK(relations(r) == std::vector<std::string>{"", "="});

    auto eqn = read_md("\\begin{eqnarray}a &=& b \\\\ &\\geq& c\\end{eqnarray}");
    REQUIRE(eqn.rows().size() == 2);
    CHECK(eqn.rows()[0].cells.size() == 3);
    CHECK(relations(eqn.rows()[1]) == std::vector<std::string>{"", ">="});

    auto right = read_md("$$\\begin{split} a =& b \\\\ =& c \\end{split}$$");
    CHECK(relations(right.rows().at(1)) == std::vector<std::string>{"", "="});

    for (std::string env : {"equation", "gather", "gather*", "multline", "cases", "pmatrix"}) {
        auto q = read_md("$$\\begin{" + env + "} a \\\\ b \\end{" + env + "}$$");
        CHECK(q.n.diagnostics.empty());
        CHECK(q.rows().size() == 2);
    }
    auto nested = read_md("$$\\begin{equation}\\begin{split}a &= b\\\\ &= c\\end{split}"
                          "\\end{equation}$$");
    CHECK(nested.n.diagnostics.empty());
    CHECK(nested.rows().at(0).cells.at(0).children.at(0).name == "split");
}

TEST_CASE("a display without an environment can still have rows", "[read][parser]") {
    auto p = read_md("$$a = b \\\\ = c$$");
    REQUIRE(p.rows().size() == 2);
    CHECK(relations(p.rows()[1]) == std::vector<std::string>{"", "="});
}
