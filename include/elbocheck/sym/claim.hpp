#pragma once
// Writing derivations in C++ and checking them while compiling:
//
//     constexpr auto d = derivation(log(p(x)))
//         .eq(log(integral(z, p(x, z))), by(marginalization), "Integrate z out of the joint.")
//         .ge(E(z, q(z | x))[log(p(x, z) / q(z | x))], by(jensen), "log is concave.");
//     ELBOCHECK_CLAIM_VALID(d);   // does not compile if a step is not justified
//
// The steps live in the derivation's type, so verdicts<decltype(d)> is a constexpr array
// computed by the same engine the CLI runs. A derivation that records a document's
// mistakes is not claimed valid: tests compare its verdicts with the steps marked
// .flagged("why").

#include "elbocheck/sym/derivation.hpp"
#include "elbocheck/sym/expression.hpp"

#include <array>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

namespace elbocheck::sym {

template <rule_id Id>
struct rule_tag {};
template <rule_id... Ids>
struct rule_list {
    static constexpr std::vector<rule_id> lower() { return {Ids...}; }
};
template <rule_id... Ids>
constexpr rule_list<Ids...> by(rule_tag<Ids>...) {
    return {};
}

namespace rules {
inline constexpr rule_tag<rule_id::rearrangement> rearrangement{};
inline constexpr rule_tag<rule_id::definition> definition{};
inline constexpr rule_tag<rule_id::marginalization> marginalization{};
inline constexpr rule_tag<rule_id::chain_rule> chain_rule{};
inline constexpr rule_tag<rule_id::bayes_rule> bayes_rule{};
inline constexpr rule_tag<rule_id::multiply_by_one> multiply_by_one{};
inline constexpr rule_tag<rule_id::add_zero> add_zero{};
inline constexpr rule_tag<rule_id::integral_as_expectation> integral_as_expectation{};
inline constexpr rule_tag<rule_id::expectation_as_integral> expectation_as_integral{};
inline constexpr rule_tag<rule_id::log_of_product> log_of_product{};
inline constexpr rule_tag<rule_id::log_of_quotient> log_of_quotient{};
inline constexpr rule_tag<rule_id::linearity> linearity{};
inline constexpr rule_tag<rule_id::expectation_of_constant> expectation_of_constant{};
inline constexpr rule_tag<rule_id::normalization> normalization{};
inline constexpr rule_tag<rule_id::kl_definition> kl_definition{};
inline constexpr rule_tag<rule_id::kl_nonnegative> kl_nonnegative{};
inline constexpr rule_tag<rule_id::jensen> jensen{};
} // namespace rules

template <relation R, expression Next, class Rules, class Gap = void>
struct step_t {
    static constexpr step_data lower() {
        step_data s{R, Next::lower(), Rules::lower(), {}};
        if constexpr (!std::is_void_v<Gap>)
            s.gap.push_back(Gap::lower());
        return s;
    }
};

namespace detail {
template <class Gap, class Step>
struct with_gap;
template <class Gap, relation R, class Next, class Rules, class Old>
struct with_gap<Gap, step_t<R, Next, Rules, Old>> {
    using type = step_t<R, Next, Rules, Gap>;
};
} // namespace detail

// What the author says about a step: the words, and, for a document's wrong step recorded
// as written, why it is wrong (empty when the step is meant to be right).
struct step_note {
    std::string_view words;
    std::string_view mistake;
};

struct derivation_info {
    std::string_view name;     // stable identifier, used by the CLI
    std::string_view title;    // for people
    std::string_view document; // the seed file it comes from, or empty
};

template <expression Start, class... Steps>
struct derivation_t {
    static constexpr std::size_t step_count = sizeof...(Steps);

    derivation_info about{};
    std::array<step_note, step_count> notes{};

    static constexpr derivation_data lower() { return {Start::lower(), {Steps::lower()...}}; }

    template <relation R, expression Next, rule_id... Ids>
    constexpr auto then(Next, rule_list<Ids...>, std::string_view words) const {
        derivation_t<Start, Steps..., step_t<R, Next, rule_list<Ids...>>> out{about, {}};
        for (std::size_t i = 0; i < step_count; ++i)
            out.notes[i] = notes[i];
        out.notes[step_count] = {words, {}};
        return out;
    }
    template <expression Next, rule_id... Ids>
    constexpr auto eq(Next n, rule_list<Ids...> r, std::string_view words) const {
        return then<relation::eq>(n, r, words);
    }
    template <expression Next, rule_id... Ids>
    constexpr auto ge(Next n, rule_list<Ids...> r, std::string_view words) const {
        return then<relation::ge>(n, r, words);
    }
    template <expression Next, rule_id... Ids>
    constexpr auto le(Next n, rule_list<Ids...> r, std::string_view words) const {
        return then<relation::le>(n, r, words);
    }
    // Says what the last step's gap equals (an inequality's larger side minus its smaller).
    template <expression Gap>
    constexpr auto gap_is(Gap) const {
        static_assert(step_count > 0, "gap_is() annotates the last step; there is none yet");
        return replace_last_step<Gap>(std::make_index_sequence<step_count - 1>{});
    }

    // Marks the last step as a document's mistake, recorded as written.
    template <class Gap, std::size_t... I>
    constexpr auto replace_last_step(std::index_sequence<I...>) const;

    constexpr derivation_t flagged(std::string_view why) const {
        static_assert(step_count > 0, "flagged() marks the last step; there is none yet");
        derivation_t out = *this;
        out.notes[step_count - 1].mistake = why;
        return out;
    }
};

template <expression Start, class... Steps>
template <class Gap, std::size_t... I>
constexpr auto derivation_t<Start, Steps...>::replace_last_step(std::index_sequence<I...>) const {
    using steps = std::tuple<Steps...>;
    using last = std::tuple_element_t<step_count - 1, steps>;
    derivation_t<Start, std::tuple_element_t<I, steps>...,
                 typename detail::with_gap<Gap, last>::type>
        out{about, notes};
    return out;
}

template <expression Start>
constexpr derivation_t<Start> derivation(derivation_info about, Start) {
    return {about, {}};
}

// The verdict of a single step written with the DSL: check(a, relation::eq, b, by(...)).
template <expression Before, expression After, rule_id... Ids>
constexpr step_verdict check(Before, relation claimed, After, rule_list<Ids...>) {
    const std::array<rule_id, sizeof...(Ids)> cited{Ids...};
    return check_step(Before::lower(), claimed, After::lower(), cited);
}

// ---- Compile-time verdicts ---------------------------------------------------------------

// The verdict of every step, computed while compiling. `Lower` is anything callable in a
// constant expression that returns the derivation_data (a derivation type's lower, or a
// lambda wrapping it).
template <auto Lower, std::size_t N>
constexpr std::array<step_verdict, N> verdicts_of() {
    const std::vector<step_verdict> all = check_derivation(Lower());
    std::array<step_verdict, N> out{};
    for (std::size_t i = 0; i < N; ++i)
        out[i] = all[i];
    return out;
}

template <class D>
inline constexpr auto
    verdicts = verdicts_of<&std::remove_cvref_t<D>::lower, std::remove_cvref_t<D>::step_count>();

template <std::size_t N>
constexpr int first_unjustified(const std::array<step_verdict, N>& v) {
    for (std::size_t i = 0; i < N; ++i)
        if (!v[i].justified())
            return static_cast<int>(i);
    return -1;
}

// Instantiated only for a failing step; its template argument is the message, which is
// how GCC shows a computed string: "In instantiation of 'struct elbocheck::sym::
// derivation_claimed_valid_has_an_unjustified_step<fixed_string<..>{"step 4 (...): ..."}>'".
template <fixed_string Message>
struct derivation_claimed_valid_has_an_unjustified_step {
    static_assert(Message.size() == 0,
                  "elbocheck: a derivation claimed valid has a step that is not justified; "
                  "the template argument above names the step, its rules and the reason");
    static constexpr bool value = false;
};

template <auto Lower, std::size_t N, int Bad>
constexpr text unjustified_step_message() {
    const derivation_data d = Lower();
    return describe(verdicts_of<Lower, N>()[Bad], Bad + 1, d.steps[Bad]);
}

// `Lower` is a lambda (see ELBOCHECK_CLAIM_VALID) so that diagnostics print "<lambda()>"
// rather than the expression type of every step.
template <auto Lower, std::size_t N>
constexpr bool claimed_valid() {
    constexpr int bad = first_unjustified(verdicts_of<Lower, N>());
    if constexpr (bad < 0) {
        return true;
    } else {
        constexpr auto message = to_fixed_string<&unjustified_step_message<Lower, N, bad>>();
        return derivation_claimed_valid_has_an_unjustified_step<message>::value;
    }
}

} // namespace elbocheck::sym

// Fails to compile, naming the step, when a step of `derivation` is not justified.
#define ELBOCHECK_CLAIM_VALID(derivation)                                                          \
    static_assert(                                                                                 \
        ::elbocheck::sym::claimed_valid<[] {                                                       \
            return std::remove_cvref_t<decltype(derivation)>::lower();                             \
        },                                                                                         \
                                        std::remove_cvref_t<decltype(derivation)>::step_count>(),  \
        "elbocheck: derivation '" #derivation "' is claimed valid but is not")
