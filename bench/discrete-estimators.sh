#!/usr/bin/env bash
# Discrete latents: the same categorical VAE trained with each gradient estimator for the same number of steps.
# Model (Jang, Gu and Poole 2017's categorical VAE, smaller networks to fit the budget): 20 groups of 10 categories,
# uniform prior, MLP 784-HIDDEN-200 encoder and 200-HIDDEN-784 decoder (ReLU), Bernoulli pixels with dynamic
# binarization; Fashion-MNIST, the first LIMIT training images, batch 100, Adam lr 1e-3, EPOCHS epochs (equal steps
# for every estimator). Estimators: gumbel and gumbel-st (temperature max(0.5, exp(-1e-4 step))), reinforce
# (running-mean baseline), nvil (learned baseline, centering, variance normalisation) and vimco (k = 5 samples, the
# 5-sample bound; five decoder passes per row). Evaluation on EVAL_LIMIT test images: the ELBO and the NLL (-L_NLL_K,
# importance sampling with q as proposal), both with one-hot codes, whatever the training estimator.
#
# Gradient variance at equal steps: when the tool has `latent4j gradvar` (issue 12's GRADVAR part), each run's encoder
# gradient, with the estimator it trained with, is drawn DRAWS times at its final weights on a fixed batch of the
# first 100 held-out images: the mean element variance and the norm SNR ||E[g]|| / sqrt(sum Var[g_i]) (debiased; NVIL
# divides its encoder gradient by max(1, sqrt(v)), which lowers its variance but not its SNR, so compare SNRs);
# otherwise the column says it is missing.
#
# Usage: bench/discrete-estimators.sh [WORK_DIR]   (LIMIT=20000 EPOCHS=5 HIDDEN=256 SEEDS="0" NLL_K=100
# EVAL_LIMIT=1000 DRAWS=100 ESTIMATORS="gumbel gumbel-st reinforce nvil vimco" L4J=path/to/latent4j to change).
# Runs already finished in WORK_DIR are reused. Prints a Markdown table; results.jsonl and the runs stay in WORK_DIR.
# Measured on 2 shared AMD EPYC cores at a load average of 9-19: about 11 minutes a seed; seeds 0-2, test ELBO / NLL:
# gumbel -276.9 / 255.5, gumbel-st -271.9 / 260.5, reinforce -305.8 / 282.8, nvil -298.1 / 276.0, vimco -283.1 / 258.5;
# encoder norm SNR 0.80, 0.84, 0.09, 0.11, 0.15 (docs/estimators.md, "Discrete latents", has the table and the verdict).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="${1:-$(mktemp -d /tmp/latent4j-discrete.XXXXXX)}"
limit="${LIMIT:-20000}"
epochs="${EPOCHS:-5}"
hidden="${HIDDEN:-256}"
seeds="${SEEDS:-0}"
nllk="${NLL_K:-100}"
evallimit="${EVAL_LIMIT:-1000}"
draws="${DRAWS:-100}"
estimators="${ESTIMATORS:-gumbel gumbel-st reinforce nvil vimco}"
l4j="${L4J:-$here/../latent4j}"
mkdir -p "$work/runs"
echo "machine: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "work directory: $work; $limit training images, $epochs epochs, hidden $hidden, seeds $seeds"
quiet() { "$@" > "$work/last.log" 2>&1 || { cat "$work/last.log" >&2; exit 1; }; }
samples() { [ "$1" = vimco ] && echo 5 || echo 1; }
start=$(date +%s)
for seed in $seeds; do
  for e in $estimators; do
    run="$work/runs/$e-s$seed"
    [ -f "$run/metrics.json" ] && continue
    t0=$(date +%s)
    quiet "$l4j" train --data fashion-mnist --model categorical-vae --groups 20 --categories 10 --hidden "$hidden" --estimator "$e" \
      --k "$(samples "$e")" --limit "$limit" --epochs "$epochs" --batch 100 --lr 0.001 --seed "$seed" --eval-limit "$evallimit" \
      --nll-k "$nllk" --out "$run"
    echo "$e seed $seed: $(( $(date +%s) - t0 )) s; load average $(cut -d' ' -f1-3 /proc/loadavg)"
  done
done

variance="$work/variance"
mkdir -p "$variance"
if "$l4j" gradvar --help > /dev/null 2>&1; then
  for e in $estimators; do
    out="$variance/$e"
    [ -f "$out/gradvar.json" ] && continue
    # each run with its own estimator (and k), at its final weights: its baselines are the ones it trained
    quiet "$l4j" gradvar "$work/runs/$e-s${seeds%% *}" --draws "$draws" --batch 100 --out "$out"
  done
else
  echo "latent4j gradvar is not in this build: the variance column is missing"
fi

/usr/bin/python3 - "$work" "$seeds" "$estimators" <<'PY'
import json, math, os, sys
work, seeds, estimators = sys.argv[1], sys.argv[2].split(), sys.argv[3].split()
rows = []
with open(os.path.join(work, "results.jsonl"), "w") as out:
    for e in estimators:
        elbos, nlls, secs, steps = [], [], [], []
        for s in seeds:
            m = json.load(open(os.path.join(work, "runs", f"{e}-s{s}", "metrics.json")))
            ll = m["evaluation"]["logLikelihood"]
            elbos.append(ll["elbo"]["mean"]); nlls.append(ll["nll"])
            with open(os.path.join(work, "runs", f"{e}-s{s}", "history.csv")) as h:
                head = h.readline().strip().split(",")
                secs.append(sum(float(line.split(",")[head.index("seconds")]) for line in h if line.strip()))
            steps.append(m["training"]["step"])
            out.write(json.dumps({"estimator": e, "seed": s, "elbo": ll["elbo"]["mean"], "elboStandardError": ll["elbo"]["standardError"],
                                  "nll": ll["nll"], "nllK": ll["k"], "steps": m["training"]["step"], "trainingSeconds": secs[-1]}) + "\n")
        def spread(v):
            mean = sum(v) / len(v)
            sd = math.sqrt(sum((x - mean) ** 2 for x in v) / (len(v) - 1)) if len(v) > 1 else float("nan")
            return mean, sd
        var = os.path.join(work, "variance", e, "gradvar.json")
        vcol = "missing"
        if os.path.exists(var):
            v = json.load(open(var))
            enc = next(g for g in v["points"][0]["groups"] if g["name"] == "encoder")
            vcol = f"{enc['mean_variance']:.3g} / {enc['norm_snr']:.3f}"
        rows.append((e, spread(elbos), spread(nlls), steps[0], sum(secs) / len(secs), vcol))
print()
print(f"| estimator | steps | test ELBO (nats) | test NLL (nats) | training s | encoder gradient: mean variance / norm SNR |")
print("| --- | --- | --- | --- | --- | --- |")
for e, (em, es), (nm, ns), st, sec, vcol in rows:
    pm = lambda m, s: f"{m:.2f}" + ("" if math.isnan(s) else f" ± {s:.2f}")
    print(f"| {e} | {st} | {pm(em, es)} | {pm(nm, ns)} | {sec:.0f} | {vcol} |")
PY
/usr/bin/python3 "$here/estimator_plots.py" discrete "$work" "$work/discrete-estimators.png" && echo "wrote $work/discrete-estimators.png"
echo "total: $(( $(date +%s) - start )) s"
