// Every rule on positive examples (the step is justified) and negative ones: a rule cited
// where its pattern does not occur, and a rule misapplied (the step does not follow). The
// negative examples are the mistakes people make: log of a sum split like a product, KL
// with its arguments swapped, Jensen in the wrong direction, a constant that is not one.
#include "elbocheck/sym.hpp"
#include "support/both.hpp"

using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;
using namespace elbocheck::sym::rules;

namespace {
constexpr relation eq = relation::eq, ge = relation::ge, le = relation::le;

constexpr bool justified(step_verdict v) {
    return v.justified();
}
constexpr bool differs(step_verdict v) {
    return v.reason == step_reason::sides_differ;
}
constexpr bool idle(step_verdict v, rule_id r) {
    return v.reason == step_reason::rule_does_not_apply && v.rule == r;
}
constexpr bool gives(step_verdict v, relation r) {
    return v.reason == step_reason::relation_mismatch && v.derived == r;
}
constexpr bool ill_formed(step_verdict v, form_problem p) {
    return v.status == step_status::ill_formed && v.form.problem == p;
}

constexpr auto qz = q(z | x);
constexpr auto f = p(x, z) / q(z | x);
constexpr auto elbo = define<1, R"(\mathrm{ELBO})">(E(z, qz)[log(p(x | z))] - KL(qz, p(z)));
} // namespace

TEST_CASE("rearrangement", "[rules]") {
    BOTH(justified(check(p(x | z) * p(z), eq, p(z) * p(x | z), by(rearrangement))));
    BOTH(justified(check(log(p(x)) - log(p(z)) + log(p(z)), eq, log(p(x)), by(rearrangement))));
    BOTH(differs(check(log(p(x) * p(z)), eq, log(p(x)) + log(p(z)), by(rearrangement))));
}

TEST_CASE("definition", "[rules]") {
    BOTH(justified(check(elbo, eq, E(z, qz)[log(p(x | z))] - KL(qz, p(z)), by(definition))));
    BOTH(idle(check(log(p(x)), eq, log(p(x)), by(definition)), rule_id::definition));
    BOTH(differs(check(elbo, eq, E(z, qz)[log(p(x, z))], by(definition))));
}

TEST_CASE("marginalization", "[rules]") {
    BOTH(justified(check(p(x), eq, integral(z, p(x, z)), by(marginalization))));
    BOTH(justified(check(log(p(x)), eq, log(integral(z, p(x | z) * p(z))), by(marginalization))));
    BOTH(justified(
        check(log(p(x)), eq, log(integral(theta, p(x | theta) * p(theta))), by(marginalization))));
    BOTH(idle(check(p(x), eq, p(x), by(marginalization)), rule_id::marginalization));
    // The likelihood alone does not integrate to the evidence.
    BOTH(idle(check(p(x), eq, integral(z, p(x | z)), by(marginalization)),
              rule_id::marginalization));
    // q is not the model's joint: no sum rule links it to p(x). Written over the data x, the
    // guide is not even well formed: it is a density over the latent variables.
    BOTH(ill_formed(check(p(x), eq, integral(z, q(x, z)), by(marginalization)),
                    form_problem::guide_draws_observed));
    BOTH(
        ill_formed(check(p(x), eq, q(x), by(marginalization)), form_problem::guide_draws_observed));
    // d theta where the integrand is about z: the integral multiplies by the whole space.
    BOTH(ill_formed(check(p(x), eq, integral(theta, p(x | z) * p(z)), by(marginalization)),
                    form_problem::integral_over_absent_variable));
}

TEST_CASE("chain rule", "[rules]") {
    BOTH(justified(check(p(x, z), eq, p(x | z) * p(z), by(chain_rule))));
    BOTH(justified(check(p(x, z), eq, p(z | x) * p(x), by(chain_rule))));
    BOTH(justified(check(log(p(z, x)), eq, log(p(x | z) * p(z)), by(chain_rule))));
    BOTH(differs(check(p(x, z), eq, p(x | z) * p(x), by(chain_rule))));
    BOTH(idle(check(q(z | x), eq, q(z | x), by(chain_rule)), rule_id::chain_rule));
}

TEST_CASE("Bayes' rule", "[rules]") {
    BOTH(justified(check(p(z | x), eq, p(x | z) * p(z) / p(x), by(bayes_rule))));
    BOTH(justified(check(p(z | x), eq, p(x, z) / p(x), by(bayes_rule))));
    BOTH(justified(check(p(x), eq, p(x, z) / p(z | x), by(bayes_rule))));
    BOTH(differs(check(p(z | x), eq, p(x | z) * p(z), by(bayes_rule))));
    // The guide is not a joint model: Bayes' rule says nothing about it.
    BOTH(idle(check(q(z | x), eq, q(z | x), by(bayes_rule)), rule_id::bayes_rule));
}

TEST_CASE("multiplication by one", "[rules]") {
    BOTH(justified(
        check(integral(z, p(x, z)), eq, integral(z, qz * (p(x, z) / qz)), by(multiply_by_one))));
    BOTH(
        idle(check(p(x, z) * qz, eq, qz * p(x, z), by(multiply_by_one)), rule_id::multiply_by_one));
    BOTH(idle(
        check(integral(z, p(x, z)), eq, integral(z, qz * (p(x, z) / p(z))), by(multiply_by_one)),
        rule_id::multiply_by_one));
}

TEST_CASE("multiplication by one sees through E and quotients of products", "[rules][generality]") {
    // The q of q / q may be the measure of the expectation the integral becomes.
    BOTH(justified(check(integral(z, p(x, z)), eq, E(z, qz)[p(x, z) / qz], by(multiply_by_one))));
    BOTH(justified(check(integral(z, p(x, z)), eq, E(z, qz)[p(x, z) / qz],
                         by(multiply_by_one, integral_as_expectation))));
    BOTH(justified(check(log(p(x)), eq, log(E(z, qz)[p(x, z) / qz]),
                         by(marginalization, multiply_by_one, integral_as_expectation))));
    // The cancelling pair inside a quotient of products.
    BOTH(justified(check(p(x, z) / p(z), eq, (p(x, z) * qz) / (p(z) * qz), by(multiply_by_one))));
    // A measure that does not cancel is not a multiplication by one.
    BOTH(
        !justified(check(integral(z, p(x, z)), eq, E(z, p(z))[p(x, z) / qz], by(multiply_by_one))));
}

TEST_CASE("adding zero", "[rules]") {
    constexpr auto lq = log(qz);
    BOTH(justified(check(E(z, qz)[log(p(x | z)) - log(p(z | x))], eq,
                         E(z, qz)[log(p(x | z)) - lq + lq - log(p(z | x))], by(add_zero))));
    BOTH(idle(check(log(p(x)) + lq, eq, lq + log(p(x)), by(add_zero)), rule_id::add_zero));
}

TEST_CASE("integral as expectation, and back", "[rules]") {
    BOTH(justified(
        check(integral(z, qz * log(f)), eq, E(z, qz)[log(f)], by(integral_as_expectation))));
    BOTH(justified(
        check(E(z, qz)[log(f)], eq, integral(z, qz * log(f)), by(expectation_as_integral))));
    BOTH(differs(
        check(integral(z, p(x | z) * log(f)), eq, E(z, qz)[log(f)], by(integral_as_expectation))));
    BOTH(idle(check(log(p(x)), eq, log(p(x)), by(integral_as_expectation)),
              rule_id::integral_as_expectation));
}

TEST_CASE("log of a product and of a quotient", "[rules]") {
    BOTH(justified(check(log(p(x | z) * p(z)), eq, log(p(x | z)) + log(p(z)), by(log_of_product))));
    BOTH(justified(check(log(f), eq, log(p(x, z)) - log(qz), by(log_of_quotient))));
    // The log of a sum is not the sum of the logs.
    BOTH(idle(check(log(p(x | z) + p(z)), eq, log(p(x | z)) + log(p(z)), by(log_of_product)),
              rule_id::log_of_product));
    BOTH(differs(check(log(f), eq, log(p(x, z)) / log(qz), by(log_of_quotient))));
}

TEST_CASE("products and quotients are one algebra under log", "[rules][generality]") {
    constexpr auto a = p(x | z);
    constexpr auto b = p(z);
    constexpr auto c = q(z | x);
    // Either name justifies any split of the log of a monomial into logs of its parts.
    BOTH(justified(check(log(a * b / c), eq, log(a) + log(b / c), by(log_of_product))));
    BOTH(justified(check(log(a * b / c), eq, log(a * b) - log(c), by(log_of_quotient))));
    BOTH(
        justified(check(log((a / b) * (b / c)), eq, log(a / b) + log(b / c), by(log_of_quotient))));
    BOTH(justified(check(log(f), eq, log(p(x, z)) - log(qz), by(log_of_product))));
    BOTH(justified(check(log(a / c), eq, -log(c / a), by(log_of_quotient))));
    BOTH(justified(check(log(a * a), eq, num<2> * log(a), by(log_of_product))));
    // Splitting a log is not splitting a sum, nor keeping a sign the quotient flipped.
    BOTH(differs(check(log(a * b / c), eq, log(a) + log(b) + log(c), by(log_of_product))));
    BOTH(differs(check(log(a / c), eq, log(c / a), by(log_of_quotient))));
}

TEST_CASE("linearity", "[rules]") {
    constexpr auto a = log(p(x | z));
    constexpr auto b = log(p(z));
    BOTH(justified(check(E(z, qz)[a + b], eq, E(z, qz)[a] + E(z, qz)[b], by(linearity))));
    BOTH(justified(check(E(z, qz)[num<2> * a], eq, num<2> * E(z, qz)[a], by(linearity))));
    BOTH(justified(
        check(integral(z, qz * log(p(x))), eq, log(p(x)) * integral(z, qz), by(linearity))));
    // E[ab] is not E[a] E[b] when both depend on z.
    BOTH(idle(check(E(z, qz)[a * b], eq, E(z, qz)[a] * E(z, qz)[b], by(linearity)),
              rule_id::linearity));
    BOTH(differs(check(E(z, qz)[a + b], eq, E(z, qz)[a] - E(z, qz)[b], by(linearity))));
}

TEST_CASE("expectation of a constant, and normalization", "[rules]") {
    BOTH(justified(check(E(z, qz)[log(p(x))], eq, log(p(x)), by(expectation_of_constant))));
    BOTH(justified(check(log(p(x)) * integral(z, qz), eq, log(p(x)), by(normalization))));
    // log p(x, z) depends on z: pulling it out of E leaves z dangling.
    BOTH(ill_formed(check(E(z, qz)[log(p(x, z))], eq, log(p(x, z)), by(expectation_of_constant)),
                    form_problem::depends_on_integrated_variable));
    BOTH(idle(check(E(z, qz)[log(p(x, z))], eq, log(p(x)), by(expectation_of_constant)),
              rule_id::expectation_of_constant));
    // q(z | x) integrates to one over z, not over x.
    BOTH(idle(check(integral(x, qz), eq, num<1>, by(normalization)), rule_id::normalization));
}

TEST_CASE("definition of KL", "[rules]") {
    BOTH(justified(check(KL(qz, p(z)), eq, E(z, qz)[log(qz / p(z))], by(kl_definition))));
    BOTH(justified(check(KL(qz, p(z | x)), eq, integral(z, qz * log(qz / p(z | x))),
                         by(kl_definition, expectation_as_integral))));
    // Swapped arguments, or the expectation under the wrong density.
    BOTH(differs(check(KL(qz, p(z)), eq, E(z, qz)[log(p(z) / qz)], by(kl_definition))));
    BOTH(differs(check(KL(qz, p(z)), eq, E(z, p(z))[log(qz / p(z))], by(kl_definition))));
}

TEST_CASE("non-negativity of KL", "[rules]") {
    constexpr auto rest = E(z, qz)[log(f)];
    BOTH(justified(check(rest + KL(qz, p(z | x)), ge, rest, by(kl_nonnegative))));
    BOTH(justified(check(rest, le, rest + KL(qz, p(z | x)), by(kl_nonnegative))));
    BOTH(gives(check(rest - KL(qz, p(z | x)), ge, rest, by(kl_nonnegative)), le));
    BOTH(gives(check(rest + KL(qz, p(z | x)), eq, rest, by(kl_nonnegative)), ge));
    BOTH(idle(check(rest, ge, rest, by(kl_nonnegative)), rule_id::kl_nonnegative));
}

TEST_CASE("Jensen's inequality", "[rules]") {
    constexpr auto log_of_mean = log(E(z, qz)[f]);
    constexpr auto mean_of_log = E(z, qz)[log(f)];
    BOTH(justified(check(log_of_mean, ge, mean_of_log, by(jensen))));
    BOTH(justified(check(mean_of_log, le, log_of_mean, by(jensen))));
    BOTH(gives(check(log_of_mean, eq, mean_of_log, by(jensen)), ge));
    BOTH(gives(check(log_of_mean, le, mean_of_log, by(jensen)), ge));
    BOTH(gives(check(mean_of_log, ge, log_of_mean, by(jensen)), le));
    BOTH(gives(check(num<0> - log_of_mean, ge, num<0> - mean_of_log, by(jensen)), le));
    BOTH(idle(check(mean_of_log, ge, mean_of_log, by(jensen)), rule_id::jensen));
    // Under 1/(.) the direction is not known from the position alone.
    BOTH(check(num<1> / log_of_mean, ge, num<1> / mean_of_log, by(jensen)).reason ==
         step_reason::sign_unknown);
    BOTH(check(log_of_mean + KL(qz, p(z)), ge, mean_of_log, by(jensen, kl_nonnegative)).reason ==
         step_reason::two_inequalities);
}

TEST_CASE("a rule applies at any subterm", "[rules]") {
    constexpr auto deep = num<3> * E(z, qz)[log(p(x)) + log(p(x, z))];
    BOTH(justified(check(deep, eq, num<3> * E(z, qz)[log(p(x)) + log(p(x | z)) + log(p(z))],
                         by(chain_rule, log_of_product))));
}

TEST_CASE("Jensen's inequality on the integral an expectation stands for", "[rules][generality]") {
    constexpr auto on_integral = log(integral(z, qz * f));
    BOTH(justified(check(on_integral, ge, integral(z, qz * log(f)), by(jensen))));
    BOTH(justified(check(on_integral, ge, E(z, qz)[log(f)], by(jensen))));
    BOTH(justified(check(E(z, qz)[log(f)], le, on_integral, by(jensen))));
    // The measure need not be written first, and the rest may be a product.
    BOTH(justified(
        check(log(integral(z, p(x | z) * p(z))), ge, E(z, p(z))[log(p(x | z))], by(jensen))));
    BOTH(gives(check(on_integral, le, integral(z, qz * log(f)), by(jensen)), ge));
    // An integrand with no density over z is not a mean: nothing to apply Jensen to.
    BOTH(idle(check(log(integral(z, p(x, z))), ge, integral(z, log(p(x, z))), by(jensen)),
              rule_id::jensen));
}

TEST_CASE("what holds by the meaning of the symbols", "[rules][generality]") {
    BOTH(justified(check(KL(qz, qz), eq, num<0>, by(kl_definition))));
    BOTH(justified(check(KL(p(z), p(z)), eq, num<0>, by(rearrangement))));
    BOTH(justified(check(E(z, p(z))[num<0>], eq, num<0>, by(expectation_of_constant))));
    BOTH(justified(check(E(z, qz)[log(qz) - log(qz)], eq, num<0>, by(rearrangement))));
    BOTH(justified(check(log(exp(log(p(x)))), eq, log(p(x)), by(rearrangement))));
    BOTH(!justified(check(KL(qz, p(z)), eq, num<0>, by(kl_definition))));
}

TEST_CASE("chain rule and Bayes' rule in either direction and any grouping",
          "[rules][generality]") {
    BOTH(justified(check(p(x), eq, p(x, z) / p(z | x), by(chain_rule))));
    BOTH(justified(check(p(z | x) * p(x), eq, p(x, z), by(bayes_rule))));
    BOTH(justified(check(p(x, z) / p(x), eq, p(z | x), by(chain_rule))));
    BOTH(justified(check(p(x | z), eq, p(z | x) * p(x) / p(z), by(bayes_rule))));
    BOTH(justified(check(log(p(x)), eq, log(p(x | z)) + log(p(z)) - log(p(z | x)),
                         by(bayes_rule, log_of_quotient))));
    BOTH(differs(check(p(x), eq, p(x, z) * p(z | x), by(chain_rule))));
    BOTH(differs(check(p(z | x), eq, p(x, z) / p(z), by(bayes_rule))));
}

TEST_CASE("linearity and the log of a quotient together", "[rules][generality]") {
    constexpr auto r = p(z) / qz;
    BOTH(justified(
        check(E(z, qz)[log(qz / p(z))], eq, -E(z, qz)[log(r)], by(linearity, log_of_quotient))));
    BOTH(justified(
        check(-KL(qz, p(z)), eq, E(z, qz)[log(r)], by(kl_definition, linearity, log_of_quotient))));
    BOTH(justified(
        check(log(p(x)) - KL(qz, p(z | x)), eq, E(z, qz)[log(p(x, z) / qz)],
              by(kl_definition, bayes_rule, log_of_quotient, linearity, expectation_of_constant))));
}

TEST_CASE("Jensen's inequality for a finite average", "[rules]") {
    constexpr auto a = p(x, z_1) / q(z_1 | x);
    constexpr auto b = p(x, z_2) / q(z_2 | x);
    constexpr auto average = log(num<1, 2> * (a + b));
    constexpr auto of_logs = num<1, 2> * log(a) + num<1, 2> * log(b);
    BOTH(justified(check(average, ge, of_logs, by(jensen_finite))));
    BOTH(justified(check(log(num<1, 3> * a + num<2, 3> * b), ge,
                         num<1, 3> * log(a) + num<2, 3> * log(b), by(jensen_finite))));
    BOTH(gives(check(average, le, of_logs, by(jensen_finite)), ge));
    // Weights that do not sum to one are not an average.
    BOTH(idle(check(log(a + b), ge, log(a) + log(b), by(jensen_finite)), rule_id::jensen_finite));
    // Under expectations, the position keeps its sign.
    BOTH(justified(
        check(E(z_1, q(z_1 | x))[average], ge, E(z_1, q(z_1 | x))[of_logs], by(jensen_finite))));
}

TEST_CASE("bound variables may be renamed", "[rules][canonical]") {
    constexpr auto elbo_z = E(z, q(z | x))[log(p(x, z) / q(z | x))];
    constexpr auto elbo_z1 = E(z_1, q(z_1 | x))[log(p(x, z_1) / q(z_1 | x))];
    BOTH(justified(check(elbo_z, eq, elbo_z1, by(rearrangement))));
    BOTH(justified(check(num<1, 2> * elbo_z + num<1, 2> * elbo_z1, eq, elbo_z, by(rearrangement))));
    // Renaming is not substitution: a free z_1 is not the bound z.
    BOTH(differs(check(E(z, q(z | x))[log(p(x, z))], eq, E(z, q(z | x))[log(p(x, z_1))],
                       by(rearrangement))));
}

TEST_CASE("a nonnegative parameter keeps the direction of an inequality", "[rules]") {
    constexpr auto rest = E(z, qz)[log(p(x | z))];
    BOTH(justified(check(rest - excess * KL(qz, p(z)), le, rest, by(kl_nonnegative))));
    BOTH(gives(check(rest - excess * KL(qz, p(z)), ge, rest, by(kl_nonnegative)), le));
    // beta's sign is not known: no direction follows.
    BOTH(check(rest - beta * KL(qz, p(z)), le, rest, by(kl_nonnegative)).reason ==
         step_reason::sign_unknown);
}

TEST_CASE("products expand over sums", "[rules][canonical]") {
    constexpr auto kl = KL(qz, p(z));
    BOTH(justified(check((beta - num<1>)*kl, eq, beta * kl - kl, by(rearrangement))));
    BOTH(justified(check((log(p(x)) + kl) * (log(p(x)) - kl), eq, log(p(x)) * log(p(x)) - kl * kl,
                         by(rearrangement))));
}
