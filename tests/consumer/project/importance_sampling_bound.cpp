// A user's derivation: the evidence bound through importance sampling, checked while
// compiling (ELBOCHECK_CLAIM_VALID) and again at run time by the same engine.
#include <cstdio>
#include <elbocheck/sym.hpp>

using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;
using namespace elbocheck::sym::rules;

constexpr auto bound =
    derivation({"importance_sampling_bound", "Evidence bound by importance sampling", ""},
               log(p(x)))
        .eq(log(integral(z, p(x | z) * p(z))), by(marginalization), "Sum rule.")
        .eq(log(integral(z, q(z | x) * (p(x | z) * p(z) / q(z | x)))), by(multiply_by_one),
            "Importance weights.")
        .eq(log(E(z, q(z | x))[p(x | z) * p(z) / q(z | x)]), by(integral_as_expectation),
            "As an expectation.")
        .ge(E(z, q(z | x))[log(p(x | z) * p(z) / q(z | x))], by(jensen), "Jensen.");
ELBOCHECK_CLAIM_VALID(bound);

int main() {
    const derivation_data data = decltype(bound)::lower();
    const std::vector<step_outcome> outcomes = check_derivation(data);
    int failures = 0;
    for (std::size_t i = 0; i < outcomes.size(); ++i) {
        std::printf("%s\n", describe(outcomes[i].written, i + 1, data.steps[i]).str().c_str());
        failures += !outcomes[i].as_expected();
    }
    return failures == 0 ? 0 : 1;
}
