#pragma once
// A lemma: a derivation proved before, cited by a later step as a rule. Its start relates to
// its end by the derivation's overall relation; an equality is used as a rewrite (from -> to,
// everywhere), an inequality like Jensen's: at one position of known sign.

#include "elbocheck/sym/relation.hpp"
#include "elbocheck/sym/term.hpp"

namespace elbocheck::sym {

struct lemma_data {
    short_text name; // the cited derivation's name, for messages
    term from;
    term to;
    relation rel = relation::eq;
};

} // namespace elbocheck::sym
