#pragma once
// The one exception the model layer throws, and the input checks that throw it.
//
// Every message names the offending matrix or vector the way the documents write it, e.g.
// "Sigma0 (prior covariance) is not positive definite": a check that fails on one of a hundred
// random models must say which input was bad, and a NaN returned silently would instead
// surface, much later, as a wrong verdict on a derivation step.

#include <Eigen/Core>
#include <charconv>
#include <cmath>
#include <stdexcept>
#include <string>
#include <string_view>

namespace elbocheck::model {

class model_error : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// Covariances whose condition number exceeds this are rejected. A Cholesky factor computed in
// double precision is exact for a matrix perturbed by about 1e-16 relative to its largest
// eigenvalue, so at a condition number of 1e12 the weakest direction is already known to only
// about 1e-4 — far too coarse for the 1e-9 agreement the evaluators demand of exact values.
inline constexpr double max_trusted_condition_number = 1e12;

namespace detail {

// Two significant digits in scientific notation ("3.2e+15") — enough to read a message, and
// std::to_chars keeps <sstream> out of every translation unit that includes the model.
inline std::string format_number(double value) {
    char buffer[32];
    const auto result =
        std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::scientific, 1);
    return std::string(buffer, result.ptr);
}

inline std::string format_shape(Eigen::Index rows, Eigen::Index cols) {
    return std::to_string(rows) + "x" + std::to_string(cols);
}

// Built by appending: GCC 12 at -O3 reports a spurious -Wrestrict for "(" + std::to_string(..)
// (GCC bug 105329), which -Werror would turn into a build failure.
inline std::string format_entry(Eigen::Index row, Eigen::Index col) {
    std::string text = "(";
    text.append(std::to_string(row)).append(", ").append(std::to_string(col)).append(")");
    return text;
}

inline std::string concat(std::string_view a, std::string_view b) {
    std::string text(a);
    text += b;
    return text;
}

template <typename Derived>
void require_finite(const Eigen::DenseBase<Derived>& values, std::string_view name) {
    for (Eigen::Index j = 0; j < values.cols(); ++j)
        for (Eigen::Index i = 0; i < values.rows(); ++i)
            if (!std::isfinite(values(i, j))) {
                std::string where = values.cols() == 1 ? "entry " + std::to_string(i)
                                                       : "entry " + format_entry(i, j);
                throw model_error(concat(name, " has a non-finite " + where + " (" +
                                                   format_number(values(i, j)) + ")"));
            }
}

template <typename Derived>
void require_size(const Eigen::MatrixBase<Derived>& vector, Eigen::Index expected,
                  std::string_view name, std::string_view because) {
    if (vector.size() != expected)
        throw model_error(concat(name, " has " + std::to_string(vector.size()) + " entries but " +
                                           std::string(because)));
}

template <typename Derived>
void require_square(const Eigen::MatrixBase<Derived>& matrix, std::string_view name) {
    if (matrix.rows() != matrix.cols())
        throw model_error(
            concat(name, " must be square but is " + format_shape(matrix.rows(), matrix.cols())));
    if (matrix.rows() == 0)
        throw model_error(concat(name, " is empty (0x0)"));
}

// Rounding in a product such as W Sigma0 W^T leaves asymmetries of order 1e-16 relative to the
// largest entry; anything above 1e-10 is a genuinely non-symmetric input, not rounding.
template <typename Derived>
void require_symmetric(const Eigen::MatrixBase<Derived>& matrix, std::string_view name) {
    const double scale = matrix.cwiseAbs().maxCoeff();
    for (Eigen::Index j = 0; j < matrix.cols(); ++j)
        for (Eigen::Index i = j + 1; i < matrix.rows(); ++i)
            if (std::abs(matrix(i, j) - matrix(j, i)) > 1e-10 * scale)
                throw model_error(concat(name, " is not symmetric: entries " + format_entry(i, j) +
                                                   " and " + format_entry(j, i) + " differ (" +
                                                   format_number(matrix(i, j)) + " vs " +
                                                   format_number(matrix(j, i)) + ")"));
}

} // namespace detail
} // namespace elbocheck::model
