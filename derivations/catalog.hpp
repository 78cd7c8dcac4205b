#pragma once
// Every derivation the project checks, in the order the tool lists them.

#include "beta_objective.hpp"
#include "doc000_elbo_note.hpp"
#include "doc001_elbo_properties.hpp"
#include "doc002_elbo_intuition.hpp"
#include "doc003_vae_notes.hpp"
#include "doc004_video_notes.hpp"
#include "elbocheck/sym/derivation_record.hpp"
#include "iwae_bound.hpp"

#include <vector>

namespace elbocheck::derivations {

inline std::vector<sym::derivation_record> catalog() {
    return {
        sym::record(doc000::evidence_by_marginalization),
        sym::record(doc000::evidence_by_bayes),
        sym::record(doc000::bound_stated_first),
        sym::record(doc000::elbo_and_gap),
        sym::record(doc001::elbo_inequality),
        sym::record(doc001::evidence_bounds_elbo),
        sym::record(doc001::gap),
        sym::record(doc001::evidence_over_parameters),
        sym::record(doc002::bound_stated_first),
        sym::record(doc002::main_derivation),
        sym::record(doc002::gap),
        sym::record(doc003::bayes),
        sym::record(doc003::log_bayes),
        sym::record(doc003::elbo),
        sym::record(doc004::bayes),
        sym::record(doc004::evidence_integral),
        sym::record(doc004::kl_to_posterior),
        sym::record(doc004::evidence_bound),
        sym::record(doc004::elbo_forms),
        sym::record(doc004::elbo_with_guide_of_z),
        sym::record(iwae::evidence_bounds_L2),
        sym::record(iwae::L2_bounds_L1),
        sym::record(iwae::L1_is_elbo),
        sym::record(beta_vae::against_elbo),
        sym::record(beta_vae::bound),
    };
}

} // namespace elbocheck::derivations
