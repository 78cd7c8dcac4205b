// Compiling this file checks the beta-weighted objective (see the header).
#include "beta_objective.hpp"

namespace beta_vae = elbocheck::derivations::beta_vae;
ELBOCHECK_CLAIM_VALID(beta_vae::against_elbo);
ELBOCHECK_CLAIM_VALID(beta_vae::bound);
