#pragma once
// The ELBO along a path of guides, for the plot on every derivation's page: q moves from the
// prior (t = 0) to the exact posterior (t = 1), and log p(x), the ELBO and the gap
// KL(q_t || p(z | x)) are computed exactly at each t. The figure shows what the derivations
// prove: the ELBO stays below log p(x), and the gap between them closes to 0 exactly when q
// reaches the posterior.
//
// The path interpolates the mean linearly and the covariance through its Cholesky factor:
//     m_t = (1 - t) mu_0 + t mu_post,     L_t = (1 - t) L_0 + t L_post,     S_t = L_t L_t^T.
// Both factors are lower triangular with a positive diagonal, and so is any convex combination
// of them, so L_t is itself a Cholesky factor and S_t is positive definite for every t, with
// nothing to repair. (Interpolating S itself would stay positive definite too, but then each
// point would need a fresh factorization, and the models keep their covariances as factors.)
//
// The importance-weighted bounds L_K (Burda et al.) are drawn too, but they have no closed
// form: they are Monte Carlo estimates from the project's IWAE estimator, with a fixed seed and
// the same draws at every t, so the curves are reproducible and smooth in t; the figure says
// which curves are estimates.

#include "elbocheck/eval/elbo_estimators.hpp"
#include "elbocheck/eval/sampling_settings.hpp"
#include "elbocheck/model/linear_gaussian.hpp"
#include "elbocheck/report/svg_plot.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace elbocheck::report {

inline constexpr std::string_view path_guide_name = "S_t (guide covariance on the path)";

// q_t on the path from `from` (t = 0) to `to` (t = 1).
inline model::gaussian guide_on_path(const model::gaussian& from, const model::gaussian& to,
                                     double t) {
    return model::gaussian::from_cholesky((1.0 - t) * from.mean() + t * to.mean(),
                                          (1.0 - t) * from.cholesky() + t * to.cholesky(),
                                          path_guide_name);
}

// Exact values along the path, one entry per t.
struct path_curves {
    std::vector<double> t;
    std::vector<double> log_evidence; // constant: log p(x) does not depend on q
    std::vector<double> elbo;         // E_q[log p(x | z)] - KL(q || p(z))
    std::vector<double> gap;          // KL(q_t || p(z | x)) = log p(x) - ELBO
};

// `points` values of t spaced evenly on [0, 1] (at least 2), from the prior to the posterior
// of `model` given `x`.
inline path_curves exact_curves_along_path(const model::linear_gaussian& model,
                                           const Eigen::VectorXd& x, std::size_t points) {
    if (points < 2)
        points = 2;
    const model::gaussian posterior = model.posterior(x);
    const double log_evidence = model.log_evidence(x);
    path_curves out;
    for (std::size_t i = 0; i < points; ++i) {
        // i / (points - 1) rather than accumulating a step: t is exactly 0 and 1 at the ends.
        const double t = static_cast<double>(i) / static_cast<double>(points - 1);
        const model::gaussian q = guide_on_path(model.prior(), posterior, t);
        out.t.push_back(t);
        out.log_evidence.push_back(log_evidence);
        out.elbo.push_back(model.elbo(x, q));
        out.gap.push_back(model.kl_to_posterior(x, q));
    }
    return out;
}

// An estimate drawn along the same path (such as the importance-weighted bound L_K), given as
// one value per t of the exact curves.
struct path_estimate {
    std::string label; // plain text for the plot's legend, e.g. "L₅ (IWAE, K = 5)"
    std::string latex; // for the page's words, e.g. \mathcal{L}_{5}
    std::vector<double> values;
};

// "L₅₀": the plot's legend is plain text, so the subscript is made of Unicode digits.
inline std::string subscripted(std::string_view base, std::uint64_t n) {
    static constexpr const char* digits[] = {"₀", "₁", "₂", "₃", "₄", "₅", "₆", "₇", "₈", "₉"};
    std::string out(base);
    for (char c : std::to_string(n))
        out += digits[c - '0'];
    return out;
}

// The importance-weighted bound L_K at every t of `c`, estimated from `sampling.samples` draws
// of z under q_t (eval::estimate_iwae_bound, seed `sampling.seed`). The draws come from the same
// random streams at every t, so the estimate moves smoothly along the path.
inline path_estimate importance_weighted_along_path(const model::linear_gaussian& model,
                                                    const Eigen::VectorXd& x, const path_curves& c,
                                                    std::uint64_t k,
                                                    const eval::sampling_settings& sampling) {
    const model::gaussian posterior = model.posterior(x);
    eval::mc_estimator_options options;
    options.samples = sampling.samples;
    options.seed = sampling.seed;
    options.threads = sampling.threads;
    path_estimate out{subscripted("L", k) + " (IWAE, K = " + std::to_string(k) + "; Monte Carlo)",
                      R"(\mathcal{L}_{)" + std::to_string(k) + "}",
                      {}};
    for (const double t : c.t) {
        const eval::elbo_integrand integrand(model, x, guide_on_path(model.prior(), posterior, t));
        out.values.push_back(eval::estimate_iwae_bound(integrand, k, options).mean);
    }
    return out;
}

// The two-panel figure: log p(x), the ELBO and any estimates on top, with the gap between
// log p(x) and the ELBO shaded; the gap KL(q_t || p(z | x)) below, closing to 0 at t = 1.
inline plot_figure path_plot(const path_curves& c, std::string title,
                             const std::vector<path_estimate>& estimates = {}) {
    static constexpr const char* estimate_colors[] = {"#d97706", "#059669", "#7c3aed", "#db2777"};

    plot_panel bounds;
    bounds.y_label = "nats";
    bounds.legend = legend_corner::bottom_right;
    bounds.bands.push_back({"gap", c.t, c.elbo, c.log_evidence, "#ef4444", 0.12});
    bounds.lines.push_back({"log p(x)", c.t, c.log_evidence, "#111827", false, 2.5});
    bounds.lines.push_back({"ELBO(q_t)", c.t, c.elbo, "#2563eb", false, 2.5});
    for (std::size_t i = 0; i < estimates.size(); ++i)
        bounds.lines.push_back({estimates[i].label, c.t, estimates[i].values,
                                estimate_colors[i % std::size(estimate_colors)], true, 2.0});

    plot_panel gap;
    gap.y_label = "nats";
    gap.legend = legend_corner::top_right;
    gap.include_zero = true;
    gap.height_share = 0.6;
    gap.bands.push_back({"", c.t, std::vector<double>(c.t.size(), 0.0), c.gap, "#ef4444", 0.18});
    gap.lines.push_back(
        {"gap = KL(q_t ‖ p(z | x)) = log p(x) − ELBO", c.t, c.gap, "#dc2626", false, 2.5});
    if (!c.t.empty())
        gap.markers.push_back(
            {c.t.back(), c.gap.back(), "gap = 0 at t = 1: q is the posterior", "#dc2626"});

    plot_figure f;
    f.title = std::move(title);
    f.subtitle = "q_t moves from the prior (t = 0) to the exact posterior (t = 1); reference model";
    f.x_label = "t (position of q_t on the path)";
    f.panels.push_back(std::move(bounds));
    f.panels.push_back(std::move(gap));
    return f;
}

} // namespace elbocheck::report
