#pragma once
// Line plots as SVG text, with no plotting library: the documentation needs a few curves with
// labelled axes and a legend, and an SVG written by hand is small, diffable and needs nothing
// at view time. The output is a pure function of the data: coordinates are printed with two
// decimals and nothing depends on time or locale, so regenerated docs compare byte for byte.
//
// A figure is a column of panels that share the x axis; each panel has its own y axis, lines
// (solid or dashed), shaded bands between two curves, labelled markers and a legend.

#include "elbocheck/report/xml_escape.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace elbocheck::report {

enum class legend_corner { top_left, top_right, bottom_left, bottom_right };

struct plot_line {
    std::string label;
    std::vector<double> x, y;
    std::string color;
    bool dashed = false;
    double width = 2.0;
};

// The area between `lower` and `upper`; a band with an empty label stays out of the legend.
struct plot_band {
    std::string label;
    std::vector<double> x, lower, upper;
    std::string color;
    double opacity = 0.15;
};

struct plot_marker {
    double x = 0.0, y = 0.0;
    std::string label;
    std::string color;
};

struct plot_panel {
    std::string y_label;
    std::vector<plot_band> bands;
    std::vector<plot_line> lines;
    std::vector<plot_marker> markers;
    legend_corner legend = legend_corner::top_right;
    bool include_zero = false; // keep y = 0 in view (a quantity that should reach 0)
    double height_share = 1.0; // relative to the other panels
};

struct plot_figure {
    std::string title, subtitle, x_label;
    double width = 760.0;
    double plots_height = 470.0; // all panels together, without margins
    std::vector<plot_panel> panels;
};

// Axis ticks at 1, 2 or 5 times a power of ten, with the axis widened to whole ticks.
struct axis_ticks {
    double lo = 0.0, hi = 1.0, step = 0.2;
    int decimals = 1; // enough to tell the ticks apart
    std::vector<double> values;
};

inline axis_ticks nice_ticks(double min, double max, int wanted = 5) {
    if (!std::isfinite(min) || !std::isfinite(max)) {
        min = 0.0;
        max = 1.0;
    }
    if (max < min)
        std::swap(min, max);
    if (max - min < 1e-12 * std::max(1.0, std::abs(max))) {
        // A constant: centre it in a range of one unit of its own size.
        const double half = std::max(0.5, 0.05 * std::abs(max));
        min -= half;
        max += half;
    }
    const double raw = (max - min) / std::max(1, wanted);
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    const double fraction = raw / magnitude;
    const double step = (fraction < 1.5   ? 1.0
                         : fraction < 3.0 ? 2.0
                         : fraction < 7.0 ? 5.0
                                          : 10.0) *
                        magnitude;
    axis_ticks out;
    out.step = step;
    out.lo = std::floor(min / step + 1e-9) * step;
    out.hi = std::ceil(max / step - 1e-9) * step;
    out.decimals = std::max(0, -static_cast<int>(std::floor(std::log10(step) + 1e-9)));
    const long first = std::lround(out.lo / step), last = std::lround(out.hi / step);
    for (long k = first; k <= last; ++k)
        out.values.push_back(static_cast<double>(k) * step);
    return out;
}

namespace detail {

// Fixed two decimals: enough for a pixel, and stable across builds.
inline std::string svg_number(double v) {
    if (std::abs(v) < 0.005)
        v = 0.0; // no "-0.00"
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.2f", v);
    return buffer;
}

inline std::string tick_label(double v, int decimals) {
    if (std::abs(v) < 1e-12)
        v = 0.0;
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.*f", decimals, v);
    std::string s = buffer;
    if (s.rfind('-', 0) == 0)
        s.replace(0, 1, "\u2212"); // a typographic minus, as in the math
    return s;
}

// Code points, to estimate how wide a label is (the labels use ‖, −, subscripts).
inline std::size_t glyph_count(std::string_view s) {
    return static_cast<std::size_t>(
        std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

struct frame {
    double left, top, width, height;
    double x_lo, x_hi, y_lo, y_hi;
    double px(double x) const { return left + (x - x_lo) / (x_hi - x_lo) * width; }
    double py(double y) const { return top + height - (y - y_lo) / (y_hi - y_lo) * height; }
};

// "M x y L x y ...", starting a new piece after any non-finite point.
inline std::string path_of(const frame& f, const std::vector<double>& x,
                           const std::vector<double>& y) {
    std::string d;
    bool pen_down = false;
    for (std::size_t i = 0; i < std::min(x.size(), y.size()); ++i) {
        if (!std::isfinite(x[i]) || !std::isfinite(y[i])) {
            pen_down = false;
            continue;
        }
        d += pen_down ? " L" : (d.empty() ? "M" : " M");
        d += svg_number(f.px(x[i])) + " " + svg_number(f.py(y[i]));
        pen_down = true;
    }
    return d;
}

inline std::string band_path(const frame& f, const plot_band& b) {
    const std::size_t n = std::min({b.x.size(), b.lower.size(), b.upper.size()});
    std::string d;
    for (std::size_t i = 0; i < n; ++i)
        d += (i == 0 ? "M" : " L") + svg_number(f.px(b.x[i])) + " " + svg_number(f.py(b.upper[i]));
    for (std::size_t i = n; i-- > 0;)
        d += " L" + svg_number(f.px(b.x[i])) + " " + svg_number(f.py(b.lower[i]));
    return n == 0 ? std::string() : d + " Z";
}

inline void extend(double& lo, double& hi, const std::vector<double>& values) {
    for (double v : values)
        if (std::isfinite(v)) {
            lo = std::min(lo, v);
            hi = std::max(hi, v);
        }
}

inline void write_legend(std::string& svg, const frame& f, const plot_panel& p) {
    struct entry {
        std::string label, color;
        bool dashed, band;
        double opacity;
    };
    std::vector<entry> entries;
    for (const plot_band& b : p.bands)
        if (!b.label.empty())
            entries.push_back({b.label, b.color, false, true, b.opacity});
    for (const plot_line& l : p.lines)
        entries.push_back({l.label, l.color, l.dashed, false, 1.0});
    if (entries.empty())
        return;
    std::size_t longest = 0;
    for (const entry& e : entries)
        longest = std::max(longest, glyph_count(e.label));
    const double row = 18.0, pad = 8.0;
    const double w = 36.0 + 6.6 * static_cast<double>(longest) + pad;
    const double h = row * static_cast<double>(entries.size()) + pad;
    const bool right =
        p.legend == legend_corner::top_right || p.legend == legend_corner::bottom_right;
    const bool bottom =
        p.legend == legend_corner::bottom_left || p.legend == legend_corner::bottom_right;
    const double x0 = right ? f.left + f.width - w - 10.0 : f.left + 10.0;
    const double y0 = bottom ? f.top + f.height - h - 10.0 : f.top + 10.0;
    svg += "<g class=\"legend\">\n<rect x=\"" + svg_number(x0) + "\" y=\"" + svg_number(y0) +
           "\" width=\"" + svg_number(w) + "\" height=\"" + svg_number(h) +
           "\" rx=\"4\" fill=\"#ffffff\" fill-opacity=\"0.92\" stroke=\"#d1d5db\"/>\n";
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const entry& e = entries[i];
        const double cy = y0 + pad / 2 + row * (static_cast<double>(i) + 0.5);
        if (e.band)
            svg += "<rect x=\"" + svg_number(x0 + 8) + "\" y=\"" + svg_number(cy - 6) +
                   "\" width=\"22\" height=\"12\" fill=\"" + e.color + "\" fill-opacity=\"" +
                   svg_number(std::min(1.0, 2.5 * e.opacity)) + "\"/>\n";
        else
            svg += "<line x1=\"" + svg_number(x0 + 8) + "\" y1=\"" + svg_number(cy) + "\" x2=\"" +
                   svg_number(x0 + 30) + "\" y2=\"" + svg_number(cy) + "\" stroke=\"" + e.color +
                   "\" stroke-width=\"2.5\"" + (e.dashed ? " stroke-dasharray=\"6 4\"" : "") +
                   "/>\n";
        svg += "<text x=\"" + svg_number(x0 + 36) + "\" y=\"" + svg_number(cy + 4) + "\">" +
               xml_escaped(e.label) + "</text>\n";
    }
    svg += "</g>\n";
}

} // namespace detail

inline std::string to_svg(const plot_figure& fig) {
    using detail::svg_number;
    const double left = 78.0, right = 24.0, top = fig.subtitle.empty() ? 44.0 : 62.0, bottom = 58.0,
                 spacing = 26.0;
    const double height = top + fig.plots_height + bottom;

    double x_lo = std::numeric_limits<double>::infinity(), x_hi = -x_lo;
    for (const plot_panel& p : fig.panels)
        for (const plot_line& l : p.lines)
            detail::extend(x_lo, x_hi, l.x);
    const axis_ticks xt = nice_ticks(x_lo, x_hi, 10);

    double shares = 0.0;
    for (const plot_panel& p : fig.panels)
        shares += p.height_share;
    const double usable =
        fig.plots_height -
        spacing * static_cast<double>(fig.panels.empty() ? 0 : fig.panels.size() - 1);

    std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + svg_number(fig.width) +
                      "\" height=\"" + svg_number(height) + "\" viewBox=\"0 0 " +
                      svg_number(fig.width) + " " + svg_number(height) +
                      "\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" "
                      "font-size=\"12\" role=\"img\">\n";
    svg += "<title>" + xml_escaped(fig.title) + "</title>\n";
    svg += "<desc>" + xml_escaped(fig.subtitle) + "</desc>\n";
    svg += "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n";
    svg += "<text x=\"" + svg_number(left) +
           "\" y=\"24\" font-size=\"15\" font-weight=\"bold\" "
           "fill=\"#111827\">" +
           xml_escaped(fig.title) + "</text>\n";
    if (!fig.subtitle.empty())
        svg += "<text x=\"" + svg_number(left) + "\" y=\"44\" fill=\"#4b5563\">" +
               xml_escaped(fig.subtitle) + "</text>\n";

    double y_top = top;
    for (std::size_t n = 0; n < fig.panels.size(); ++n) {
        const plot_panel& p = fig.panels[n];
        const double h = usable * p.height_share / shares;
        double lo = std::numeric_limits<double>::infinity(), hi = -lo;
        for (const plot_line& l : p.lines)
            detail::extend(lo, hi, l.y);
        for (const plot_band& b : p.bands) {
            detail::extend(lo, hi, b.lower);
            detail::extend(lo, hi, b.upper);
        }
        if (p.include_zero) {
            lo = std::min(lo, 0.0);
            hi = std::max(hi, 0.0);
        }
        // A little air above and below, so that no curve runs along the frame.
        const double air = std::isfinite(hi - lo) ? 0.04 * (hi - lo) : 0.0;
        const axis_ticks yt = nice_ticks(lo - (p.include_zero && lo == 0.0 ? 0.0 : air), hi + air);
        const detail::frame f{left, y_top, fig.width - left - right, h, xt.lo, xt.hi, yt.lo, yt.hi};
        const std::string clip = "panel-" + std::to_string(n);

        svg += "<g class=\"panel\">\n<clipPath id=\"" + clip + "\"><rect x=\"" +
               svg_number(f.left) + "\" y=\"" + svg_number(f.top) + "\" width=\"" +
               svg_number(f.width) + "\" height=\"" + svg_number(f.height) + "\"/></clipPath>\n";
        svg += "<rect x=\"" + svg_number(f.left) + "\" y=\"" + svg_number(f.top) + "\" width=\"" +
               svg_number(f.width) + "\" height=\"" + svg_number(f.height) +
               "\" fill=\"#fafafa\" stroke=\"#9ca3af\"/>\n";
        // Grid and tick labels.
        for (double v : yt.values) {
            const std::string y = svg_number(f.py(v));
            svg += "<line x1=\"" + svg_number(f.left) + "\" y1=\"" + y + "\" x2=\"" +
                   svg_number(f.left + f.width) + "\" y2=\"" + y + "\" stroke=\"" +
                   (v == 0.0 ? "#6b7280" : "#e5e7eb") + "\"/>\n";
            svg += "<text x=\"" + svg_number(f.left - 6) + "\" y=\"" + svg_number(f.py(v) + 4) +
                   "\" text-anchor=\"end\" fill=\"#374151\">" + detail::tick_label(v, yt.decimals) +
                   "</text>\n";
        }
        const bool last = n + 1 == fig.panels.size();
        for (double v : xt.values) {
            const std::string x = svg_number(f.px(v));
            svg += "<line x1=\"" + x + "\" y1=\"" + svg_number(f.top) + "\" x2=\"" + x +
                   "\" y2=\"" + svg_number(f.top + f.height) + "\" stroke=\"#eef0f3\"/>\n";
            if (last)
                svg += "<text x=\"" + x + "\" y=\"" + svg_number(f.top + f.height + 16) +
                       "\" text-anchor=\"middle\" fill=\"#374151\">" +
                       detail::tick_label(v, xt.decimals) + "</text>\n";
        }
        const double label_y = f.top + f.height / 2;
        svg += "<text transform=\"translate(" + svg_number(22) + " " + svg_number(label_y) +
               ") rotate(-90)\" text-anchor=\"middle\" fill=\"#111827\">" + xml_escaped(p.y_label) +
               "</text>\n";

        svg += "<g clip-path=\"url(#" + clip + ")\">\n";
        for (const plot_band& b : p.bands)
            svg += "<path d=\"" + detail::band_path(f, b) + "\" fill=\"" + b.color +
                   "\" fill-opacity=\"" + svg_number(b.opacity) + "\" stroke=\"none\"/>\n";
        for (const plot_line& l : p.lines)
            svg += "<path d=\"" + detail::path_of(f, l.x, l.y) + "\" fill=\"none\" stroke=\"" +
                   l.color + "\" stroke-width=\"" + svg_number(l.width) +
                   "\" stroke-linejoin=\"round\"" + (l.dashed ? " stroke-dasharray=\"7 5\"" : "") +
                   "/>\n";
        svg += "</g>\n";
        for (const plot_marker& m : p.markers) {
            svg += "<circle cx=\"" + svg_number(f.px(m.x)) + "\" cy=\"" + svg_number(f.py(m.y)) +
                   "\" r=\"5\" fill=\"#ffffff\" stroke=\"" + m.color +
                   "\" stroke-width=\"2.5\"/>\n";
            // Above and to the left of the point, with a white halo so that a curve running
            // under the label does not cross its letters.
            svg += "<text x=\"" + svg_number(f.px(m.x) - 8) + "\" y=\"" +
                   svg_number(f.py(m.y) - 14) + "\" text-anchor=\"end\" fill=\"" + m.color +
                   "\" stroke=\"#ffffff\" stroke-width=\"4\" paint-order=\"stroke\">" +
                   xml_escaped(m.label) + "</text>\n";
        }
        detail::write_legend(svg, f, p);
        svg += "</g>\n";
        y_top += h + spacing;
    }
    svg += "<text x=\"" + svg_number(left + (fig.width - left - right) / 2) + "\" y=\"" +
           svg_number(height - 14) + "\" text-anchor=\"middle\" fill=\"#111827\">" +
           xml_escaped(fig.x_label) + "</text>\n";
    svg += "</svg>\n";
    return svg;
}

} // namespace elbocheck::report
