#pragma once
// Writing derivations in C++ and checking them while compiling:
//
//     constexpr auto d = derivation({"name", "title", "document"}, log(p(x)))
//         .eq(log(integral(z, p(x, z))), by(marginalization), "Integrate z out of the joint.")
//         .ge(E(z, q(z | x))[log(p(x, z) / q(z | x))], by(jensen), "log is concave.");
//     ELBOCHECK_CLAIM_VALID(d);   // does not compile if a step is not justified
//
// A document's wrong step is recorded as written and followed by its correction:
//
//         .eq(E(z, q(z | x))[p(x)], by(log_of_quotient, linearity), "As in the document.")
//         .mistake("the log of p(x) is dropped", E(z, q(z | x))[log(p(x))])
//
// and ELBOCHECK_CLAIM_AS_RECORDED(d) then requires every recorded mistake to be flagged, its
// correction to be justified, and every other step to be justified. The steps live in the
// derivation's type, so verdicts<decltype(d)> is a constexpr array computed by the same
// engine the command-line tool runs.

#include "elbocheck/sym/derivation.hpp"
#include "elbocheck/sym/expression.hpp"

#include <array>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

namespace elbocheck::sym {

// ---- What a step cites -------------------------------------------------------------------

template <rule_id Id>
struct rule_tag {
    static constexpr rule_id id = Id;
};

// A derivation proved before, cited as a rule: lemma<other_derivation>.
template <const auto& Derivation>
struct lemma_t {
    static constexpr rule_id id = rule_id::lemma;
    static constexpr lemma_data lower() {
        using D = std::remove_cvref_t<decltype(Derivation)>;
        const derivation_data d = D::lower();
        const chain_relation overall = overall_relation(d);
        if (!overall.related)
            throw "elbocheck: a cited lemma mixes >= and <= steps, so its start and end are "
                  "not related";
        return {Derivation.about.name, d.start, d.final_term(), overall.overall};
    }
};
template <const auto& Derivation>
inline constexpr lemma_t<Derivation> lemma{};

template <class T>
struct is_citation : std::false_type {};
template <rule_id Id>
struct is_citation<rule_tag<Id>> : std::true_type {};
template <const auto& D>
struct is_citation<lemma_t<D>> : std::true_type {};

template <class... Items>
struct cite_list {
    static constexpr std::vector<rule_id> rules() { return {Items::id...}; }
    static constexpr std::vector<lemma_data> lemmas() {
        std::vector<lemma_data> out;
        (append_lemma<Items>(out), ...);
        return out;
    }

  private:
    template <class Item>
    static constexpr void append_lemma(std::vector<lemma_data>& out) {
        if constexpr (Item::id == rule_id::lemma)
            out.push_back(Item::lower());
    }
};

template <class... Items>
requires(is_citation<Items>::value&&...) constexpr cite_list<Items...> by(Items...) {
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
inline constexpr rule_tag<rule_id::jensen_finite> jensen_finite{};
} // namespace rules

// ---- Steps --------------------------------------------------------------------------------

// A step: relation, next term, citations; optionally what its gap equals, and for a
// document's recorded mistake, the corrected step.
template <relation R, expression Next, class Cites, class Gap = void, class Correction = void>
struct step_t {
    static constexpr relation claimed = R;
    using cites = Cites;

    static constexpr step_data lower() {
        step_data s{R, Next::lower(), Cites::rules(), Cites::lemmas(), {}, {}};
        if constexpr (!std::is_void_v<Gap>)
            s.gap.push_back(Gap::lower());
        if constexpr (!std::is_void_v<Correction>)
            s.correction.push_back(Correction::lower());
        return s;
    }
    static constexpr bool recorded_as_mistake = !std::is_void_v<Correction>;
};

namespace detail {
template <class Gap, class Step>
struct with_gap;
template <class Gap, relation R, class N, class C, class Old, class Fix>
struct with_gap<Gap, step_t<R, N, C, Old, Fix>> {
    using type = step_t<R, N, C, Gap, Fix>;
};

template <std::size_t N, class... Steps>
struct last_of {
    using type = std::tuple_element_t<N - 1, std::tuple<Steps...>>;
};
template <class... Steps>
struct last_of<0, Steps...> {
    using type = void;
};

template <class Fix, class Step>
struct with_correction;
template <class Fix, relation R, class N, class C, class G, class Old>
struct with_correction<Fix, step_t<R, N, C, G, Old>> {
    using type = step_t<R, N, C, G, Fix>;
};
} // namespace detail

// What the author says about a step: the words, and, for a document's wrong step recorded
// as written, why it is wrong (empty when the step is meant to be right).
struct step_note {
    std::string_view words;
    std::string_view mistake;
};

struct derivation_info {
    std::string_view name;     // stable identifier, used by the CLI (at most 31 characters)
    std::string_view title;    // for people
    std::string_view document; // the seed file it comes from, or empty
};

template <expression Start, class... Steps>
struct derivation_t {
    static constexpr std::size_t step_count = sizeof...(Steps);
    static constexpr std::size_t recorded_mistakes = (0 + ... + Steps::recorded_as_mistake);

    derivation_info about{};
    std::array<step_note, step_count> notes{};

    static constexpr derivation_data lower() { return {Start::lower(), {Steps::lower()...}}; }

    template <relation R, expression Next, class... Items>
    constexpr auto then(Next, cite_list<Items...>, std::string_view words) const {
        derivation_t<Start, Steps..., step_t<R, Next, cite_list<Items...>>> out{about, {}};
        for (std::size_t i = 0; i < step_count; ++i)
            out.notes[i] = notes[i];
        out.notes[step_count] = {words, {}};
        return out;
    }
    template <expression Next, class... Items>
    constexpr auto eq(Next n, cite_list<Items...> c, std::string_view words) const {
        return then<relation::eq>(n, c, words);
    }
    template <expression Next, class... Items>
    constexpr auto ge(Next n, cite_list<Items...> c, std::string_view words) const {
        return then<relation::ge>(n, c, words);
    }
    template <expression Next, class... Items>
    constexpr auto le(Next n, cite_list<Items...> c, std::string_view words) const {
        return then<relation::le>(n, c, words);
    }

    // Says what the last step's gap equals (an inequality's larger side minus its smaller).
    template <expression Gap>
    constexpr auto gap_is(Gap) const {
        return replace_last<detail::with_gap<Gap, last_step>>(std::string_view{});
    }

    // Records the last step as a mistake of its document, written as the document has it,
    // with the reason and the corrected step (same relation; the same citations unless
    // others are given). The derivation continues from the correction.
    template <expression Corrected>
    constexpr auto mistake(std::string_view why, Corrected) const {
        using fix = step_t<last_step::claimed, Corrected, typename last_step::cites>;
        return replace_last<detail::with_correction<fix, last_step>>(why);
    }
    template <expression Corrected, class... Items>
    constexpr auto mistake(std::string_view why, Corrected, cite_list<Items...>) const {
        using fix = step_t<last_step::claimed, Corrected, cite_list<Items...>>;
        return replace_last<detail::with_correction<fix, last_step>>(why);
    }

  private:
    using last_step = typename detail::last_of<step_count, Steps...>::type;

    template <class NewLast, std::size_t... I>
    constexpr auto replace_last_impl(std::string_view why, std::index_sequence<I...>) const {
        using steps = std::tuple<Steps...>;
        derivation_t<Start, std::tuple_element_t<I, steps>..., typename NewLast::type> out{about,
                                                                                           notes};
        if (!why.empty())
            out.notes[step_count - 1].mistake = why;
        return out;
    }
    template <class NewLast>
    constexpr auto replace_last(std::string_view why) const {
        static_assert(step_count > 0, "there is no step to annotate yet");
        return replace_last_impl<NewLast>(why, std::make_index_sequence<step_count - 1>{});
    }
};

template <expression Start>
constexpr derivation_t<Start> derivation(derivation_info about, Start) {
    return {about, {}};
}

// The verdict of a single step written with the DSL: check(a, relation::eq, b, by(...)).
template <expression Before, expression After, class... Items>
constexpr step_verdict check(Before, relation claimed, After, cite_list<Items...>) {
    using cites = cite_list<Items...>;
    return check_step(Before::lower(), claimed, After::lower(), cites::rules(), cites::lemmas());
}

// ---- Compile-time verdicts ---------------------------------------------------------------

// The outcome of every step, computed while compiling. `Lower` is anything callable in a
// constant expression that returns the derivation_data (a derivation type's lower, or a
// lambda wrapping it).
template <auto Lower, std::size_t N>
constexpr std::array<step_outcome, N> outcomes_of() {
    const std::vector<step_outcome> all = check_derivation(Lower());
    std::array<step_outcome, N> out{};
    for (std::size_t i = 0; i < N; ++i)
        out[i] = all[i];
    return out;
}

template <class D>
inline constexpr auto
    verdicts = outcomes_of<&std::remove_cvref_t<D>::lower, std::remove_cvref_t<D>::step_count>();

template <std::size_t N>
constexpr int first_unexpected(const std::array<step_outcome, N>& v) {
    for (std::size_t i = 0; i < N; ++i)
        if (!v[i].as_expected())
            return static_cast<int>(i);
    return -1;
}

// Instantiated only for a step that does not behave as claimed; its template argument is
// the message, which is how GCC shows a computed string: "In instantiation of 'struct
// elbocheck::sym::derivation_has_a_step_that_is_not_as_claimed<fixed_string<..>{"step 4
// (...): ..."}>'".
template <fixed_string Message>
struct derivation_has_a_step_that_is_not_as_claimed {
    static_assert(Message.size() == 0,
                  "elbocheck: a step of a derivation does not behave as claimed; the template "
                  "argument above names the step, its rules and the reason");
    static constexpr bool value = false;
};

template <auto Lower, std::size_t N, int Bad>
constexpr text unexpected_step_message() {
    const derivation_data d = Lower();
    return describe_unexpected(outcomes_of<Lower, N>()[Bad], Bad + 1, d.steps[Bad]);
}

// `Lower` is a lambda (see the macros) so that diagnostics print "<lambda()>" rather than
// the expression type of every step.
template <auto Lower, std::size_t N>
constexpr bool claimed_as_recorded() {
    constexpr int bad = first_unexpected(outcomes_of<Lower, N>());
    if constexpr (bad < 0) {
        return true;
    } else {
        constexpr auto message = to_fixed_string<&unexpected_step_message<Lower, N, bad>>();
        return derivation_has_a_step_that_is_not_as_claimed<message>::value;
    }
}

} // namespace elbocheck::sym

// Fails to compile, naming the step, unless every recorded mistake of `derivation` is
// flagged, its correction is justified, and every other step is justified.
#define ELBOCHECK_CLAIM_AS_RECORDED(derivation)                                                    \
    static_assert(::elbocheck::sym::claimed_as_recorded<                                           \
                      [] { return std::remove_cvref_t<decltype(derivation)>::lower(); },           \
                      std::remove_cvref_t<decltype(derivation)>::step_count>(),                    \
                  "elbocheck: derivation '" #derivation "' does not behave as recorded")

// Fails to compile, naming the step, when a step of `derivation` is not justified. A
// derivation claimed valid records no mistakes.
#define ELBOCHECK_CLAIM_VALID(derivation)                                                          \
    static_assert(std::remove_cvref_t<decltype(derivation)>::recorded_mistakes == 0,               \
                  "elbocheck: derivation '" #derivation "' records mistakes; claim it "            \
                  "ELBOCHECK_CLAIM_AS_RECORDED");                                                  \
    ELBOCHECK_CLAIM_AS_RECORDED(derivation)
