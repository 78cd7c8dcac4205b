#pragma once
// The model instances a derivation is checked on: the reference model first (its values go
// into the documentation), then random instances drawn reproducibly from a seed.

#include "elbocheck/eval/model_binding.hpp"
#include "elbocheck/model/random_models.hpp"

#include <cstdint>
#include <map>
#include <vector>

namespace elbocheck::eval {

struct instance_set {
    std::vector<model::model_instance> models; // owns what the bindings point to
    std::vector<model_binding> bindings;
};

// The reference instance and `random_count` random ones from `seed`. Parameters such as the
// beta of a beta-weighted objective take the values given.
inline instance_set make_instances(std::size_t random_count,
                                   std::uint64_t seed = model::default_model_seed,
                                   const std::map<int, double>& parameters = {}) {
    instance_set set;
    set.models.reserve(random_count + 1);
    set.models.push_back(model::reference_instance());
    for (std::size_t i = 0; i < random_count; ++i)
        set.models.push_back(model::random_instance(seed, i));
    set.bindings.reserve(set.models.size());
    for (const model::model_instance& m : set.models)
        set.bindings.emplace_back(m.model, m.x, m.guide, parameters);
    return set;
}

} // namespace elbocheck::eval
