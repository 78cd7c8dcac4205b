// The documentation's plot: axis ticks, the SVG writer, and the path of guides from the prior
// to the posterior with its exact curves and the importance-weighted bounds along it.
#include "elbocheck/model/random_models.hpp"
#include "elbocheck/report/guide_path.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <string>

using namespace elbocheck;
using namespace elbocheck::report;

namespace {

std::size_t count(const std::string& haystack, const std::string& needle) {
    std::size_t n = 0;
    for (std::size_t at = haystack.find(needle); at != std::string::npos;
         at = haystack.find(needle, at + needle.size()))
        ++n;
    return n;
}

bool is_one_two_five(double step) {
    const double mantissa = step / std::pow(10.0, std::floor(std::log10(step) + 1e-9));
    for (double m : {1.0, 2.0, 5.0, 10.0})
        if (std::abs(mantissa - m) < 1e-9)
            return true;
    return false;
}

} // namespace

TEST_CASE("ticks are round numbers that cover the data", "[docs][plot]") {
    const std::pair<double, double> ranges[] = {{0.0, 1.0},   {-57.31, -7.81}, {0.0, 49.5},
                                                {1e-3, 3e-3}, {-2.5, 7.25},    {1e6, 1e6 + 3}};
    for (const auto& [lo, hi] : ranges) {
        INFO(lo << " .. " << hi);
        const axis_ticks t = nice_ticks(lo, hi);
        CHECK(t.lo <= lo);
        CHECK(t.hi >= hi);
        CHECK(is_one_two_five(t.step));
        CHECK(t.values.size() >= 3);
        CHECK(t.values.size() <= 12);
        CHECK(t.values.front() == Approx(t.lo));
        CHECK(t.values.back() == Approx(t.hi));
    }
    // A constant still gets an axis around it, not a zero-width one.
    const axis_ticks flat = nice_ticks(-7.8, -7.8);
    CHECK(flat.lo < -7.8);
    CHECK(flat.hi > -7.8);
    // Labels tell neighbouring ticks apart.
    CHECK(nice_ticks(0.0, 1.0).decimals == 1);
    CHECK(nice_ticks(0.0, 50.0).decimals == 0);
}

TEST_CASE("the SVG has a line and a legend entry per series, and is a pure function of the data",
          "[docs][plot]") {
    plot_panel p;
    p.y_label = "nats";
    p.lines.push_back({"a < b & \"c\"", {0.0, 0.5, 1.0}, {1.0, 2.0, 3.0}, "#000000", false, 2.0});
    p.lines.push_back({"dashed", {0.0, 0.5, 1.0}, {3.0, std::nan(""), 1.0}, "#ff0000", true, 2.0});
    p.bands.push_back({"band", {0.0, 1.0}, {0.0, 0.0}, {1.0, 1.0}, "#00ff00", 0.2});
    p.markers.push_back({1.0, 1.0, "end", "#ff0000"});
    plot_figure f;
    f.title = "Title & more";
    f.x_label = "t";
    f.panels = {p, p};

    const std::string svg = to_svg(f);
    CHECK(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0) == 0);
    CHECK(svg.find("</svg>") != std::string::npos);
    CHECK(count(svg, "<g") == count(svg, "</g>"));
    CHECK(count(svg, "stroke-dasharray=\"7 5\"") == 2);     // the dashed line, once per panel
    CHECK(count(svg, "a &lt; b &amp; &quot;c&quot;") == 2); // escaped, in each legend
    CHECK(svg.find("Title &amp; more") != std::string::npos);
    CHECK(count(svg, "<circle") == 2);
    // A NaN breaks the line instead of printing "nan" into a coordinate.
    CHECK(svg.find("nan") == std::string::npos);
    CHECK(svg.find("inf") == std::string::npos);
    CHECK(to_svg(f) == svg);
}

TEST_CASE("the path of guides runs from the prior to the posterior, positive definite throughout",
          "[docs][plot]") {
    const model::model_instance ref = model::reference_instance();
    const model::gaussian prior = ref.model.prior();
    const model::gaussian posterior = ref.model.posterior(ref.x);

    const model::gaussian start = guide_on_path(prior, posterior, 0.0);
    const model::gaussian end = guide_on_path(prior, posterior, 1.0);
    CHECK((start.mean() - prior.mean()).norm() == 0.0);
    CHECK((start.covariance() - prior.covariance()).norm() < 1e-15);
    CHECK((end.mean() - posterior.mean()).norm() < 1e-15);
    CHECK((end.covariance() - posterior.covariance()).norm() < 1e-15);

    // from_cholesky throws on a factor that is not a valid Cholesky factor.
    for (int i = 0; i <= 100; ++i)
        CHECK_NOTHROW(guide_on_path(prior, posterior, i / 100.0));

    // Also on random models of higher dimension, with ill-conditioned priors.
    for (std::uint64_t index : {7u, 23u, 61u}) {
        const model::model_instance m = model::random_instance(model::default_model_seed, index);
        const model::gaussian post = m.model.posterior(m.x);
        for (double t : {0.0, 0.25, 0.5, 0.75, 1.0})
            CHECK_NOTHROW(guide_on_path(m.model.prior(), post, t));
    }
}

TEST_CASE("along the path the ELBO stays below log p(x), and the gap is the KL, closing to 0",
          "[docs][plot]") {
    const model::model_instance ref = model::reference_instance();
    const path_curves c = exact_curves_along_path(ref.model, ref.x, 21);
    REQUIRE(c.t.size() == 21);
    CHECK(c.t.front() == 0.0);
    CHECK(c.t.back() == 1.0);
    const double log_evidence = ref.model.log_evidence(ref.x);
    for (std::size_t i = 0; i < c.t.size(); ++i) {
        INFO("t = " << c.t[i]);
        CHECK(c.log_evidence[i] == log_evidence);
        CHECK(c.elbo[i] <= log_evidence + 1e-12);
        CHECK(c.gap[i] >= 0.0);
        CHECK(c.elbo[i] + c.gap[i] == Approx(log_evidence).epsilon(1e-10));
        if (i > 0)
            CHECK(c.gap[i] < c.gap[i - 1]); // on this path the guide only gets closer
    }
    CHECK(c.gap.front() ==
          Approx(ref.model.kl_to_posterior(ref.x, ref.model.prior())).epsilon(1e-12));
    CHECK(std::abs(c.gap.back()) < 1e-10);
}

TEST_CASE("the importance-weighted bounds lie between the ELBO and log p(x), ordered in K",
          "[docs][plot]") {
    const model::model_instance ref = model::reference_instance();
    const path_curves c = exact_curves_along_path(ref.model, ref.x, 6);
    eval::sampling_settings sampling;
    sampling.samples = 8'000;
    sampling.threads = 1;
    const path_estimate l5 = importance_weighted_along_path(ref.model, ref.x, c, 5, sampling);
    const path_estimate l50 = importance_weighted_along_path(ref.model, ref.x, c, 50, sampling);
    CHECK(l5.label.find("K = 5;") != std::string::npos);
    CHECK(l5.latex == R"(\mathcal{L}_{5})");
    REQUIRE(l5.values.size() == c.t.size());
    REQUIRE(l50.values.size() == c.t.size());
    for (std::size_t i = 0; i + 1 < c.t.size(); ++i) {
        INFO("t = " << c.t[i]);
        // Far from the posterior the bounds are many standard errors apart, so these orderings
        // hold for the estimates too.
        CHECK(c.elbo[i] < l5.values[i]);
        CHECK(l5.values[i] < l50.values[i]);
        CHECK(l50.values[i] < c.log_evidence[i]);
    }
    // At the posterior every weight is p(x): all the bounds are log p(x).
    CHECK(l5.values.back() == Approx(c.log_evidence.back()).epsilon(1e-12));
    CHECK(l50.values.back() == Approx(c.log_evidence.back()).epsilon(1e-12));
    // Reproducible, bit for bit, on any number of threads: the committed plots depend on it.
    sampling.threads = 2;
    CHECK(importance_weighted_along_path(ref.model, ref.x, c, 5, sampling).values == l5.values);
    // ...and the seed is used: another seed gives other draws.
    sampling.seed += 1;
    CHECK(importance_weighted_along_path(ref.model, ref.x, c, 5, sampling).values != l5.values);
}

TEST_CASE("the path figure shows the bounds on top and the gap closing to 0 below",
          "[docs][plot]") {
    const model::model_instance ref = model::reference_instance();
    const path_curves c = exact_curves_along_path(ref.model, ref.x, 11);
    const plot_figure f = path_plot(c, "A derivation", {{"L₅ (IWAE)", "L_5", c.elbo}});
    REQUIRE(f.panels.size() == 2);
    CHECK(f.panels[0].lines.size() == 3); // log p(x), the ELBO, the estimate
    CHECK(f.panels[1].include_zero);
    REQUIRE(f.panels[1].markers.size() == 1);
    CHECK(f.panels[1].markers[0].x == 1.0);
    CHECK(std::abs(f.panels[1].markers[0].y) < 1e-10);
    const std::string svg = to_svg(f);
    for (const char* label : {"log p(x)", "ELBO(q_t)", "L₅ (IWAE)", "gap = KL(q_t ‖ p(z | x))"})
        CHECK(svg.find(label) != std::string::npos);
}
