#pragma once
// The compile-time translation of an integrand's expression type (the body of E_q[...]) into the
// blocks the fused Monte Carlo kernel evaluates, for the linear-Gaussian model p(x, z) =
// N(z; mu0, Sigma0) N(x; W z + b, Psi) under a Gaussian guide q(z) = N(m, Lq Lq^T), in whitened
// guide coordinates eps (z = m + Lq eps). Every log-density the model and the guide define is a
// constant minus half a squared norm of a residual that is affine in eps:
//
//     block         density                        residual
//     likelihood    log p(x | z)                   a - C eps      (D rows)
//     prior         log p(z)                       a0 + P eps     (d rows)
//     guide         log q(z | x), log q(z)         eps            (the identity)
//
// and log p(x, z) = likelihood + prior. An integrand the kernel can evaluate is therefore a sum
// of these blocks with constant weights; the translation returns that sum as one rational weight
// per block (a zero weight: the block is absent). The rules are those of the algebra the
// derivations use: log(A / B) = log A - log B, log(A B) = log A + log B, A + B, A - B, -A, and
// constant factors (num<a, b>, parameters such as beta at the value they state, products and
// quotients of constants) on either side of a product or below a division bar. A named quantity
// is translated through its definition.
//
// Everything else is rejected at compile time with a static_assert that names the construct and
// says why (exp, expectations, integrals, KL, the log of a sum, products of two log-densities,
// constants on their own, densities other than the model's p(x | z), p(z), p(x, z) and the
// guide's q(z | x), q(z)): none of them is a weighted sum of those Gaussian log-densities, so
// the kernel could only evaluate them by being wrong.
//
// The translation runs on the types (a class template specialization per node), not on the
// lowered constexpr term: the integrands are a handful of nodes, and matching types costs a few
// trivial instantiations where lowering would build and walk vectors of terms in the constant
// evaluator for every including translation unit.

#include "elbocheck/sym/expression.hpp"
#include "elbocheck/sym/rational.hpp"
#include "elbocheck/sym/symbols.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace elbocheck::eval {

// The Gaussian log-density blocks of the linear-Gaussian model and its guide (see above).
enum class block_kind : std::uint8_t { likelihood, prior, guide };
inline constexpr std::size_t block_kind_count = 3;

// The translation's result: the weight of each block in the integrand, sum_b w_b log density_b.
struct integrand_blocks {
    std::array<sym::rational, block_kind_count> weights{};

    constexpr sym::rational weight(block_kind kind) const {
        return weights[static_cast<std::size_t>(kind)];
    }
    constexpr bool has(block_kind kind) const { return !weight(kind).is_zero(); }

    friend constexpr integrand_blocks operator+(integrand_blocks a, const integrand_blocks& b) {
        for (std::size_t i = 0; i < block_kind_count; ++i)
            a.weights[i] = a.weights[i] + b.weights[i];
        return a;
    }
    friend constexpr integrand_blocks operator*(sym::rational c, integrand_blocks a) {
        for (auto& w : a.weights)
            w = c * w;
        return a;
    }
    friend constexpr integrand_blocks operator-(const integrand_blocks& a) {
        return sym::rational{-1} * a;
    }
    friend constexpr integrand_blocks operator-(const integrand_blocks& a,
                                                const integrand_blocks& b) {
        return a + -b;
    }
    friend constexpr bool operator==(const integrand_blocks&, const integrand_blocks&) = default;
};

constexpr integrand_blocks single_block(block_kind kind) {
    integrand_blocks b;
    b.weights[static_cast<std::size_t>(kind)] = 1;
    return b;
}

// Which code the kernel needs, and nothing about the model: blocks of positive weight (other than
// the guide's) reduce to one triangular block whose squares are added, blocks of negative weight
// to one whose squares are subtracted, and the guide's identity block to a coefficient of |eps|^2.
// A template parameter of the kernel, so each integrand instantiates only the loops it uses.
struct kernel_shape {
    bool added = false;      // a triangular block with positive weight
    bool subtracted = false; // a triangular block with negative weight
    bool identity = false;   // the guide's |eps|^2
    friend constexpr bool operator==(const kernel_shape&, const kernel_shape&) = default;
};

constexpr kernel_shape shape_of(const integrand_blocks& b) {
    kernel_shape s;
    for (const block_kind kind : {block_kind::likelihood, block_kind::prior}) {
        s.added = s.added || b.weight(kind).sign() > 0;
        s.subtracted = s.subtracted || b.weight(kind).sign() < 0;
    }
    s.identity = b.has(block_kind::guide);
    return s;
}

namespace translation {

// The model's and the guide's symbols: the blocks exist for these variables and families only.
using x_type = std::remove_cvref_t<decltype(sym::symbols::x)>;
using z_type = std::remove_cvref_t<decltype(sym::symbols::z)>;
using model_family = std::remove_cvref_t<decltype(sym::symbols::p)>;
using guide_family = std::remove_cvref_t<decltype(sym::symbols::q)>;

template <class>
inline constexpr bool unsupported = false;

// ---- Constant factors ---------------------------------------------------------------------

template <class E>
struct constant_factor {
    static constexpr bool is_constant = false;
    static constexpr sym::rational value{}; // read only when is_constant
};
template <std::int64_t N, std::int64_t D>
struct constant_factor<sym::number_t<N, D>> {
    static constexpr bool is_constant = true;
    static constexpr sym::rational value{N, D};
};
// A parameter is evaluated at the value it states, as in every numeric check of the project.
template <int Id, sym::fixed_string L, sym::parameter_sign S, std::int64_t N, std::int64_t D>
struct constant_factor<sym::parameter_t<Id, L, S, N, D>> {
    static constexpr bool is_constant = true;
    static constexpr sym::rational value{N, D};
};
template <class A>
struct constant_factor<sym::neg_t<A>> {
    static constexpr bool is_constant = constant_factor<A>::is_constant;
    static constexpr sym::rational value = -constant_factor<A>::value;
};
template <class A, class B>
struct constant_factor<sym::mul_t<A, B>> {
    static constexpr bool is_constant =
        constant_factor<A>::is_constant && constant_factor<B>::is_constant;
    static constexpr sym::rational value = constant_factor<A>::value * constant_factor<B>::value;
};
// Sums of constants, as in the weight (1 + gamma) of a beta = 1 + gamma objective.
template <class A, class B>
struct constant_factor<sym::add_t<A, B>> {
    static constexpr bool is_constant =
        constant_factor<A>::is_constant && constant_factor<B>::is_constant;
    static constexpr sym::rational value = constant_factor<A>::value + constant_factor<B>::value;
};
template <class A, class B>
struct constant_factor<sym::sub_t<A, B>> {
    static constexpr bool is_constant =
        constant_factor<A>::is_constant && constant_factor<B>::is_constant;
    static constexpr sym::rational value = constant_factor<A>::value + -constant_factor<B>::value;
};
template <class A, class B>
struct constant_factor<sym::div_t<A, B>> {
    static constexpr bool is_constant = constant_factor<A>::is_constant &&
                                        constant_factor<B>::is_constant &&
                                        !constant_factor<B>::value.is_zero();
    static constexpr sym::rational value =
        is_constant ? constant_factor<A>::value / constant_factor<B>::value : sym::rational{};
};

template <class E>
inline constexpr bool is_constant = constant_factor<E>::is_constant;

// ---- Log-densities ------------------------------------------------------------------------

template <class Family, class Sampled, class Given>
struct density_blocks {
    static_assert(unsupported<Family>,
                  "compiled_integrand: a density of a family other than the model p and the guide "
                  "q: the fused kernel knows only the Gaussian log-densities of the "
                  "linear-Gaussian model and its guide");
    static constexpr integrand_blocks value{};
};
template <class Sampled, class Given>
struct density_blocks<model_family, Sampled, Given> {
    static_assert(unsupported<Sampled>,
                  "compiled_integrand: unsupported model density: the fused kernel evaluates "
                  "log p(x | z), log p(z) and log p(x, z) of the model's x and z only (p(x) is not "
                  "a function of z, p(z | x) is not one of the model's factors, and z_1, theta are "
                  "not variables of the linear-Gaussian model)");
    static constexpr integrand_blocks value{};
};
template <class Sampled, class Given>
struct density_blocks<guide_family, Sampled, Given> {
    static_assert(unsupported<Sampled>,
                  "compiled_integrand: unsupported guide density: the fused kernel evaluates "
                  "log q(z | x) and log q(z) only (the guide is a Gaussian over the model's z)");
    static constexpr integrand_blocks value{};
};
template <>
struct density_blocks<model_family, sym::variable_list<x_type>, sym::variable_list<z_type>> {
    static constexpr integrand_blocks value = single_block(block_kind::likelihood);
};
template <>
struct density_blocks<model_family, sym::variable_list<z_type>, sym::variable_list<>> {
    static constexpr integrand_blocks value = single_block(block_kind::prior);
};
template <>
struct density_blocks<model_family, sym::variable_list<x_type, z_type>, sym::variable_list<>> {
    static constexpr integrand_blocks value =
        single_block(block_kind::likelihood) + single_block(block_kind::prior);
};
template <>
struct density_blocks<model_family, sym::variable_list<z_type, x_type>, sym::variable_list<>>
    : density_blocks<model_family, sym::variable_list<x_type, z_type>, sym::variable_list<>> {};
template <>
struct density_blocks<guide_family, sym::variable_list<z_type>, sym::variable_list<x_type>> {
    static constexpr integrand_blocks value = single_block(block_kind::guide);
};
template <>
struct density_blocks<guide_family, sym::variable_list<z_type>, sym::variable_list<>>
    : density_blocks<guide_family, sym::variable_list<z_type>, sym::variable_list<x_type>> {};

// log E for E a product or quotient of densities.
template <class E>
struct log_of {
    static_assert(unsupported<E>,
                  "compiled_integrand: the log of something other than a density, a product or a "
                  "quotient of densities (for example the log of a sum, of a constant, or of an "
                  "expectation): it is not a weighted sum of Gaussian log-densities, the only "
                  "integrand the fused kernel evaluates");
    static constexpr integrand_blocks value{};
};
template <class F, class... S, class... G>
struct log_of<sym::density_t<F, sym::variable_list<S...>, sym::variable_list<G...>>>
    : density_blocks<F, sym::variable_list<S...>, sym::variable_list<G...>> {};
template <class A, class B>
struct log_of<sym::mul_t<A, B>> {
    static constexpr integrand_blocks value = log_of<A>::value + log_of<B>::value;
};
template <class A, class B>
struct log_of<sym::div_t<A, B>> {
    static constexpr integrand_blocks value = log_of<A>::value - log_of<B>::value;
};
template <class A, class B>
struct log_of<sym::add_t<A, B>> {
    static_assert(unsupported<A>,
                  "compiled_integrand: the log of a sum: log(A + B) is not a sum of "
                  "log-densities, and the fused kernel evaluates only weighted sums of Gaussian "
                  "log-densities");
    static constexpr integrand_blocks value{};
};

// ---- Scalar expressions -------------------------------------------------------------------

template <class E>
struct scalar {
    static_assert(unsupported<E>,
                  "compiled_integrand: unsupported node in the integrand: the fused kernel "
                  "evaluates only weighted sums of the Gaussian log-densities log p(x | z), "
                  "log p(z), log p(x, z), log q(z | x)");
    static constexpr integrand_blocks value{};
};
template <class A>
struct scalar<sym::log_t<A>> : log_of<A> {};
template <class A, class B>
struct scalar<sym::add_t<A, B>> {
    static constexpr integrand_blocks value = scalar<A>::value + scalar<B>::value;
};
template <class A, class B>
struct scalar<sym::sub_t<A, B>> {
    static constexpr integrand_blocks value = scalar<A>::value - scalar<B>::value;
};
template <class A>
struct scalar<sym::neg_t<A>> {
    static constexpr integrand_blocks value = -scalar<A>::value;
};
template <class A, class B>
struct scalar<sym::mul_t<A, B>> {
    static constexpr integrand_blocks value = [] {
        if constexpr (is_constant<A>) {
            return constant_factor<A>::value * scalar<B>::value;
        } else if constexpr (is_constant<B>) {
            return constant_factor<B>::value * scalar<A>::value;
        } else {
            static_assert(unsupported<A>,
                          "compiled_integrand: a product of two non-constant factors: a product "
                          "of log-densities is quartic in z, not a weighted sum of Gaussian "
                          "log-densities (only constant weights such as num<a, b> or beta may "
                          "multiply a log-density)");
            return integrand_blocks{};
        }
    }();
};
template <class A, class B>
struct scalar<sym::div_t<A, B>> {
    static constexpr integrand_blocks value = [] {
        if constexpr (is_constant<B>) {
            return (sym::rational{1} / constant_factor<B>::value) * scalar<A>::value;
        } else {
            static_assert(unsupported<A>,
                          "compiled_integrand: a division by a non-constant (or zero) "
                          "expression: only a constant non-zero divisor keeps the integrand a "
                          "weighted sum of Gaussian log-densities");
            return integrand_blocks{};
        }
    }();
};
template <int Id, sym::fixed_string L, class Definition>
struct scalar<sym::named_t<Id, L, Definition>> : scalar<Definition> {};
template <std::int64_t N, std::int64_t D>
struct scalar<sym::number_t<N, D>> {
    static_assert(unsupported<sym::number_t<N, D>>,
                  "compiled_integrand: a constant term on its own: the fused kernel evaluates "
                  "weighted sums of Gaussian log-densities (a constant belongs outside E_q[...])");
    static constexpr integrand_blocks value{};
};
template <int Id, sym::fixed_string L, sym::parameter_sign S, std::int64_t N, std::int64_t D>
struct scalar<sym::parameter_t<Id, L, S, N, D>> {
    static_assert(unsupported<sym::parameter_t<Id, L, S, N, D>>,
                  "compiled_integrand: a parameter on its own: the fused kernel evaluates "
                  "weighted sums of Gaussian log-densities (a constant belongs outside E_q[...])");
    static constexpr integrand_blocks value{};
};
template <class A>
struct scalar<sym::exp_t<A>> {
    static_assert(unsupported<A>,
                  "compiled_integrand: exp(...) is not supported: the exponential of a "
                  "log-density is not a weighted sum of Gaussian log-densities (use the "
                  "log-mean-weight or IWAE estimators for E_q[w])");
    static constexpr integrand_blocks value{};
};
template <class V, class D, class Body>
struct scalar<sym::expectation_t<V, D, Body>> {
    static_assert(unsupported<Body>,
                  "compiled_integrand: an expectation inside the integrand: the kernel evaluates "
                  "the body of one E_q[...] per sample, and a nested expectation has no per-sample "
                  "value");
    static constexpr integrand_blocks value{};
};
template <class V, class Body>
struct scalar<sym::integral_t<V, Body>> {
    static_assert(unsupported<Body>,
                  "compiled_integrand: an integral inside the integrand: it has no per-sample "
                  "value the fused kernel could evaluate");
    static constexpr integrand_blocks value{};
};
template <class Body>
struct scalar<sym::integral_without_differential_t<Body>> : scalar<sym::integral_t<void, Body>> {};
template <class A, class B>
struct scalar<sym::kl_t<A, B>> {
    static_assert(unsupported<A>,
                  "compiled_integrand: KL(...) inside the integrand: a KL divergence is an "
                  "expectation, not a per-sample value (estimator B subtracts the exact KL "
                  "outside the kernel)");
    static constexpr integrand_blocks value{};
};

} // namespace translation

// The blocks of the integrand expression type E; fails to compile (naming the construct) when E
// is not a weighted sum of the model's and the guide's Gaussian log-densities.
template <sym::expression E>
inline constexpr integrand_blocks blocks_of = translation::scalar<E>::value;

} // namespace elbocheck::eval
