#pragma once
// The symbolic layer: terms, canonical form, rules, derivations and their compile-time check.
#include "elbocheck/sym/claim.hpp"
#include "elbocheck/sym/rule_search.hpp"
#include "elbocheck/sym/symbols.hpp"
