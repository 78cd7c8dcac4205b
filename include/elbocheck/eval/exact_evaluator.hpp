#pragma once
// The exact evaluator: a number (or an exact function of z) for every term of the documents,
// under a linear-Gaussian model, by the quadratic-form calculus of DESIGN.md. A term it
// cannot evaluate exactly is reported as not evaluable, with the reason; it never guesses.

#include "elbocheck/eval/exact_value.hpp"
#include "elbocheck/eval/gaussian_integral.hpp"
#include "elbocheck/eval/model_binding.hpp"

#include <algorithm>

namespace elbocheck::eval {

inline bool is_latent_variable(const sym::term& t) {
    return t.is(sym::op::variable) &&
           t.role == static_cast<std::uint8_t>(sym::variable_role::latent);
}

// How many distinct latent variables a term mentions, bound or free (z, or z_1 and z_2 of the
// importance-weighted bound).
inline std::size_t latent_variable_count(const sym::term& t) {
    std::vector<int> ids;
    auto collect = [&ids](const auto& self, const sym::term& u) -> void {
        if (is_latent_variable(u) && std::find(ids.begin(), ids.end(), u.id) == ids.end())
            ids.push_back(u.id);
        for (const sym::term& k : u.kids)
            self(self, k);
    };
    collect(collect, t);
    return ids.size();
}

// The latent variables a term mentions outside self-contained binders: an expectation or
// integral over one latent variable with no other latent variable inside it is a number of
// its own (p(x) written as the integral of p(x | z_1) p(z_1) over z_1), evaluated on its own
// latent axis, so its variable is not conflated with the rest of the term's.
inline std::size_t latent_variables_to_share_one_axis(const sym::term& t) {
    std::vector<int> ids;
    auto collect = [&ids](const auto& self, const sym::term& u) -> void {
        const bool binder = u.is(sym::op::expectation) || u.is(sym::op::integral);
        // A binder over a latent variable is self-contained when that variable is the only
        // latent one it mentions (its own bound variable is among the ones counted).
        if (binder && is_latent_variable(u.kids[0]) && latent_variable_count(u) == 1)
            return;
        if (is_latent_variable(u) && std::find(ids.begin(), ids.end(), u.id) == ids.end())
            ids.push_back(u.id);
        for (const sym::term& k : u.kids)
            self(self, k);
    };
    collect(collect, t);
    return ids.size();
}

class exact_evaluator {
  public:
    explicit exact_evaluator(const model_binding& binding)
        : b_(binding) {}

    exact_result evaluate(const sym::term& t) const {
        // The binding has one latent z; a term with two latent variables (z_1, z_2 of an
        // importance-weighted bound) would have them conflated. Such terms have no closed
        // form here anyway. A self-contained binder (over z_1 only) is its own number.
        if (latent_variables_to_share_one_axis(t) > 1)
            return exact_result::fail("the term has more than one latent variable; its value has "
                                      "no closed form here");
        try {
            return visit(t);
        } catch (const model::model_error& e) {
            return exact_result::fail(e.what());
        }
    }

  private:
    using form = model::quadratic_form;

    Eigen::Index d() const { return b_.latent_dim(); }
    form constant_form(double c) const { return form::zero(d()) + c; }
    // Every value leaves the evaluator with its scale at least the typical size of its own
    // forms near the guide (see exact_value::scale).
    exact_result value(exact_value v) const {
        v.scale = std::max({v.scale, magnitude_under(v.factor, b_.guide()),
                            v.log_weight ? magnitude_under(*v.log_weight, b_.guide()) : 0.0});
        return {std::move(v)};
    }

    // The size of the terms of f(z) = c + g^T z - 1/2 z^T A z at typical z ~ N(m, S), summed
    // in absolute value: what rounding in evaluating E[f] is relative to.
    static double magnitude_under(const form& f, const model::gaussian& at) {
        const Eigen::VectorXd m = at.mean().cwiseAbs();
        const Eigen::MatrixXd spread = at.covariance().cwiseAbs() + m * m.transpose();
        return std::abs(f.constant()) + f.linear().cwiseAbs().dot(m) +
               0.5 * f.quadratic().cwiseAbs().cwiseProduct(spread).sum();
    }

    exact_result visit(const sym::term& t) const {
        using sym::op;
        switch (t.kind) {
        case op::number:
            return value(exact_value::constant(d(), static_cast<double>(t.value.num) /
                                                        static_cast<double>(t.value.den)));
        case op::parameter: {
            // The binding may set it; otherwise the value the derivation states.
            const auto v = b_.parameter(t.id);
            return value(exact_value::constant(
                d(), v ? *v : static_cast<double>(t.value.num) / static_cast<double>(t.value.den)));
        }
        case op::variable:
            return exact_result::fail("a bare variable has no value to compare");
        case op::density:
            return density(t);
        case op::named:
            if (t.kids.empty())
                return exact_result::fail("the name " + std::string(t.latex.view()) +
                                          " has no definition");
            return visit(t.kids.front());
        case op::log:
            return log_of(t.kids.front());
        case op::exp:
            return exp_of(t.kids.front());
        case op::add:
            return sum(t);
        case op::mul:
            return product(t);
        case op::power:
            return power(t);
        case op::expectation:
            return expectation(t);
        case op::integral:
            return integral(t);
        case op::kl:
            return kl(t);
        }
        return exact_result::fail("unknown term");
    }

    exact_result density(const sym::term& t) const {
        const bound_density which = model_binding::classify(t);
        std::optional<form> q = b_.log_density_form(which);
        if (!q)
            return exact_result::fail("the density is not one of the model's (p(x), p(z), "
                                      "p(x | z), p(x, z), p(z | x)) or the guide q(z | x)");
        exact_value v = exact_value::of_log_density(std::move(*q));
        v.weight_density = b_.latent_gaussian(which);
        return value(std::move(v));
    }

    exact_result log_of(const sym::term& arg) const {
        exact_result inner = visit(arg);
        if (!inner.ok())
            return inner;
        const exact_value& v = inner.value();
        if (!v.factor_is_constant())
            return exact_result::fail("the log of a function that is not exp(quadratic) times a "
                                      "constant has no closed form here");
        const double r = v.factor.constant();
        if (!(r > 0.0))
            return exact_result::fail("the log of a value that is not positive");
        form out = v.log_weight ? *v.log_weight : constant_form(0.0);
        out += std::log(r);
        return value({std::nullopt, std::move(out), v.scale, nullptr});
    }

    exact_result exp_of(const sym::term& arg) const {
        exact_result inner = visit(arg);
        if (!inner.ok())
            return inner;
        const exact_value& v = inner.value();
        if (v.log_weight) {
            if (!exact_value::is_constant(*v.log_weight))
                return exact_result::fail("exp of exp(quadratic) has no closed form");
            return value({v.factor * std::exp(v.log_weight->constant()), constant_form(1.0),
                          v.scale, nullptr});
        }
        return value({v.factor, constant_form(1.0), v.scale, nullptr});
    }

    static bool same_form(const form& a, const form& b) {
        const double scale =
            1.0 + std::max({std::abs(a.constant()), a.linear().lpNorm<Eigen::Infinity>(),
                            a.quadratic().lpNorm<Eigen::Infinity>()});
        return std::abs(a.constant() - b.constant()) <= 1e-12 * scale &&
               (a.linear() - b.linear()).lpNorm<Eigen::Infinity>() <= 1e-12 * scale &&
               (a.quadratic() - b.quadratic()).lpNorm<Eigen::Infinity>() <= 1e-12 * scale;
    }

    // Brings a constant factor into the weight (R = r -> Q + log|r|, sign kept in R) so that
    // values that differ only in how exp(Q) R is split compare alike.
    static exact_value folded(exact_value v) {
        if (!v.log_weight || !v.factor_is_constant())
            return v;
        const double r = v.factor.constant();
        if (r == 0.0)
            return v;
        *v.log_weight += std::log(std::abs(r));
        v.factor = form::zero(v.dim()) + (r > 0.0 ? 1.0 : -1.0);
        return v;
    }

    std::optional<exact_value> add(const exact_value& a, const exact_value& b) const {
        if (!a.log_weight && !b.log_weight)
            return exact_value{std::nullopt, a.factor + b.factor, std::max(a.scale, b.scale),
                               nullptr};
        if (a.log_weight && b.log_weight) {
            const exact_value fa = folded(a), fb = folded(b);
            if (same_form(*fa.log_weight, *fb.log_weight))
                return exact_value{fa.log_weight, fa.factor + fb.factor, std::max(a.scale, b.scale),
                                   nullptr};
        }
        // Constants in either representation: add them as numbers.
        const auto sa = a.scalar(), sb = b.scalar();
        if (sa && sb) {
            exact_value sum = exact_value::constant(d(), *sa + *sb);
            sum.scale = std::max({sum.scale, a.scale, b.scale});
            return sum;
        }
        return std::nullopt;
    }

    exact_result sum(const sym::term& t) const {
        std::optional<exact_value> total;
        for (const sym::term& k : t.kids) {
            exact_result r = visit(k);
            if (!r.ok())
                return r;
            if (!total) {
                total = r.value();
                continue;
            }
            total = add(*total, r.value());
            if (!total)
                return exact_result::fail("a sum of terms with different exponential weights in "
                                          "z has no closed form here");
        }
        return value(*total);
    }

    std::optional<exact_value> multiply(const exact_value& a, const exact_value& b) const {
        if (!a.factor_is_constant() && !b.factor_is_constant())
            return std::nullopt; // a quartic in z
        std::optional<form> weight;
        if (a.log_weight && b.log_weight)
            weight = *a.log_weight + *b.log_weight;
        else if (a.log_weight)
            weight = a.log_weight;
        else
            weight = b.log_weight;
        form factor = a.factor_is_constant() ? b.factor * a.factor.constant()
                                             : a.factor * b.factor.constant();
        // A density times a plain function of z keeps knowing which density it is.
        const model::gaussian* density = a.log_weight && !b.log_weight   ? a.weight_density
                                         : b.log_weight && !a.log_weight ? b.weight_density
                                                                         : nullptr;
        return exact_value{std::move(weight), std::move(factor), std::max(a.scale, b.scale),
                           density};
    }

    exact_result product(const sym::term& t) const {
        std::optional<exact_value> total;
        for (const sym::term& k : t.kids) {
            exact_result r = visit(k);
            if (!r.ok())
                return r;
            total = total ? multiply(*total, r.value()) : r.value();
            if (!total)
                return exact_result::fail("a product of two functions of z that are not "
                                          "exponentials has no closed form here");
        }
        return value(*total);
    }

    exact_result power(const sym::term& t) const {
        exact_result inner = visit(t.kids.front());
        if (!inner.ok())
            return inner;
        const double k = static_cast<double>(t.value.num) / static_cast<double>(t.value.den);
        const exact_value& v = inner.value();
        if (!v.factor_is_constant())
            return exact_result::fail("a power of a non-exponential function of z has no closed "
                                      "form here");
        const double r = v.factor.constant();
        if (r == 0.0 && k < 0.0)
            return exact_result::fail("division by zero");
        std::optional<form> weight;
        if (v.log_weight)
            weight = *v.log_weight * k;
        return value({std::move(weight), constant_form(std::pow(r, k)),
                      v.scale * std::max(1.0, std::abs(k)), nullptr});
    }

    // E_{z ~ d}[f] for d one of the Gaussians in z.
    exact_result expectation(const sym::term& t) const {
        const model::gaussian* g = b_.latent_gaussian(model_binding::classify(t.kids[1]));
        if (!g)
            return exact_result::fail("the expectation is over a distribution that is not a "
                                      "Gaussian in z of this model");
        exact_result body = visit(t.kids[2]);
        if (!body.ok())
            return body;
        const exact_value& v = body.value();
        if (!v.depends_on_z())
            return body; // E of a constant, exactly
        if (!v.log_weight) {
            exact_value e = exact_value::constant(d(), v.factor.expectation_under(*g));
            e.scale = std::max({e.scale, v.scale, magnitude_under(v.factor, *g)});
            return value(std::move(e));
        }
        if (v.factor_is_constant()) {
            const model::log_expectation_result le = v.log_weight->log_expectation_of_exp_under(*g);
            if (!le.converges())
                return exact_result::fail(le.diverges_because);
            return value({constant_form(*le.value), v.factor,
                          std::max(v.scale, magnitude_under(*v.log_weight, *g)), nullptr});
        }
        return integrate(*v.log_weight + form::log_density_of(*g), v.factor,
                         std::max(v.scale, magnitude_under(*v.log_weight, *g)));
    }

    exact_result integrate(const form& log_weight, const form& factor, double scale) const {
        const gaussian_integral r = integrate_exp_times(log_weight, factor);
        if (!r.converges)
            return exact_result::fail(r.diverges_because);
        return value({constant_form(r.log_mass), constant_form(r.mean_of_factor),
                      std::max({scale, std::abs(r.log_mass), std::abs(r.mean_of_factor)}),
                      nullptr});
    }

    // int f dz over the latent variable, Lebesgue measure.
    exact_result integral(const sym::term& t) const {
        if (t.kids[0].id == sym::no_variable_id)
            return exact_result::fail("an integral written without its differential (no dz)");
        if (t.kids[0].role != static_cast<std::uint8_t>(sym::variable_role::latent))
            return exact_result::fail("an integral over the observed variable " +
                                      std::string(t.kids[0].latex.view()) +
                                      " has no value here (x is data, fixed)");
        exact_result body = visit(t.kids[1]);
        if (!body.ok())
            return body;
        const exact_value& v = body.value();
        if (!v.log_weight)
            return exact_result::fail("the integral over all of z of a function that does not "
                                      "decay diverges");
        if (v.weight_density) {
            // int q(z) R(z) dz = E_q[R], with q's own factor (see exact_value).
            exact_value e =
                exact_value::constant(d(), v.factor.expectation_under(*v.weight_density));
            e.scale = std::max({e.scale, v.scale, magnitude_under(v.factor, *v.weight_density)});
            return value(std::move(e));
        }
        return integrate(*v.log_weight, v.factor, v.scale);
    }

    exact_result kl(const sym::term& t) const {
        const model::gaussian* a = b_.latent_gaussian(model_binding::classify(t.kids[0]));
        const model::gaussian* c = b_.latent_gaussian(model_binding::classify(t.kids[1]));
        if (!a || !c)
            return exact_result::fail("a KL divergence between densities that are not Gaussians "
                                      "in z of this model");
        return value(exact_value::constant(d(), model::kl_divergence(*a, *c)));
    }

    const model_binding& b_;
};

} // namespace elbocheck::eval
