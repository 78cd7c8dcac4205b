#pragma once
// Well-formedness: a term can be meaningless before it is wrong. An expectation over a
// variable its distribution does not draw, a KL between densities over different
// variables, or a step that suddenly depends on a variable the previous step integrated
// out (the classic dx written for dz) are reported as ill-formed, with the variable named.

#include "elbocheck/sym/variables.hpp"

namespace elbocheck::sym {

enum class form_problem : std::uint8_t {
    none,
    expectation_needs_density,        // E over something that is not a density
    expectation_variable_not_sampled, // E_{z ~ q(x|z)} or E(x, q(z|x))
    density_repeats_variable,         // p(x, x) or p(x | x)
    kl_needs_densities,               // KL of something that is not a density
    kl_over_different_variables,      // KL(q(z|x) || p(x|z))
    depends_on_integrated_variable,   // a step depends on a variable the previous one bound
    integral_without_variable,        // an integral written with no differential (no dz)
    expectation_over_joint,           // E_{z ~ p(x, z)}: the density draws more than z
    integral_over_absent_variable,    // \int p(x, z) dy: the integrand does not mention y
    guide_draws_observed,             // q(x): the guide is a density over the latent variables
};

struct form_report {
    form_problem problem = form_problem::none;
    int variable = 0; // the variable concerned, when there is one
    constexpr bool ok() const { return problem == form_problem::none; }
};

constexpr form_report check_form(const term& t) {
    switch (t.kind) {
    case op::density: {
        variable_set seen;
        for (const term& v : t.kids) {
            if (seen.contains(v.id))
                return {form_problem::density_repeats_variable, v.id};
            seen.insert(v.id);
        }
        // The guide approximates the posterior over the latent variables; q(x) of the data
        // names the wrong variable. (Where x is a dummy of an integral or sum, as in a
        // general definition of KL, the integral case below does not look inside.)
        if (t.role == static_cast<std::uint8_t>(family_role::guide))
            for (std::size_t k = 0; k < t.given && k < t.kids.size(); ++k)
                if (t.kids[k].role == static_cast<std::uint8_t>(variable_role::observed))
                    return {form_problem::guide_draws_observed, t.kids[k].id};
        return {};
    }
    case op::expectation: {
        const term& dist = t.kids[1];
        if (!dist.is(op::density))
            return {form_problem::expectation_needs_density, t.kids[0].id};
        const variable_set drawn = sampled_variables(dist);
        if (!drawn.contains(t.kids[0].id))
            return {form_problem::expectation_variable_not_sampled, t.kids[0].id};
        // Precondition of an expectation: its density is over exactly the variable it binds
        // (given anything else). A joint p(x, z) does not integrate to one over z alone.
        if (drawn.ids.size() != 1)
            return {form_problem::expectation_over_joint, t.kids[0].id};
        break;
    }
    case op::kl: {
        if (!t.kids[0].is(op::density) || !t.kids[1].is(op::density))
            return {form_problem::kl_needs_densities, 0};
        if (sampled_variables(t.kids[0]) != sampled_variables(t.kids[1]))
            return {form_problem::kl_over_different_variables, 0};
        break;
    }
    case op::integral:
        if (t.kids[0].id == no_variable_id)
            return {form_problem::integral_without_variable, 0};
        // Integrating over a variable the integrand does not depend on multiplies it by the
        // volume of the whole space: the differential names the wrong variable.
        if (!free_variables(t.kids[1]).contains(t.kids[0].id))
            return {form_problem::integral_over_absent_variable, t.kids[0].id};
        // An integral over the observed variable is a statement about densities in general
        // (KL(q || p) = \int q(x) log q(x) / p(x) dx), not about this model's roles.
        if (t.kids[0].role == static_cast<std::uint8_t>(variable_role::observed))
            return {};
        break;
    case op::named:
        return {}; // checked where it is defined
    default:
        break;
    }
    for (const term& k : t.kids)
        if (form_report r = check_form(k); !r.ok())
            return r;
    return {};
}

// A step from `before` to `after` may not start depending on a variable that `before`
// integrated out: the variable is gone, so the new dependence came from a slip such as
// integrating over x where z was meant. A variable that was free all along (an identity
// that holds for every z) is fine.
constexpr form_report check_step_form(const term& before, const term& after) {
    if (form_report r = check_form(after); !r.ok())
        return r;
    const variable_set free_before = free_variables(before);
    const variable_set bound_before = bound_variables(before);
    for (int id : free_variables(after).ids)
        if (!free_before.contains(id) && bound_before.contains(id))
            return {form_problem::depends_on_integrated_variable, id};
    return {};
}

} // namespace elbocheck::sym
