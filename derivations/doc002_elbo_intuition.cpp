// Compiling this file checks document 002's derivations: it fails to build, naming the
// step, if any step is not justified by the rules it cites.
#include "doc002_elbo_intuition.hpp"

ELBOCHECK_CLAIM_VALID(elbocheck::derivations::doc002::main_derivation);
ELBOCHECK_CLAIM_VALID(elbocheck::derivations::doc002::gap);
ELBOCHECK_CLAIM_VALID(elbocheck::derivations::doc002::bound_stated_first);
