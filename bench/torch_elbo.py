#!/usr/bin/python3
"""The ELBO estimate of bench/estimator_benchmarks.cpp (estimator A: the mean of
log p(x, z) - log q(z) over z ~ q) in PyTorch, float64, on 2 threads, for the same models.

For each (d, D) two formulations are timed at several chunk sizes (samples per tensor op), each
measurement repeated (--repetitions) and its median kept, and the fastest median is reported:
  direct     what a PyTorch user writes: z = m + eps Lq^T, the residual x - b - z W^T over all
             D outputs, and the three log-densities; O(D d) per sample.
  projected  the algorithm of the fused C++ kernel (elbo_integrand.hpp): the likelihood residual
             in the basis of the thin QR factor of Psi^{-1/2} W Lq, so O(d^2) per sample.
Each line printed is one JSON object:
  {"d", "D", "variant", "chunk", "ns_per_sample", "cpu_ns_per_sample", "samples", "estimate",
   "exact", "best"}
(cpu_ns_per_sample: CPU time of all the process's threads per sample.)
where "best" marks the fastest (variant, chunk) of that (d, D).

Run with the system interpreter:
    /usr/bin/python3 bench/torch_elbo.py [--min-time 0.2] [--repetitions 5]
"""

import argparse
import json
import math
import time

import torch

SHAPES = [(1, 1), (2, 2), (8, 32), (32, 784)]
CHUNKS = [1024, 4096, 16384, 65536, 262144]
# Largest intermediate per chunk (chunk x D doubles for direct, chunk x d for projected) kept
# under 64 MiB: bigger chunks only add cache misses and would need gigabytes at D = 784.
MAX_CHUNK_DOUBLES = 1 << 23
LOG_TWO_PI = math.log(2.0 * math.pi)


def make_case(d, D):
    """The model of estimator_benchmarks.cpp, formula for formula."""
    f64 = torch.float64
    i = torch.arange(D, dtype=f64)
    j = torch.arange(d, dtype=f64)
    w = torch.sin(0.37 * (i[:, None] + 1) + 1.1 * (j[None, :] + 1)) / math.sqrt(d)
    b = 0.1 * torch.cos(0.5 * i)
    psi = 0.2 + 0.1 * (1.0 + torch.cos(0.3 * i))
    x = torch.sin(0.2 * i + 0.4)
    m = 0.2 * torch.cos(0.7 * j)
    lq = torch.zeros(d, d, dtype=f64)
    for r in range(d):
        lq[r, r] = 0.5 + 0.1 * math.cos(r)
        for c in range(r):
            lq[r, c] = 0.05 * math.sin(r + 2 * c)
    return {"d": d, "D": D, "w": w, "b": b, "psi": psi, "x": x, "m": m, "lq": lq}


def exact_elbo(case):
    """E_q[log p(x|z)] - KL(q || N(0, I)), in closed form."""
    d, D = case["d"], case["D"]
    w, psi, lq, m = case["w"], case["psi"], case["lq"], case["m"]
    resid = case["x"] - case["b"] - w @ m
    spread = (w @ lq) / psi.sqrt()[:, None]
    expected_loglik = -0.5 * (D * LOG_TWO_PI + psi.log().sum() + (resid**2 / psi).sum()
                              + (spread**2).sum())
    log_det_s = 2.0 * lq.diagonal().log().sum()
    kl = 0.5 * ((lq**2).sum() + (m**2).sum() - d - log_det_s)
    return float(expected_loglik - kl)


def direct_estimator(case):
    d, D = case["d"], case["D"]
    w_t, lq_t, m = case["w"].T.contiguous(), case["lq"].T.contiguous(), case["m"]
    target = case["x"] - case["b"]
    inv_psi = 1.0 / case["psi"]
    log_det_s = 2.0 * case["lq"].diagonal().log().sum()
    # log p(x|z) + log p(z) - log q(z) = const - 1/2 (|r|^2_Psi + |z|^2 - |eps|^2)
    const = float(-0.5 * (D * LOG_TWO_PI + case["psi"].log().sum()) - 0.5 * d * LOG_TWO_PI
                  + 0.5 * (d * LOG_TWO_PI + log_det_s))

    def chunk_values(n):
        eps = torch.randn(n, d, dtype=torch.float64)
        z = torch.addmm(m, eps, lq_t)
        r = target - z @ w_t
        return const - 0.5 * ((r * r) @ inv_psi + (z * z).sum(1) - (eps * eps).sum(1))

    return chunk_values


def projected_estimator(case):
    d, D = case["d"], case["D"]
    scale = case["psi"].rsqrt()
    c = (case["w"] @ case["lq"]) * scale[:, None]
    a = (case["x"] - case["b"] - case["w"] @ case["m"]) * scale
    q, r = torch.linalg.qr(c, mode="complete")
    k = min(d, D)
    rotated = q.T @ a
    a_top, perpendicular = rotated[:k], float((rotated[k:] ** 2).sum())
    r_t = r[:k].T.contiguous()           # d x k
    p_t = case["lq"].T.contiguous()      # prior residual z = m + Lq eps (Sigma0 = I)
    m = case["m"]
    log_det_s = 2.0 * case["lq"].diagonal().log().sum()
    const = float(-0.5 * (D * LOG_TWO_PI + case["psi"].log().sum() + perpendicular)
                  - 0.5 * d * LOG_TWO_PI + 0.5 * (d * LOG_TWO_PI + log_det_s))

    def chunk_values(n):
        eps = torch.randn(n, d, dtype=torch.float64)
        u = a_top - eps @ r_t
        z = torch.addmm(m, eps, p_t)
        return const - 0.5 * ((u * u).sum(1) + (z * z).sum(1) - (eps * eps).sum(1))

    return chunk_values


def time_variant(chunk_values, chunk, min_time):
    chunk_values(chunk)  # warm-up: allocator, thread pool
    total = 0.0
    samples = 0
    start = time.perf_counter()
    cpu_start = time.process_time()
    while True:
        total += float(chunk_values(chunk).sum())
        samples += chunk
        elapsed = time.perf_counter() - start
        if elapsed >= min_time:
            break
    cpu = time.process_time() - cpu_start
    return elapsed * 1e9 / samples, cpu * 1e9 / samples, samples, total / samples


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min-time", type=float, default=0.2,
                        help="seconds per (variant, chunk) measurement")
    parser.add_argument("--repetitions", type=int, default=5,
                        help="measurements per (variant, chunk); the median is reported")
    args = parser.parse_args()
    torch.set_num_threads(2)
    torch.manual_seed(20240601)
    for d, D in SHAPES:
        case = make_case(d, D)
        exact = exact_elbo(case)
        rows = []
        for variant, build, width in (("direct", direct_estimator, D),
                                      ("projected", projected_estimator, d)):
            values = build(case)
            for chunk in CHUNKS:
                if chunk * width > MAX_CHUNK_DOUBLES:
                    continue
                # The median of several measurements, as for the Google Benchmark side: on a
                # shared machine one measurement can land on a busy moment.
                runs = sorted(time_variant(values, chunk, args.min_time)
                              for _ in range(max(1, args.repetitions)))
                ns, cpu_ns, samples, estimate = runs[len(runs) // 2]
                rows.append({"d": d, "D": D, "variant": variant, "chunk": chunk,
                             "ns_per_sample": ns, "cpu_ns_per_sample": cpu_ns,
                             "samples": samples, "estimate": estimate,
                             "exact": exact})
        fastest = min(rows, key=lambda row: row["ns_per_sample"])
        for row in rows:
            row["best"] = row is fastest
            print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
