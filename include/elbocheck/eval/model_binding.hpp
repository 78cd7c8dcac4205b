#pragma once
// Binding a derivation's symbols to a concrete linear-Gaussian model instance: the observed
// variable is the data x, the latent variable is z, the model family p is the model's joint
// (so p(x), p(z), p(x | z), p(x, z), p(z | x) are all determined), and the guide family q is
// the guide N(m, S) (read as q(z | x) or q(z) for the fixed x). Everything a term can refer
// to is computed once per instance here.

#include "elbocheck/model/linear_gaussian.hpp"
#include "elbocheck/sym/term.hpp"
#include "elbocheck/sym/variables.hpp"

#include <map>
#include <optional>
#include <string>

namespace elbocheck::eval {

// Which of the model's densities a density term names.
enum class bound_density { evidence, prior, likelihood, joint, posterior, guide, unknown };

class model_binding {
  public:
    model_binding(const model::linear_gaussian& m, Eigen::VectorXd x, model::gaussian guide,
                  std::map<int, double> parameters = {})
        : model_(&m)
        , x_(std::move(x))
        , guide_(std::move(guide))
        , posterior_(m.posterior(x_))
        , log_evidence_(m.log_evidence(x_))
        , parameters_(std::move(parameters)) {}

    const model::linear_gaussian& model() const { return *model_; }
    const Eigen::VectorXd& x() const { return x_; }
    const model::gaussian& guide() const { return guide_; }
    const model::gaussian& prior() const { return model_->prior(); }
    const model::gaussian& posterior() const { return posterior_; }
    double log_evidence() const { return log_evidence_; }
    Eigen::Index latent_dim() const { return model_->latent_dim(); }

    std::optional<double> parameter(int id) const {
        const auto at = parameters_.find(id);
        if (at == parameters_.end())
            return std::nullopt;
        return at->second;
    }

    static bound_density classify(const sym::term& density) {
        using sym::variable_role;
        int observed_sampled = 0, latent_sampled = 0, observed_given = 0, latent_given = 0;
        for (std::size_t i = 0; i < density.kids.size(); ++i) {
            const bool latent =
                density.kids[i].role == static_cast<std::uint8_t>(variable_role::latent);
            const bool sampled = i < density.given;
            (sampled ? (latent ? latent_sampled : observed_sampled)
                     : (latent ? latent_given : observed_given)) += 1;
        }
        if (observed_sampled > 1 || latent_sampled > 1 || observed_given > 1 || latent_given > 1)
            return bound_density::unknown;
        if (density.role == static_cast<std::uint8_t>(sym::family_role::guide))
            return (latent_sampled == 1 && observed_sampled == 0 && latent_given == 0)
                       ? bound_density::guide
                       : bound_density::unknown;
        if (observed_sampled && latent_sampled && !observed_given && !latent_given)
            return bound_density::joint;
        if (observed_sampled && !latent_sampled && latent_given && !observed_given)
            return bound_density::likelihood;
        if (observed_sampled && !latent_sampled && !latent_given && !observed_given)
            return bound_density::evidence;
        if (latent_sampled && !observed_sampled && !latent_given && !observed_given)
            return bound_density::prior;
        if (latent_sampled && !observed_sampled && observed_given && !latent_given)
            return bound_density::posterior;
        return bound_density::unknown;
    }

    // log density as a quadratic form in z (constant in z for the evidence).
    std::optional<model::quadratic_form> log_density_form(bound_density which) const {
        const Eigen::Index d = latent_dim();
        switch (which) {
        case bound_density::evidence:
            return model::quadratic_form::zero(d) + log_evidence_;
        case bound_density::prior:
            return model_->log_prior_form();
        case bound_density::likelihood:
            return model_->log_likelihood_form(x_);
        case bound_density::joint:
            return model_->log_joint_form(x_);
        case bound_density::posterior:
            return model::quadratic_form::log_density_of(posterior_);
        case bound_density::guide:
            return model::quadratic_form::log_density_of(guide_);
        case bound_density::unknown:
            break;
        }
        return std::nullopt;
    }

    // The Gaussian a density over z is, for E and KL.
    const model::gaussian* latent_gaussian(bound_density which) const {
        switch (which) {
        case bound_density::prior:
            return &model_->prior();
        case bound_density::posterior:
            return &posterior_;
        case bound_density::guide:
            return &guide_;
        default:
            return nullptr;
        }
    }

  private:
    const model::linear_gaussian* model_;
    Eigen::VectorXd x_;
    model::gaussian guide_;
    model::gaussian posterior_;
    double log_evidence_;
    std::map<int, double> parameters_;
};

} // namespace elbocheck::eval
