// Mutation test of the checker: every step of every built-in derivation is broken in each of
// the ways people break derivations (a dropped log, a sign flip, swapped KL arguments, dx for
// dz, Jensen reversed, a dropped term, q replaced by p(z | x), an inverted ratio, a factor 2, a
// wrong gap, an expectation over a joint), and each broken step is checked symbolically (with
// the rules the original step cites) and numerically (on exact models).
//
// What must hold:
//  - soundness: no mutant the engine justifies is refuted by the numbers;
//  - nothing but true equivalents escapes both checks: a mutant neither check rejects equals
//    the original step under every equality rule.
// The shares detected per class are printed (run the binary with -s, or see the ctest log).
#include "catalog.hpp"
#include "elbocheck/eval/model_instances.hpp"
#include "elbocheck/eval/numeric_step_check.hpp"

#include <catch2/catch.hpp>
#include <cstdio>
#include <functional>
#include <map>
#include <string>

using namespace elbocheck;
using sym::op;
using sym::term;

namespace {

using path_t = std::vector<std::uint32_t>;

// Every node of t at which a mutation may apply, with its path; names' definitions are not
// entered (a name is a fixed quantity).
void collect_paths(const term& t, path_t& at, std::vector<path_t>& out) {
    out.push_back(at);
    if (t.is(op::named) || t.is(op::density))
        return;
    for (std::uint32_t i = 0; i < t.kids.size(); ++i) {
        at.push_back(i);
        collect_paths(t.kids[i], at, out);
        at.pop_back();
    }
}

const term& node_at(const term& t, const path_t& path) {
    const term* n = &t;
    for (std::uint32_t i : path)
        n = &n->kids[i];
    return *n;
}

term replaced(const term& t, const path_t& path, term with) {
    return sym::detail::replaced_at(t, path, with);
}

const term observed_x = sym::symbols::x.lower();

bool is_guide(const term& t) {
    return t.is(op::density) && t.role == static_cast<std::uint8_t>(sym::family_role::guide);
}

term with_guides_as_posteriors(const term& t) {
    if (is_guide(t)) {
        term model = sym::symbols::p(sym::symbols::x).lower(); // p's family symbol
        model.kids = t.kids;
        model.given = t.given;
        return model;
    }
    term out = t;
    for (term& k : out.kids)
        k = with_guides_as_posteriors(k);
    return out;
}

// A mutation of a node: the replacement, or nothing where the class does not apply there.
using node_mutation =
    std::function<std::optional<term>(const term& node, const path_t& path, const term& whole)>;

std::optional<term> drop_log(const term& n, const path_t&, const term&) {
    if (!n.is(op::log))
        return std::nullopt;
    return n.kids.front();
}
std::optional<term> swap_kl(const term& n, const path_t&, const term&) {
    if (!n.is(op::kl))
        return std::nullopt;
    return sym::make_kl(n.kids[1], n.kids[0]);
}
// Integrate over the observed x where the expectation or integral is over z.
std::optional<term> dx_for_dz(const term& n, const path_t&, const term&) {
    if (n.is(op::integral) && n.kids[0].id != observed_x.id)
        return sym::make_integral(observed_x, n.kids[1]);
    if (n.is(op::expectation))
        return sym::make_integral(observed_x, sym::make_product({n.kids[1], n.kids[2]}));
    return std::nullopt;
}
std::optional<term> invert_ratio(const term& n, const path_t&, const term&) {
    if (!n.is(op::mul))
        return std::nullopt;
    bool has_denominator = false;
    for (const term& f : n.kids)
        has_denominator = has_denominator || (f.is(op::power) && f.value.sign() < 0);
    if (!has_denominator)
        return std::nullopt;
    std::vector<term> inverted;
    for (const term& f : n.kids) {
        if (f.is(op::number))
            inverted.push_back(f);
        else if (f.is(op::power))
            inverted.push_back(sym::make_power(f.kids.front(), -f.value));
        else
            inverted.push_back(sym::make_power(f, -1));
    }
    return sym::make_product(std::move(inverted));
}
std::optional<term> expectation_over_joint(const term& n, const path_t&, const term&) {
    if (!n.is(op::expectation) || !n.kids[1].is(op::density) ||
        n.kids[1].given == n.kids[1].kids.size())
        return std::nullopt;
    term joint = n.kids[1];
    joint.given = static_cast<std::uint32_t>(joint.kids.size());
    term out = n;
    out.kids[1] = std::move(joint);
    return out;
}

// Mutations of a summand: they apply to a kid of a sum, or to the whole side when it is not
// a sum (the path is then empty).
bool is_summand(const path_t& path, const term& whole) {
    if (path.empty())
        return !whole.is(op::add);
    path_t parent(path.begin(), path.end() - 1);
    return node_at(whole, parent).is(op::add);
}
std::optional<term> flip_sign(const term& n, const path_t& path, const term& whole) {
    if (!is_summand(path, whole))
        return std::nullopt;
    return sym::make_negation(n);
}
std::optional<term> factor_two(const term& n, const path_t& path, const term& whole) {
    if (!is_summand(path, whole))
        return std::nullopt;
    return sym::make_product({sym::make_number(2), n});
}

struct mutant {
    std::string cls;
    sym::step_data step;
};

// The mutants of one step, at most `per_class` of each class (the first positions in
// pre-order, which reach the outermost structure first).
std::vector<mutant> mutants_of(const sym::step_data& s, std::size_t per_class) {
    std::vector<mutant> out;
    std::vector<path_t> paths;
    path_t at;
    collect_paths(s.next, at, paths);
    const std::vector<std::pair<std::string, node_mutation>> node_classes = {
        {"dropped log", drop_log},
        {"sign flip", flip_sign},
        {"swapped KL", swap_kl},
        {"dx for dz", dx_for_dz},
        {"inverted ratio", invert_ratio},
        {"factor 2", factor_two},
        {"expectation over a joint", expectation_over_joint},
    };
    for (const auto& [cls, mutate] : node_classes) {
        std::size_t made = 0;
        for (const path_t& p : paths) {
            if (made == per_class)
                break;
            if (auto m = mutate(node_at(s.next, p), p, s.next)) {
                mutant mu{cls, s};
                mu.step.next = replaced(s.next, p, *m);
                out.push_back(std::move(mu));
                ++made;
            }
        }
    }
    // A dropped term: each summand of the side's top sum in turn.
    if (s.next.is(op::add)) {
        for (std::size_t i = 0; i < s.next.kids.size() && i < per_class; ++i) {
            mutant mu{"dropped term", s};
            mu.step.next.kids.erase(mu.step.next.kids.begin() + static_cast<std::ptrdiff_t>(i));
            out.push_back(std::move(mu));
        }
    }
    {
        mutant mu{"q replaced by p(z | x)", s};
        mu.step.next = with_guides_as_posteriors(s.next);
        if (!sym::same(mu.step.next, s.next))
            out.push_back(std::move(mu));
    }
    if (s.claimed != sym::relation::eq) {
        mutant mu{"inequality reversed", s};
        mu.step.claimed = sym::flipped(s.claimed);
        out.push_back(std::move(mu));
    }
    if (!s.gap.empty()) {
        mutant mu{"wrong gap", s};
        mu.step.gap.front() = sym::make_product({sym::make_number(2), s.gap.front()});
        out.push_back(std::move(mu));
    }
    return out;
}

struct tally {
    std::size_t mutants = 0, symbolic = 0, numeric = 0, either = 0, equivalent = 0;
};

} // namespace

TEST_CASE("mutants of every step are caught unless they are true equivalents", "[mutation]") {
    const eval::instance_set instances = eval::make_instances(30);
    eval::sampling_settings sampling;
    sampling.samples = 500;
    std::map<std::string, tally> by_class;
    std::size_t unsound = 0, escaped = 0;
    for (const sym::derivation_record& d : derivations::catalog()) {
        const term* before = &d.data.start;
        for (std::size_t i = 0; i < d.data.steps.size(); ++i) {
            const sym::step_data& written = d.data.steps[i];
            // The correct step: a recorded mistake's correction.
            const sym::step_data& step =
                written.recorded_as_mistake() ? written.correction.front() : written;
            for (const mutant& m : mutants_of(step, 3)) {
                const bool symbolic_rejects = !sym::check_one(*before, m.step).justified();
                const eval::numeric_step_result numeric = eval::check_one_numerically(
                    *before, m.step, instances.bindings, eval::default_tolerance, sampling);
                const bool numeric_rejects = numeric.status == eval::numeric_status::fails;
                tally& t = by_class[m.cls];
                ++t.mutants;
                t.symbolic += symbolic_rejects;
                t.numeric += numeric_rejects;
                t.either += symbolic_rejects || numeric_rejects;
                const std::string where = std::string(d.about.name) + " step " +
                                          std::to_string(i + 1) + " (" + m.cls +
                                          "): " + sym::to_latex(m.step.next).str();
                if (!symbolic_rejects && numeric_rejects) {
                    ++unsound;
                    UNSCOPED_INFO("justified but refuted: " << where);
                }
                if (!symbolic_rejects && !numeric_rejects) {
                    const bool same_claim =
                        m.step.claimed == step.claimed && m.step.gap.size() == step.gap.size();
                    const bool equivalent =
                        same_claim && sym::equal_under_every_rule(m.step.next, step.next) &&
                        (m.step.gap.empty() ||
                         sym::equal_under_every_rule(m.step.gap.front(), step.gap.front()));
                    t.equivalent += equivalent;
                    if (!equivalent) {
                        ++escaped;
                        UNSCOPED_INFO("escaped both checks: " << where);
                    }
                }
            }
            before = &written.continues_from();
        }
    }
    std::printf("%-26s %8s %10s %10s %8s %11s\n", "mutation class", "mutants", "symbolic",
                "numeric", "either", "equivalent");
    tally total;
    for (const auto& [cls, t] : by_class) {
        std::printf("%-26s %8zu %10zu %10zu %8zu %11zu\n", cls.c_str(), t.mutants, t.symbolic,
                    t.numeric, t.either, t.equivalent);
        total.mutants += t.mutants;
        total.symbolic += t.symbolic;
        total.numeric += t.numeric;
        total.either += t.either;
        total.equivalent += t.equivalent;
    }
    std::printf("%-26s %8zu %10zu %10zu %8zu %11zu\n", "all", total.mutants, total.symbolic,
                total.numeric, total.either, total.equivalent);
    CHECK(by_class.size() == 11); // every class applied somewhere
    CHECK(total.mutants > 500);
    CHECK(unsound == 0);
    CHECK(escaped == 0);
}
