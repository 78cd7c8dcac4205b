// Compiling this file checks the derivations of one document (see the header).
#include "doc003_vae_notes.hpp"

namespace doc = elbocheck::derivations::doc003;
ELBOCHECK_CLAIM_VALID(doc::bayes);
ELBOCHECK_CLAIM_VALID(doc::log_bayes);
ELBOCHECK_CLAIM_VALID(doc::elbo);
