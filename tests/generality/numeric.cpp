// Every derivation of the generality corpus evaluated exactly (or, where a term has two draws,
// by Monte Carlo) on the reference linear-Gaussian model and 100 random ones. A correct
// derivation must hold at every step. A wrong one is shown false at its injected step when
// the mistake changes a value; where the mistake is purely formal, the test says why and
// asserts only what is true. Steps after an injected mistake are left alone: they start from
// the wrong term.
#include "correct/01_kl_solved_for_evidence.hpp"
#include "correct/02_evidence_from_kl_lemma.hpp"
#include "correct/03_constant_then_bayes.hpp"
#include "correct/04_jensen_on_integral.hpp"
#include "correct/05_importance_identity.hpp"
#include "correct/06_multiply_by_one_only.hpp"
#include "correct/07_product_rule_other_order.hpp"
#include "correct/08_joint_over_evidence.hpp"
#include "correct/09_evidence_as_ratio.hpp"
#include "correct/10_log_evidence_difference.hpp"
#include "correct/11_em_free_guide_entropy.hpp"
#include "correct/12_em_add_subtract_log_q.hpp"
#include "correct/13_free_energy_identity.hpp"
#include "correct/14_energy_entropy_to_kl_prior.hpp"
#include "correct/15_negative_kl_plus_evidence.hpp"
#include "correct/16_log_product_with_quotient.hpp"
#include "correct/17_weight_ratio_cancellation.hpp"
#include "correct/18_kl_self_is_zero.hpp"
#include "correct/19_tight_at_posterior.hpp"
#include "correct/20_iwae_single_weight_unbiased.hpp"
#include "correct/21_iwae_elbo_below_l2.hpp"
#include "correct/22_iwae_l2_below_evidence.hpp"
#include "correct/23_beta_objective_regrouped.hpp"
#include "correct/24_vae_bound_from_lemmas.hpp"
#include "correct/25_beta_bound_upwards.hpp"
#include "correct/26_guide_of_z_gap_expanded.hpp"
#include "correct/27_gap_moved_across.hpp"
#include "correct/28_free_energy_upper_bound.hpp"
#include "correct/29_posterior_kl_two_kls.hpp"
#include "correct/30_normalization_route.hpp"
#include "correct/31_integral_notation_elbo.hpp"
#include "correct/32_kl_cross_entropy_minus_entropy.hpp"
#include "correct/33_three_term_elbo.hpp"
#include "correct/34_gibbs_on_integral.hpp"
#include "correct/35_one_line_jensen_bishop.hpp"
#include "correct/36_beta_other_sign.hpp"
#include "correct/37_loss_upper_bounds_nll.hpp"
#include "correct/38_kl_guide_self_zero.hpp"
#include "correct/39_gap_from_two_kls_lemma.hpp"
#include "correct/40_iwae_chain_by_lemmas.hpp"
#include "correct/41_bayes_cross_multiplied.hpp"
#include "correct/42_kl_as_two_integrals.hpp"
#include "correct/43_subtracted_kl_le.hpp"
#include "correct/44_difference_of_kls.hpp"
#include "correct/45_bayes_with_marginal_denominator.hpp"
#include "elbocheck/eval/model_instances.hpp"
#include "elbocheck/eval/numeric_step_check.hpp"
#include "elbocheck/report/names.hpp"
#include "wrong/01_dropped_log.hpp"
#include "wrong/02_sign_flip.hpp"
#include "wrong/03_swapped_kl.hpp"
#include "wrong/04_dx_for_dz.hpp"
#include "wrong/05_jensen_reversed.hpp"
#include "wrong/06_dropped_term.hpp"
#include "wrong/07_posterior_as_measure.hpp"
#include "wrong/08_inverted_ratio.hpp"
#include "wrong/09_factor_two.hpp"
#include "wrong/10_wrong_gap.hpp"
#include "wrong/11_expectation_over_joint.hpp"
#include "wrong/12_mixed_chain.hpp"
#include "wrong/13_wrong_rule_cited.hpp"
#include "wrong/14_joint_normalized.hpp"
#include "wrong/15_conditioning_swapped.hpp"
#include "wrong/16_kl_dropped_wrong_way.hpp"
#include "wrong/17_log_of_sum_split.hpp"
#include "wrong/18_expectation_dropped.hpp"
#include "wrong/19_lemma_backwards.hpp"
#include "wrong/20_entropy_sign.hpp"
#include "wrong/21_non_constant_as_constant.hpp"
#include "wrong/22_beta_off_by_one.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <type_traits>
#include <vector>

using namespace elbocheck;

namespace {

const eval::instance_set& instances() {
    static const eval::instance_set set = eval::make_instances(100);
    return set;
}

template <const auto& Derivation>
std::vector<eval::numeric_outcome> outcomes() {
    using D = std::remove_cvref_t<decltype(Derivation)>;
    return eval::check_derivation_numerically(D::lower(), instances().bindings);
}

std::string describe(std::size_t step, const eval::numeric_step_result& r) {
    return "step " + std::to_string(step) + ": " + std::string(report::numeric_word(r.status)) +
           " (" + r.method() + ", failing on " + std::to_string(r.failing) + " of " +
           std::to_string(r.instances) + ", max error " + std::to_string(r.max_abs_error) +
           (r.why_not_evaluated.empty() ? "" : ", not evaluated: " + r.why_not_evaluated) + ")";
}

// A correct derivation: every step holds on every instance (a stated gap included).
template <const auto& Derivation>
void every_step_holds() {
    const auto results = outcomes<Derivation>();
    REQUIRE(results.size() == std::remove_cvref_t<decltype(Derivation)>::step_count);
    for (std::size_t i = 0; i < results.size(); ++i) {
        const eval::numeric_step_result& r = results[i].written;
        INFO(describe(i + 1, r));
        CHECK(r.status == eval::numeric_status::holds);
        CHECK(r.failing == 0);
    }
}

// A wrong derivation: the steps before the injected one (1-based) hold, and the injected one
// has the given status.
template <const auto& Derivation>
void injected_step_is(std::size_t injected, eval::numeric_status expected) {
    const auto results = outcomes<Derivation>();
    REQUIRE(results.size() >= injected);
    for (std::size_t i = 0; i + 1 < injected; ++i) {
        INFO("before the mistake, " << describe(i + 1, results[i].written));
        CHECK(results[i].written.status == eval::numeric_status::holds);
    }
    const eval::numeric_step_result& r = results[injected - 1].written;
    INFO("the injected " << describe(injected, r));
    CHECK(r.status == expected);
    if (expected == eval::numeric_status::fails)
        CHECK(r.failing > 0);
}

} // namespace

#define GENERALITY_CORRECT(name)                                                                   \
    TEST_CASE("correct " #name ": every step holds", "[generality][correct]") {                    \
        every_step_holds<generality::name::derivation_under_test>();                               \
    }

GENERALITY_CORRECT(kl_solved_for_evidence)
GENERALITY_CORRECT(evidence_from_kl_lemma)
GENERALITY_CORRECT(constant_then_bayes)
GENERALITY_CORRECT(jensen_on_integral)
GENERALITY_CORRECT(importance_identity)
GENERALITY_CORRECT(multiply_by_one_only)
GENERALITY_CORRECT(product_rule_other_order)
GENERALITY_CORRECT(joint_over_evidence)
GENERALITY_CORRECT(evidence_as_ratio)
GENERALITY_CORRECT(log_evidence_difference)
GENERALITY_CORRECT(em_free_guide_entropy)
GENERALITY_CORRECT(em_add_subtract_log_q)
GENERALITY_CORRECT(free_energy_identity)
GENERALITY_CORRECT(energy_entropy_to_kl_prior)
GENERALITY_CORRECT(negative_kl_plus_evidence)
GENERALITY_CORRECT(log_product_with_quotient)
GENERALITY_CORRECT(weight_ratio_cancellation)
GENERALITY_CORRECT(kl_self_is_zero)
GENERALITY_CORRECT(tight_at_posterior)
GENERALITY_CORRECT(iwae_single_weight_unbiased)
GENERALITY_CORRECT(iwae_elbo_below_l2)
GENERALITY_CORRECT(iwae_l2_below_evidence)
GENERALITY_CORRECT(beta_objective_regrouped)
GENERALITY_CORRECT(vae_bound_from_lemmas)
GENERALITY_CORRECT(beta_bound_upwards)
GENERALITY_CORRECT(guide_of_z_gap_expanded)
GENERALITY_CORRECT(gap_moved_across)
GENERALITY_CORRECT(free_energy_upper_bound)
GENERALITY_CORRECT(posterior_kl_two_kls)
GENERALITY_CORRECT(normalization_route)
GENERALITY_CORRECT(integral_notation_elbo)
GENERALITY_CORRECT(kl_cross_entropy_minus_entropy)
GENERALITY_CORRECT(three_term_elbo)
GENERALITY_CORRECT(gibbs_on_integral)
GENERALITY_CORRECT(one_line_jensen_bishop)
GENERALITY_CORRECT(beta_other_sign)
GENERALITY_CORRECT(loss_upper_bounds_nll)
GENERALITY_CORRECT(kl_guide_self_zero)
GENERALITY_CORRECT(gap_from_two_kls_lemma)
GENERALITY_CORRECT(iwae_chain_by_lemmas)
GENERALITY_CORRECT(bayes_cross_multiplied)
GENERALITY_CORRECT(kl_as_two_integrals)
GENERALITY_CORRECT(subtracted_kl_le)
GENERALITY_CORRECT(difference_of_kls)
GENERALITY_CORRECT(bayes_with_marginal_denominator)

#define GENERALITY_WRONG(name, step, status)                                                       \
    TEST_CASE("wrong " #name ": the injected step " #step " " #status, "[generality][wrong]") {    \
        injected_step_is<generality::name::derivation_under_test>(step,                            \
                                                                  eval::numeric_status::status);   \
    }

// Mistakes that change a value: refuted on the models.
GENERALITY_WRONG(dropped_log, 3, fails)
GENERALITY_WRONG(sign_flip, 2, fails)
GENERALITY_WRONG(swapped_kl, 3, fails)
GENERALITY_WRONG(jensen_reversed, 3, fails)
GENERALITY_WRONG(dropped_term, 2, fails)
GENERALITY_WRONG(posterior_as_measure, 1, fails)
GENERALITY_WRONG(inverted_ratio, 2, fails)
GENERALITY_WRONG(factor_two, 1, fails)
// The inequality is true; the stated gap KL(q || p(z)) is not its gap, which the check of
// the stated gap refutes.
GENERALITY_WRONG(wrong_gap, 4, fails)
GENERALITY_WRONG(joint_normalized, 2, fails)
GENERALITY_WRONG(conditioning_swapped, 1, fails)
GENERALITY_WRONG(kl_dropped_wrong_way, 2, fails)
GENERALITY_WRONG(log_of_sum_split, 1, fails)
// The lemma is true the other way round: log p(x) >= L_2, so log p(x) <= L_2 fails wherever
// the bound is not tight (by Monte Carlo, with two draws).
GENERALITY_WRONG(lemma_backwards, 1, fails)
GENERALITY_WRONG(entropy_sign, 2, fails)
GENERALITY_WRONG(non_constant_as_constant, 2, fails)
GENERALITY_WRONG(beta_off_by_one, 1, fails)

// dx for dz: an integral over the observed x of a function of z is not a number the model
// assigns to anything (the result would still depend on z, which the previous line integrated
// out); the mistake is in the form, and the evaluators refuse the term.
GENERALITY_WRONG(dx_for_dz, 2, not_evaluated)
// An expectation under the joint p(x, z): not a distribution over z (it integrates to p(x)),
// so there is nothing to evaluate; the mistake is in the form.
GENERALITY_WRONG(expectation_over_joint, 1, not_evaluated)

// An expectation dropped: besides leaving z unbound, the right side is a function of z that
// differs from the left side's number, which the evaluator shows.
GENERALITY_WRONG(expectation_dropped, 2, fails)

// A chain mixing >= and <=: every step is true, and each is justified by the rule it cites;
// what is wrong is the conclusion drawn from the chain, which no value can show.
TEST_CASE("wrong mixed_chain: every step is true on its own", "[generality][wrong]") {
    every_step_holds<generality::mixed_chain::derivation_under_test>();
}
// A wrong citation: Jensen's step is true and its gap is KL(q || p(z | x)); only the rule
// named for it is wrong, which is not a numeric matter.
TEST_CASE("wrong wrong_rule_cited: every step is true", "[generality][wrong]") {
    every_step_holds<generality::wrong_rule_cited::derivation_under_test>();
}
