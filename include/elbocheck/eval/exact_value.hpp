#pragma once
// The exact value of a term under a linear-Gaussian model: a function of the latent z of the
// form
//
//     v(z) = exp(Q(z)) * R(z),      Q, R quadratic forms in z.
//
// This family holds every term of the documents: a density is exp(Q) with R = 1, a log-density
// is R with Q absent, and a constant is R = c. Keeping exp(Q) symbolic keeps tiny numbers such
// as p(x) = exp(-700) exact in the log domain until a log brings them back. Q "absent" is
// tracked exactly (not by testing coefficients for zero), so structural questions such as
// "is this a log-density?" never depend on rounding.

#include "elbocheck/model/quadratic_form.hpp"

#include <cmath>
#include <optional>
#include <string>
#include <variant>

namespace elbocheck::eval {

struct exact_value {
    std::optional<model::quadratic_form> log_weight; // Q; absent means exp(Q) = 1
    model::quadratic_form factor;                    // R
    // The largest magnitude among the quantities this value was computed from. Rounding error
    // is relative to it, not to the value: E_q[log p(x, z)] - E_q[log p(z | x)] = log p(x)
    // may be -17.8 computed from two terms of -4.4e7 when q is far from the posterior.
    double scale = 0.0;
    // When exp(Q) is exactly the density of one of the model's Gaussians in z (q(z | x),
    // p(z), p(z | x)), that Gaussian: an integral of exp(Q) R is then E[R] under it, taken
    // with its own Cholesky factor. Recovering the moments from Q's natural parameters
    // instead squares the condition number of an ill-conditioned covariance.
    const model::gaussian* weight_density = nullptr;

    static exact_value constant(Eigen::Index d, double c) {
        return {std::nullopt, model::quadratic_form::zero(d) + c, std::abs(c), nullptr};
    }
    static exact_value of_log_density(model::quadratic_form q) {
        const Eigen::Index d = q.dim(); // before q is moved from
        return {std::move(q), model::quadratic_form::zero(d) + 1.0, 0.0, nullptr};
    }

    Eigen::Index dim() const { return factor.dim(); }

    // Exactly constant in z: built without any z-dependent part.
    static bool is_constant(const model::quadratic_form& f) {
        return f.linear().isZero(0.0) && f.quadratic().isZero(0.0);
    }
    bool factor_is_constant() const { return is_constant(factor); }
    bool depends_on_z() const {
        return !factor_is_constant() || (log_weight && !is_constant(*log_weight));
    }

    // The value as a number, when it does not depend on z.
    std::optional<double> scalar() const {
        if (depends_on_z())
            return std::nullopt;
        const double r = factor.constant();
        if (!log_weight)
            return r;
        return r == 0.0 ? 0.0 : r * std::exp(log_weight->constant());
    }

    // The value at a point z.
    double at(const Eigen::VectorXd& z) const {
        const double r = factor(z);
        return log_weight ? r * std::exp((*log_weight)(z)) : r;
    }
};

// Either a value or the reason a term has no exact value here.
struct exact_result {
    std::variant<exact_value, std::string> content;

    bool ok() const { return content.index() == 0; }
    const exact_value& value() const { return std::get<0>(content); }
    const std::string& why_not() const { return std::get<1>(content); }

    static exact_result fail(std::string why) { return {std::move(why)}; }
};

} // namespace elbocheck::eval
