// expect: step 1 \(= by bayes_rule\): not justified: rule bayes_rule does not apply here

// Bayes' rule cited for splitting a log: no conditional density of the model is rewritten.
#include "elbocheck/sym.hpp"

using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;
using namespace elbocheck::sym::rules;

constexpr auto wrong_rule =
    derivation({"wrong_rule", "", ""}, E(z, q(z | x))[log(p(x) / q(z | x))])
        .eq(E(z, q(z | x))[log(p(x)) - log(q(z | x))], by(bayes_rule), "Split the log.");
ELBOCHECK_CLAIM_VALID(wrong_rule);
