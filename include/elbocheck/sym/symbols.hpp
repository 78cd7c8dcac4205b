#pragma once
// The symbols of the seed documents, with fixed ids so that every derivation, test and
// generated page agrees on them: observed x, latent z (and theta, the parameters treated
// as a latent variable in the appendix of document 001), the model family p_theta and the
// guide family q_phi.

#include "elbocheck/sym/expression.hpp"

namespace elbocheck::sym::symbols {

inline constexpr variable_t<1, "x", variable_role::observed> x{};
inline constexpr variable_t<2, "z", variable_role::latent> z{};
inline constexpr variable_t<3, R"(\theta)", variable_role::latent> theta{};

inline constexpr family_t<1, "p", R"(\theta)", family_role::model> p{};
inline constexpr family_t<2, "q", R"(\phi)", family_role::guide> q{};

// Independent draws for importance-weighted bounds.
inline constexpr variable_t<4, "z_1", variable_role::latent> z_1{};
inline constexpr variable_t<5, "z_2", variable_role::latent> z_2{};

// beta-weighted objectives: beta of unknown sign, and excess = gamma >= 0 for beta = 1 + gamma
// (not named gamma in C++: that is a function of the C library). The
// numeric checks evaluate them at beta = 4 and gamma = 3.
inline constexpr parameter_t<1, R"(\beta)", parameter_sign::any, 4> beta{};
inline constexpr parameter_t<2, R"(\gamma)", parameter_sign::nonnegative, 3> excess{};

} // namespace elbocheck::sym::symbols
