// What a derivation claims beyond its single steps: the gap an inequality step states, and
// the direction of the whole chain. Both are checked by the same engine as the steps, while
// compiling (verdicts<...>) and at run time.
#include "elbocheck/sym.hpp"
#include "support/both.hpp"

using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;
using namespace elbocheck::sym::rules;

namespace {
constexpr auto qz = q(z | x);
constexpr auto Eq = E(z, qz);
constexpr auto log_mean = log(Eq[p(x, z) / qz]);
constexpr auto elbo = Eq[log(p(x, z) / qz)];

constexpr auto jensen_with_right_gap =
    derivation({"right_gap", "", ""}, log_mean).ge(elbo, by(jensen), "").gap_is(KL(qz, p(z | x)));
constexpr auto jensen_with_prior_gap =
    derivation({"prior_gap", "", ""}, log_mean).ge(elbo, by(jensen), "").gap_is(KL(qz, p(z)));
constexpr auto jensen_with_swapped_gap =
    derivation({"swapped_gap", "", ""}, log_mean).ge(elbo, by(jensen), "").gap_is(KL(p(z | x), qz));
// Written as <=, the gap is still the larger side minus the smaller.
constexpr auto reversed_with_right_gap =
    derivation({"le_gap", "", ""}, elbo).le(log_mean, by(jensen), "").gap_is(KL(qz, p(z | x)));
constexpr auto elbo_as_kl_gap =
    derivation({"kl_gap", "", ""}, log(p(x)))
        .eq(elbo + KL(qz, p(z | x)),
            by(kl_definition, bayes_rule, log_of_quotient, linearity, expectation_of_constant), "")
        .ge(elbo, by(kl_nonnegative), "")
        .gap_is(KL(qz, p(z | x)));

// log p(x) >= ELBO and then ELBO <= log p(x) again: every step true, the chain empty.
constexpr auto there_and_back = derivation({"there_and_back", "", ""}, log_mean)
                                    .ge(elbo, by(jensen), "")
                                    .le(log_mean, by(jensen), "");
constexpr auto one_way =
    derivation({"one_way", "", ""}, log(p(x)))
        .eq(log_mean, by(marginalization, multiply_by_one), "")
        .ge(elbo, by(jensen), "")
        .eq(Eq[log(p(x, z))] - Eq[log(qz)], by(log_of_quotient, linearity), "");

template <class D>
constexpr step_verdict verdict_of(const D&, std::size_t step) {
    return verdicts<D>[step].written;
}
} // namespace

TEST_CASE("a stated gap is checked with every equality rule", "[claims][gap]") {
    BOTH(verdict_of(jensen_with_right_gap, 0).justified());
    BOTH(verdict_of(reversed_with_right_gap, 0).justified());
    BOTH(verdict_of(elbo_as_kl_gap, 1).justified());
    BOTH(verdict_of(jensen_with_prior_gap, 0).reason == step_reason::wrong_gap);
    BOTH(verdict_of(jensen_with_swapped_gap, 0).reason == step_reason::wrong_gap);
    BOTH(stated_gap_holds(lower(log_mean), relation::ge, lower(elbo), lower(KL(qz, p(z | x)))));
    BOTH(!stated_gap_holds(lower(log_mean), relation::ge, lower(elbo),
                           lower(num<2> * KL(qz, p(z | x)))));
}

TEST_CASE("a chain relates its ends only while it points one way", "[claims][direction]") {
    BOTH(verdict_of(there_and_back, 0).justified());
    BOTH(verdict_of(there_and_back, 1).reason == step_reason::direction_reversed);
    BOTH(verdict_of(there_and_back, 1).derived == relation::ge);
    BOTH(first_unexpected(verdicts<decltype(one_way)>) == -1);
    BOTH(overall_relation(decltype(one_way)::lower()).overall == relation::ge);
}

TEST_CASE("the messages name the step and the cause", "[claims]") {
    const derivation_data d = decltype(jensen_with_prior_gap)::lower();
    const std::string gap = describe(check_derivation(d)[0].written, 1, d.steps[0]).str();
    CHECK(gap.find("step 1 (>= by jensen)") == 0);
    CHECK(gap.find("is not the larger side minus the smaller") != std::string::npos);
    const derivation_data back = decltype(there_and_back)::lower();
    const std::string turn = describe(check_derivation(back)[1].written, 2, back.steps[1]).str();
    CHECK(turn.find("step 2 (<= by jensen)") == 0);
    CHECK(turn.find("relates its start to its end by nothing") != std::string::npos);
}
