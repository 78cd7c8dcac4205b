// Compiling this file checks the derivations of one document (see the header).
#include "doc001_elbo_properties.hpp"

namespace doc = elbocheck::derivations::doc001;
ELBOCHECK_CLAIM_VALID(doc::elbo_inequality);
ELBOCHECK_CLAIM_VALID(doc::evidence_bounds_elbo);
ELBOCHECK_CLAIM_VALID(doc::gap);
ELBOCHECK_CLAIM_VALID(doc::evidence_over_parameters);
