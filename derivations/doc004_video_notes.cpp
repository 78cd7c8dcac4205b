// Compiling this file checks the derivations of one document (see the header).
#include "doc004_video_notes.hpp"

namespace doc = elbocheck::derivations::doc004;
ELBOCHECK_CLAIM_VALID(doc::bayes);
ELBOCHECK_CLAIM_VALID(doc::evidence_integral);
ELBOCHECK_CLAIM_AS_RECORDED(doc::kl_to_posterior);
ELBOCHECK_CLAIM_VALID(doc::evidence_bound);
ELBOCHECK_CLAIM_VALID(doc::elbo_forms);
ELBOCHECK_CLAIM_VALID(doc::elbo_with_guide_of_z);
