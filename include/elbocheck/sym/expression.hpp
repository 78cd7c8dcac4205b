#pragma once
// The derivation language: expression templates that read like the math,
//
//     log(p(x, z) / q(z | x)),   E(z, q(z | x))[log(p(x | z))],   integral(z, p(x, z)),
//     KL(q(z | x), p(z)),        log(p(x)) - elbo
//
// Every node is an empty type: an expression costs nothing at run time and is carried
// entirely by its type. Each type lowers (constexpr) to a `term`, the representation the
// rule engine works on, so the engine is written once for compile time and run time.

#include "elbocheck/sym/fixed_string.hpp"
#include "elbocheck/sym/term.hpp"

#include <concepts>
#include <type_traits>

namespace elbocheck::sym {

// An expression type lowers to a term.
template <class T>
concept expression = requires {
    { T::lower() } -> std::same_as<term>;
};

// ---- Symbols ---------------------------------------------------------------------------------

template <int Id, fixed_string Latex, variable_role Role>
struct variable_t {
    static constexpr symbol info() {
        return {Id, Latex.view(), static_cast<std::uint8_t>(Role), {}};
    }
    static constexpr term lower() { return make_variable(info()); }
};

// A scalar parameter: its sign as far as it is known, and the value (a fraction) the numeric
// check evaluates it at.
template <int Id, fixed_string Latex, parameter_sign Sign, std::int64_t Num, std::int64_t Den = 1>
struct parameter_t {
    static constexpr term lower() {
        return make_parameter({Id, Latex.view(), static_cast<std::uint8_t>(Sign), {}}, {Num, Den});
    }
};

template <class... Vs>
struct variable_list {};

// `x | z`: the arguments of a conditional density, before and after the bar.
template <class Sampled, class Given>
struct conditioning_t {};

template <int I1, fixed_string L1, variable_role R1, int I2, fixed_string L2, variable_role R2>
constexpr auto operator|(variable_t<I1, L1, R1>, variable_t<I2, L2, R2>) {
    return conditioning_t<variable_list<variable_t<I1, L1, R1>>,
                          variable_list<variable_t<I2, L2, R2>>>{};
}

template <class Family, class Sampled, class Given>
struct density_t;

template <class Family, class... S, class... G>
struct density_t<Family, variable_list<S...>, variable_list<G...>> {
    static constexpr term lower() {
        return make_density(Family::info(), {S::lower()...}, {G::lower()...});
    }
};

namespace detail {
// Splits a density's arguments at the bar: p(x, z | w, v) arrives as
// (x, conditioning<z | w>, v), so variables before the conditioning are sampled and
// those after it are conditioned on.
template <class Sampled, class Given, bool AfterBar, class... Args>
struct split_arguments {
    using sampled = Sampled;
    using given = Given;
};
template <class... S, class... G, bool AfterBar, int I, fixed_string L, variable_role R,
          class... Rest>
struct split_arguments<variable_list<S...>, variable_list<G...>, AfterBar, variable_t<I, L, R>,
                       Rest...>
    : std::conditional_t<AfterBar,
                         split_arguments<variable_list<S...>,
                                         variable_list<G..., variable_t<I, L, R>>, true, Rest...>,
                         split_arguments<variable_list<S..., variable_t<I, L, R>>,
                                         variable_list<G...>, false, Rest...>> {};
template <class... S, class... G, class... CS, class... CG, class... Rest>
struct split_arguments<variable_list<S...>, variable_list<G...>, false,
                       conditioning_t<variable_list<CS...>, variable_list<CG...>>, Rest...>
    : split_arguments<variable_list<S..., CS...>, variable_list<G..., CG...>, true, Rest...> {};
} // namespace detail

// A family of densities (p or q), called on its variables: p(x, z), p(x | z), q(z | x).
template <int Id, fixed_string Latex, fixed_string Subscript, family_role Role>
struct family_t {
    static constexpr symbol info() {
        return {Id, Latex.view(), static_cast<std::uint8_t>(Role), Subscript.view()};
    }
    template <class... Args>
    constexpr auto operator()(Args...) const {
        using split = detail::split_arguments<variable_list<>, variable_list<>, false, Args...>;
        return density_t<family_t, typename split::sampled, typename split::given>{};
    }
};

// ---- Operators -------------------------------------------------------------------------------

template <std::int64_t Num, std::int64_t Den = 1>
struct number_t {
    static constexpr term lower() { return make_number({Num, Den}); }
};
template <std::int64_t Num, std::int64_t Den = 1>
inline constexpr number_t<Num, Den> num{};

template <expression A>
struct log_t {
    static constexpr term lower() { return make_log(A::lower()); }
};
template <expression A>
struct exp_t {
    static constexpr term lower() { return make_exp(A::lower()); }
};
template <expression A>
struct neg_t {
    static constexpr term lower() { return make_negation(A::lower()); }
};
template <expression A, expression B>
struct add_t {
    static constexpr term lower() { return make_sum({A::lower(), B::lower()}); }
};
template <expression A, expression B>
struct sub_t {
    static constexpr term lower() { return make_difference(A::lower(), B::lower()); }
};
template <expression A, expression B>
struct mul_t {
    static constexpr term lower() { return make_product({A::lower(), B::lower()}); }
};
template <expression A, expression B>
struct div_t {
    static constexpr term lower() { return make_quotient(A::lower(), B::lower()); }
};
template <class V, expression D, expression Body>
struct expectation_t {
    static constexpr term lower() {
        return make_expectation(V::lower(), D::lower(), Body::lower());
    }
};
template <class V, expression Body>
struct integral_t {
    static constexpr term lower() { return make_integral(V::lower(), Body::lower()); }
};
template <expression A, expression B>
struct kl_t {
    static constexpr term lower() { return make_kl(A::lower(), B::lower()); }
};

// A defined quantity: ELBO := E_q[log p(x, z) / q(z | x)]. It prints as its name and
// equals its definition by the rule `definition`.
template <int Id, fixed_string Latex, expression Definition>
struct named_t {
    static constexpr term lower() {
        return make_named({Id, Latex.view(), 0, {}}, Definition::lower());
    }
};

template <int Id, fixed_string Latex, expression Definition>
constexpr auto define(Definition) {
    return named_t<Id, Latex, Definition>{};
}

template <expression A>
constexpr log_t<A> log(A) {
    return {};
}
template <expression A>
constexpr exp_t<A> exp(A) {
    return {};
}
template <expression A>
constexpr neg_t<A> operator-(A) {
    return {};
}
template <expression A, expression B>
constexpr add_t<A, B> operator+(A, B) {
    return {};
}
template <expression A, expression B>
constexpr sub_t<A, B> operator-(A, B) {
    return {};
}
template <expression A, expression B>
constexpr mul_t<A, B> operator*(A, B) {
    return {};
}
template <expression A, expression B>
constexpr div_t<A, B> operator/(A, B) {
    return {};
}

// E(z, q(z | x))[f]: the expectation of f over z drawn from q(z | x).
template <class V, expression D>
struct expectation_over {
    template <expression Body>
    constexpr expectation_t<V, D, Body> operator[](Body) const {
        return {};
    }
};
template <int I, fixed_string L, variable_role R, expression D>
constexpr expectation_over<variable_t<I, L, R>, D> E(variable_t<I, L, R>, D) {
    return {};
}

// integral(z, f): the integral of f over z.
template <int I, fixed_string L, variable_role R, expression Body>
constexpr integral_t<variable_t<I, L, R>, Body> integral(variable_t<I, L, R>, Body) {
    return {};
}

// An integral as some documents write it, with no differential: kept so it can be flagged.
template <expression Body>
struct integral_without_differential_t {
    static constexpr term lower() { return make_integral_without_differential(Body::lower()); }
};
template <expression Body>
constexpr integral_without_differential_t<Body> integral_without_differential(Body) {
    return {};
}

template <expression A, expression B>
constexpr kl_t<A, B> KL(A, B) {
    return {};
}

template <expression T>
constexpr term lower(T) {
    return T::lower();
}

} // namespace elbocheck::sym
