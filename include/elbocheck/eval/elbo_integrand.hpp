#pragma once
// The two integrands the Monte Carlo estimators need, for a linear-Gaussian model under a
// Gaussian guide, evaluated for whole batches of standard normals eps (z = m + Lq eps):
//
//     log w(eps)   = log p(x, z) - log q(z | x)   estimators A, IWAE, log E_q[w]
//     log p(x | z)                                estimator B
//
// Each is the compiled form of its expression type (compiled_integrand.hpp): the derivation
// language's log(p(x, z) / q(z | x)) and log(p(x | z)) decide which Gaussian blocks the fused
// loop evaluates and with which weights, so the kernel is generated from the same expression the
// derivations write rather than written by hand for it. The whitened model blocks are computed
// once and shared by both.

#include "elbocheck/eval/compiled_integrand.hpp"
#include "elbocheck/model/gaussian.hpp"
#include "elbocheck/model/linear_gaussian.hpp"
#include "elbocheck/sym/symbols.hpp"

#include <Eigen/Cholesky>
#include <cstddef>
#include <stdexcept>
#include <string>

namespace elbocheck::eval {

// Which function of eps a batch evaluation returns.
enum class integrand_part {
    log_weight,    // log p(x, z) - log q(z): estimator A, IWAE, log E_q[w]
    log_likelihood // log p(x | z): estimator B
};

namespace integrands {
using namespace sym;
using namespace sym::symbols;
using log_weight = decltype(log(p(x, z) / q(z | x)));
using log_likelihood = decltype(log(p(x | z)));
} // namespace integrands

class elbo_integrand {
  public:
    // Samples evaluated together, one per vector lane: 16 with SSE2, 32 with AVX, 64 with
    // AVX-512.
    static constexpr std::size_t tile_lanes = integrand_tile_lanes;

    elbo_integrand(const model::linear_gaussian& model, const Eigen::VectorXd& x,
                   const model::gaussian& q)
        : elbo_integrand(whitened_blocks(model, x, q), model, q) {}

    std::size_t latent_dim() const noexcept { return weight_.latent_dim(); }

    // The exact KL(q || p(z)), which estimator B subtracts.
    double kl_to_prior() const noexcept { return kl_to_prior_; }
    // Whether Var_q[w] < infinity (the guide is wider than half the posterior in every
    // direction): the condition under which the delta-method interval for log E_q[w] means
    // anything.
    bool weight_variance_finite() const noexcept { return weight_variance_finite_; }

    // out[j] = part(eps_j) for j < count, where coordinate i of eps_j is eps[i * stride + j]
    // (structure of arrays: one row of `stride` doubles per latent coordinate).
    void evaluate(integrand_part part, const double* eps, std::size_t stride, std::size_t count,
                  double* out) const {
        if (part == integrand_part::log_weight)
            weight_.evaluate(eps, stride, count, out);
        else
            likelihood_.evaluate(eps, stride, count, out);
    }

    // The same for one point, through the same kernel; for tests and scalar callers.
    double operator()(integrand_part part, const Eigen::VectorXd& eps) const {
        return part == integrand_part::log_weight ? weight_(eps) : likelihood_(eps);
    }

  private:
    // The whitened blocks are built (and the arguments checked) before anything else reads q.
    elbo_integrand(const whitened_blocks& blocks, const model::linear_gaussian& model,
                   const model::gaussian& q)
        : weight_(blocks)
        , likelihood_(blocks)
        , kl_to_prior_(model.kl_to_prior(q)) {
        // Var_q[w] is finite iff E_q[w^2] = E[exp(2 log w)] is. With log w = const + linear -
        // 1/2 eps^T H eps, that is iff I + 2 H is positive definite.
        const Eigen::Index d = blocks.latent_dim;
        const Eigen::MatrixXd doubled =
            2.0 * weight_.plan().curvature() + Eigen::MatrixXd::Identity(d, d);
        const Eigen::LLT<Eigen::MatrixXd> llt(doubled);
        weight_variance_finite_ = llt.info() == Eigen::Success && llt.rcond() > 1e-12;
    }

    compiled_integrand<integrands::log_weight> weight_;
    compiled_integrand<integrands::log_likelihood> likelihood_;
    double kl_to_prior_ = 0.0;
    bool weight_variance_finite_ = false;
};

} // namespace elbocheck::eval
