#pragma once
// The notation table of a derivation's page, generated from the terms it writes: every
// variable, density, named quantity and operation that appears, each with what it means. A
// page explains exactly the symbols it uses, and a new derivation gets its table for free.
//
// Densities are described by what they are in the model (prior, likelihood, joint, posterior,
// evidence, guide), which follows from the family and from which variables are sampled and
// which are conditioned on; the words name the derivation's own variables, so p(x | theta)
// reads "the likelihood of x given theta". Meanings may hold inline math between $ signs.

#include "elbocheck/eval/model_binding.hpp"
#include "elbocheck/sym/derivation_record.hpp"
#include "elbocheck/sym/latex.hpp"

#include <algorithm>
#include <string>
#include <vector>

namespace elbocheck::report {

enum class notation_kind { variable, parameter, density, named, operation };

struct notation_entry {
    notation_kind kind;
    std::string latex;   // the symbol as the page writes it
    std::string name;    // a few words: "Prior"
    std::string meaning; // a sentence; inline math between $ signs
};

namespace detail {

inline std::string dollars(std::string_view latex) {
    return "$" + std::string(latex) + "$";
}

// The variables of a density, sampled ones first, as the page writes them ("$x$ and $z$").
inline std::string variable_list(const sym::term& density, std::size_t from, std::size_t to) {
    std::string out;
    for (std::size_t i = from; i < to; ++i) {
        if (i > from)
            out += i + 1 == to ? " and " : ", ";
        out += dollars(density.kids[i].latex.view());
    }
    return out;
}

struct density_words {
    int order; // position in the table among densities
    std::string name, meaning;
};

inline density_words describe_density(const sym::term& d) {
    const std::size_t n = d.kids.size(), given = d.given;
    const std::string sampled = variable_list(d, 0, given);
    const std::string conditioning = variable_list(d, given, n);
    const std::string all = variable_list(d, 0, n);
    const bool guide = d.role == static_cast<std::uint8_t>(sym::family_role::guide);
    switch (eval::model_binding::classify(d)) {
    case eval::bound_density::evidence:
        return {0, "Evidence (marginal likelihood)",
                "How probable the model makes the observed " + sampled +
                    ", with every latent variable integrated out. Its log is what fitting the "
                    "model would maximize; it is usually intractable, which is why the ELBO "
                    "exists."};
    case eval::bound_density::prior:
        return {1, "Prior", "What the model assumes about " + sampled + " before seeing any data."};
    case eval::bound_density::likelihood:
        return {2, "Likelihood (decoder)",
                "The density of " + sampled + " for a given value of " + conditioning + "."};
    case eval::bound_density::joint:
        return {3, "Joint density",
                "The density of " + all +
                    " together: likelihood times prior. Written in either order, it is the same "
                    "density."};
    case eval::bound_density::posterior:
        return {4, "True posterior",
                "What " + sampled + " is likely to be after seeing " + conditioning +
                    " (Bayes' rule). Intractable in general; exact for the linear-Gaussian "
                    "models the checker uses."};
    case eval::bound_density::guide:
        if (given < n)
            return {5, "Approximate posterior (guide, encoder)",
                    "A density over " + sampled + " that we choose, depending on " + conditioning +
                        ", with parameters $\\phi$; it is easy to sample from and should "
                        "approach the true posterior."};
        return {6, "Approximate posterior, not depending on the data",
                "A density over " + sampled +
                    " that we choose; for the one fixed observation it plays the same role as a "
                    "guide that looks at the data."};
    case eval::bound_density::unknown:
        break;
    }
    return {7, guide ? "A density of the guide family" : "A density of the model",
            "A density over " + sampled + (conditioning.empty() ? "" : " given " + conditioning) +
                "."};
}

inline notation_entry describe_variable(const sym::term& v) {
    const std::string me = dollars(v.latex.view());
    if (v.role == static_cast<std::uint8_t>(sym::variable_role::observed))
        return {notation_kind::variable, std::string(v.latex.view()), "Observed data",
                "One observed data point; it stays fixed throughout the derivation."};
    if (v.latex.view() == R"(\theta)")
        return {notation_kind::variable, std::string(v.latex.view()), "Model parameters",
                "The model's parameters, here treated as a random variable with a prior and "
                "integrated out like a latent variable."};
    return {notation_kind::variable, std::string(v.latex.view()), "Latent variable",
            "Unobserved; the derivation averages or integrates over " + me + "."};
}

inline notation_entry describe_named(const sym::term& t) {
    std::string latex(t.latex.view());
    std::string name = "Named quantity";
    if (latex.find("ELBO") != std::string::npos)
        name = "ELBO (evidence lower bound)";
    else if (latex.find("evidence") != std::string::npos)
        name = "Evidence, by name";
    std::string meaning = "A name for an expression";
    if (!t.kids.empty())
        meaning = "Defined as " + dollars(sym::to_latex(t.kids.front()).view()) + ".";
    return {notation_kind::named, std::move(latex), std::move(name), std::move(meaning)};
}

class notation_collector {
  public:
    void walk(const sym::term& t) {
        switch (t.kind) {
        case sym::op::variable:
            if (t.id != sym::no_variable_id && seen("v" + std::to_string(t.id)))
                variables_.push_back({t.id, describe_variable(t)});
            return;
        case sym::op::parameter:
            if (seen("a" + std::to_string(t.id)))
                parameters_.push_back({notation_kind::parameter, std::string(t.latex.view()),
                                       "Parameter", "A fixed number that weights a term."});
            return;
        case sym::op::density:
            add_density(t);
            for (const sym::term& k : t.kids)
                walk(k);
            return;
        case sym::op::named:
            if (seen("n" + std::to_string(t.id)))
                named_.push_back(describe_named(t));
            for (const sym::term& k : t.kids)
                walk(k);
            return;
        case sym::op::expectation:
            if (seen("E"))
                operations_.push_back({notation_kind::operation,
                                       R"(\mathbb{E}_{q(z)}\left[f\right])", "Expectation",
                                       "The average of $f$ over $z$ drawn from $q$."});
            break;
        case sym::op::integral:
            if (t.kids[0].id == sym::no_variable_id) {
                if (seen("int-no-d"))
                    operations_.push_back(
                        {notation_kind::operation, R"(\int f)", "Integral without a differential",
                         "As a document wrote it: it does not say which variable it integrates "
                         "over."});
            } else if (seen("int"))
                operations_.push_back({notation_kind::operation, R"(\int f \, dz)", "Integral",
                                       "The integral of $f$ over all values of $z$."});
            break;
        case sym::op::kl:
            if (seen("KL"))
                operations_.push_back(
                    {notation_kind::operation, R"(D_{\mathrm{KL}}\left(q \,\Vert\, p\right))",
                     "KL divergence",
                     R"(How far $q$ is from $p$: $\mathbb{E}_{q}\left[\log \frac{q}{p}\right]$, )"
                     "never negative, and 0 exactly when $q = p$."});
            break;
        case sym::op::log:
            if (seen("log"))
                operations_.push_back(
                    {notation_kind::operation, R"(\log)", "Logarithm", "The natural logarithm."});
            break;
        case sym::op::exp:
            if (seen("exp"))
                operations_.push_back({notation_kind::operation, R"(\exp)", "Exponential",
                                       "The exponential function."});
            break;
        default:
            break;
        }
        for (const sym::term& k : t.kids)
            walk(k);
    }

    // Variables, parameters, densities (in the model's order), named quantities, operations;
    // within a group, in the order the page first writes them.
    std::vector<notation_entry> entries() const {
        // Variables by symbol id (the project numbers them x, z, theta), the rest as written.
        std::vector<variable_row> vars = variables_;
        std::stable_sort(vars.begin(), vars.end(),
                         [](const variable_row& a, const variable_row& b) { return a.id < b.id; });
        std::vector<notation_entry> out;
        for (const variable_row& v : vars)
            out.push_back(v.entry);
        out.insert(out.end(), parameters_.begin(), parameters_.end());
        std::vector<density_row> rows = densities_;
        std::stable_sort(rows.begin(), rows.end(), [](const density_row& a, const density_row& b) {
            return a.order < b.order;
        });
        for (const density_row& r : rows) {
            notation_entry e = r.entry;
            if (r.spellings.size() > 1) {
                e.meaning += " Also written ";
                for (std::size_t i = 1; i < r.spellings.size(); ++i)
                    e.meaning += (i > 1 ? ", " : "") + dollars(r.spellings[i]);
                e.meaning += ".";
            }
            out.push_back(std::move(e));
        }
        out.insert(out.end(), named_.begin(), named_.end());
        out.insert(out.end(), operations_.begin(), operations_.end());
        return out;
    }

  private:
    struct density_row {
        std::string key;
        int order;
        notation_entry entry;
        std::vector<std::string> spellings;
    };

    bool seen(const std::string& key) {
        if (std::find(keys_.begin(), keys_.end(), key) != keys_.end())
            return false;
        keys_.push_back(key);
        return true;
    }

    // One row per density, whatever order its variables are written in: p(x, z) and p(z, x)
    // are the same joint.
    void add_density(const sym::term& d) {
        std::vector<int> sampled, given;
        for (std::size_t i = 0; i < d.kids.size(); ++i)
            (i < d.given ? sampled : given).push_back(d.kids[i].id);
        std::sort(sampled.begin(), sampled.end());
        std::sort(given.begin(), given.end());
        std::string key = std::to_string(d.id) + ":";
        for (int id : sampled)
            key += std::to_string(id) + ",";
        key += "|";
        for (int id : given)
            key += std::to_string(id) + ",";
        const std::string latex = sym::to_latex(d).str();
        for (density_row& r : densities_)
            if (r.key == key) {
                if (std::find(r.spellings.begin(), r.spellings.end(), latex) == r.spellings.end())
                    r.spellings.push_back(latex);
                return;
            }
        density_words words = describe_density(d);
        densities_.push_back(
            {key,
             words.order,
             {notation_kind::density, latex, std::move(words.name), std::move(words.meaning)},
             {latex}});
    }

    struct variable_row {
        int id;
        notation_entry entry;
    };

    std::vector<std::string> keys_;
    std::vector<variable_row> variables_;
    std::vector<notation_entry> parameters_, named_, operations_;
    std::vector<density_row> densities_;
};

} // namespace detail

// Every symbol a derivation's page writes: its start, each step (as written and corrected),
// what a gap equals, and the results it cites.
inline std::vector<notation_entry> notation_of(const sym::derivation_record& d) {
    detail::notation_collector c;
    c.walk(d.data.start);
    auto walk_step = [&c](const sym::step_data& s) {
        c.walk(s.next);
        for (const sym::term& g : s.gap)
            c.walk(g);
        for (const sym::lemma_data& l : s.lemmas) {
            c.walk(l.from);
            c.walk(l.to);
        }
    };
    for (const sym::step_data& s : d.data.steps) {
        walk_step(s);
        for (const sym::step_data& fix : s.correction)
            walk_step(fix);
    }
    return c.entries();
}

} // namespace elbocheck::report
