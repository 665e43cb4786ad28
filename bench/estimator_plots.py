#!/usr/bin/env python3
"""Pictures of the estimator benchmarks, from the files they leave (Debian's python3-matplotlib).

usage: estimator_plots.py discrete WORK_DIR OUT.png   bench/discrete-estimators.sh's WORK_DIR (results.jsonl, and
                                                      variance/ESTIMATOR/gradvar.json when the variance was measured):
                                                      each seed's test NLL and -ELBO per estimator, and the encoder
                                                      gradient's norm SNR
       estimator_plots.py silent RESULTS_DIR OUT.png   bench/silent-gradients.sh's WORK_DIR/results: per data set and
                                                      estimator, each seed's test NLL with Silent Gradients minus
                                                      without (below zero: Silent Gradients helped)
"""
import json
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def discrete(work, out):
    runs = [json.loads(line) for line in open(os.path.join(work, "results.jsonl")) if line.strip()]
    estimators = list(dict.fromkeys(r["estimator"] for r in runs))
    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    for i, e in enumerate(estimators):
        mine = [r for r in runs if r["estimator"] == e]
        axes[0].scatter([i - 0.1] * len(mine), [r["nll"] for r in mine], color="C0", label="test NLL" if i == 0 else None)
        axes[0].scatter([i + 0.1] * len(mine), [-r["elbo"] for r in mine], color="C1", marker="s", label="test -ELBO" if i == 0 else None)
    axes[0].set_xticks(range(len(estimators)), estimators)
    axes[0].set_ylabel("nats (lower is better)")
    axes[0].set_title(f"categorical VAE, {runs[0]['steps']} steps, each seed")
    axes[0].legend()
    snr = []
    for e in estimators:
        path = os.path.join(work, "variance", e, "gradvar.json")
        if not os.path.exists(path):
            snr.append(float("nan"))
            continue
        groups = json.load(open(path))["points"][0]["groups"]
        snr.append(next(g for g in groups if g["name"] == "encoder")["norm_snr"])
    axes[1].bar(range(len(estimators)), snr, color="C2")
    axes[1].set_xticks(range(len(estimators)), estimators)
    axes[1].set_ylabel("||E g|| / sqrt(sum Var g)")
    axes[1].set_title("encoder gradient's norm SNR at the final weights")
    fig.tight_layout()
    fig.savefig(out + ".tmp.png", dpi=110)
    os.replace(out + ".tmp.png", out)


def silent(root, out):
    data_sets = sorted(d for d in os.listdir(root) if os.path.isdir(os.path.join(root, d)))
    fig, axes = plt.subplots(1, len(data_sets), figsize=(5 * len(data_sets), 4), squeeze=False)
    for ax, data in zip(axes[0], data_sets):
        def nll(variant):
            d = os.path.join(root, data, variant)
            if not os.path.isdir(d):
                return {}
            return {f[:-5]: json.load(open(os.path.join(d, f)))["metrics"]["evaluation"]["logLikelihood"]["nll"]
                    for f in os.listdir(d) if f.endswith(".json")}
        bases = sorted(v for v in os.listdir(os.path.join(root, data)) if "+" not in v)
        for i, base in enumerate(bases):
            plain, with_silent = nll(base), nll(base + "+silent")
            seeds = sorted(set(plain) & set(with_silent))
            diffs = [with_silent[s] - plain[s] for s in seeds]
            ax.scatter([i] * len(diffs), diffs, color="C0")
            if diffs:
                ax.hlines(sum(diffs) / len(diffs), i - 0.25, i + 0.25, color="C3")
        ax.axhline(0, color="grey", linewidth=0.8)
        ax.set_xticks(range(len(bases)), bases)
        ax.set_ylabel("test NLL with minus without (nats)")
        ax.set_title(f"Silent Gradients, {data}: each seed, red = mean")
    fig.tight_layout()
    fig.savefig(out + ".tmp.png", dpi=110)
    os.replace(out + ".tmp.png", out)


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] not in ("discrete", "silent"):
        sys.exit(__doc__)
    {"discrete": discrete, "silent": silent}[sys.argv[1]](sys.argv[2], sys.argv[3])
