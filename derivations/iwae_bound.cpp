// Compiling this file checks the importance-weighted bound (see the header).
#include "iwae_bound.hpp"

namespace iwae = elbocheck::derivations::iwae;
ELBOCHECK_CLAIM_VALID(iwae::evidence_bounds_L2);
ELBOCHECK_CLAIM_VALID(iwae::L2_bounds_L1);
ELBOCHECK_CLAIM_VALID(iwae::L1_is_elbo);
