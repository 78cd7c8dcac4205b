// Free and bound variables, and well-formedness of terms and of steps.
#include "elbocheck/sym.hpp"
#include "support/both.hpp"

using namespace elbocheck::sym;
using namespace elbocheck::sym::symbols;

namespace {
constexpr int x_id = 1, z_id = 2;

template <expression T>
constexpr bool free_is(T, std::vector<int> ids) {
    return free_variables(T::lower()).ids == ids;
}
template <expression T>
constexpr bool bound_is(T, std::vector<int> ids) {
    return bound_variables(T::lower()).ids == ids;
}
template <expression T>
constexpr form_problem problem_of(T) {
    return check_form(T::lower()).problem;
}
template <expression A, expression B>
constexpr form_report step_form(A, B) {
    return check_step_form(A::lower(), B::lower());
}
} // namespace

TEST_CASE("free variables: E, integral and KL bind", "[variables]") {
    BOTH(free_is(log(p(x)), {x_id}));
    BOTH(free_is(log(p(x, z)), {x_id, z_id}));
    BOTH(free_is(E(z, q(z | x))[log(p(x, z))], {x_id}));
    BOTH(free_is(integral(z, p(x, z)), {x_id}));
    BOTH(free_is(KL(q(z | x), p(z)), {x_id}));
    BOTH(free_is(KL(q(z | x), p(z | x)), {x_id}));
    BOTH(free_is(integral(x, q(z | x) * log(p(x))), {z_id})); // the dx-for-dz slip
    BOTH(free_is(num<3> * beta, {}));
}

TEST_CASE("bound variables", "[variables]") {
    BOTH(bound_is(log(p(x)), {}));
    BOTH(bound_is(E(z, q(z | x))[log(p(x, z))], {z_id}));
    BOTH(bound_is(log(p(x)) - KL(q(z | x), p(z)), {z_id}));
    BOTH(bound_is(integral(x, q(z | x)), {x_id}));
}

TEST_CASE("ill-formed terms are named", "[variables]") {
    BOTH(problem_of(E(z, q(z | x))[log(p(x, z))]) == form_problem::none);
    BOTH(problem_of(E(x, q(z | x))[log(p(x, z))]) ==
         form_problem::expectation_variable_not_sampled);
    BOTH(problem_of(E(z, log(q(z | x)))[log(p(x, z))]) == form_problem::expectation_needs_density);
    BOTH(problem_of(p(x, x)) == form_problem::density_repeats_variable);
    BOTH(problem_of(p(x | x)) == form_problem::density_repeats_variable);
    BOTH(problem_of(KL(q(z | x), p(x | z))) == form_problem::kl_over_different_variables);
    BOTH(problem_of(KL(q(z | x), log(p(z)))) == form_problem::kl_needs_densities);
    BOTH(problem_of(log(p(x)) + num<2> * E(x, q(z | x))[log(p(z))]) ==
         form_problem::expectation_variable_not_sampled); // found however deep
    // The density of an expectation is over exactly the variable it binds: a joint over x and
    // z does not integrate to one over z.
    BOTH(problem_of(E(z, p(x, z))[log(p(x | z))]) == form_problem::expectation_over_joint);
    BOTH(problem_of(E(z, p(z | x))[log(p(x | z))]) == form_problem::none);
    BOTH(problem_of(E(z_1, q(z_1, z_2 | x))[log(p(x, z_1))]) ==
         form_problem::expectation_over_joint);
}

TEST_CASE("a step may not depend on a variable the previous step integrated out", "[variables]") {
    constexpr auto before = E(z, q(z | x))[log(q(z | x))] + E(z, q(z | x))[log(p(x))];
    constexpr auto dx = E(z, q(z | x))[log(q(z | x))] + integral(x, q(z | x) * log(p(x)));
    constexpr auto dz = E(z, q(z | x))[log(q(z | x))] + integral(z, q(z | x) * log(p(x)));
    BOTH(step_form(before, dx).problem == form_problem::depends_on_integrated_variable);
    BOTH(step_form(before, dx).variable == z_id);
    BOTH(step_form(before, dz).ok());
    // A pointwise identity in z (z free from the start) is not a slip.
    BOTH(step_form(log(p(x)), log(p(x | z)) + log(p(z)) - log(p(z | x))).ok());
}
