// Compiling this file checks the derivations of one document (see the header).
#include "doc000_elbo_note.hpp"

namespace doc = elbocheck::derivations::doc000;
ELBOCHECK_CLAIM_VALID(doc::evidence_by_marginalization);
ELBOCHECK_CLAIM_VALID(doc::evidence_by_bayes);
ELBOCHECK_CLAIM_AS_RECORDED(doc::elbo_and_gap);
ELBOCHECK_CLAIM_VALID(doc::bound_stated_first);
