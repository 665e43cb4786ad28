#!/usr/bin/env bash
# Codebook collapse: the conv VQ-VAE on Fashion-MNIST with K = 512 codes, trained with the same budget (epochs,
# batch, learning rate, seed) in each variant, then evaluated on the whole test split: the share of the 512 codes
# used, the perplexity of the code frequencies, and the reconstruction's mean squared error per pixel.
#
# Variants (--variants, comma-separated; every one a `latent4j train --model vq-vae --arch conv` run unless noted):
#   ste          plain VQ-VAE: straight-through estimator, codebook learned by its loss, random codebook (uniform in
#                +-sqrt(6/D)), no restarts: the baseline (van den Oord et al. 2017)
#   ste-kmeans   the same with Latent4j's default k-means++ initialisation of the codebook on encoder outputs
#   ema-restart  EMA codebook (decay 0.99) and dead-code restarts (--restart-dead, default 20 steps), k-means init
#   rotation     the rotation trick (Fifty et al. 2024) with l2-normalised codes looked up in 8 dimensions (a learned
#                projection down and back up: the factorized, normalised codes of Yu et al. 2021), random codebook: the
#                best of the rotation settings tried
#   rotation-64  the rotation trick with cosine lookup in the codes' full 64 dimensions, random codebook
#   rotation-l2  the rotation trick with L2 lookup and a random codebook, as the paper compares it with the STE
#   rotation-kmeans, rotation-l2-kmeans  rotation-64 and rotation-l2 with the default k-means++ initialisation
#   simvq        SimVQ (Zhu et al. 2024): frozen random codebook times a learned linear map (with a bias), the map
#                started at the moments of encoder outputs (Latent4j's default for SimVQ)
#   simvq-random SimVQ as the paper starts it: a random map, no bias
#   fsq          FSQ (Mentzer et al. 2023), `--model fsq-vae --levels 8,4,4,4` (512 codes in 4 dimensions; skipped
#                with a note when the fsq-vae kind is not registered)
#   fsq-888      FSQ with levels 8,8,8 (512 codes in 3 dimensions)
# The networks are the same in every variant: Conv 1->32->64 (4x4, stride 2, ReLU) to a 7x7 grid, a 1x1 conv to the
# 64-wide codes (as wide as its levels for FSQ), transposed convs back; Gaussian likelihood sigma 0.1 (loss = squared
# error / 0.02 + 49 x the quantizer's loss), Adam at 1e-3.
#
# Usage: bench/codebook-collapse.sh [--epochs 10] [--batch 128] [--lr 0.001] [--seed 0] [--data fashion-mnist]
#                                   [--restart-dead 20] [--variants ste,ste-kmeans,ema-restart,rotation,rotation-l2,simvq,fsq]
#                                   (also rotation-64, rotation-kmeans, rotation-l2-kmeans, simvq-random, fsq-888)
#                                   [--out DIR] [--threads 2]
# Prints a table (and writes DIR/summary.json); each variant's run directory (with codebook-usage.png) stays in DIR.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
epochs=10 batch=128 lr=0.001 seed=0 data=fashion-mnist restart=20 threads=2
variants="ste,ste-kmeans,ema-restart,rotation,rotation-l2,simvq,fsq" out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --epochs) epochs="$2"; shift 2 ;;
    --batch) batch="$2"; shift 2 ;;
    --lr) lr="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --data) data="$2"; shift 2 ;;
    --restart-dead) restart="$2"; shift 2 ;;
    --variants) variants="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    *) echo "usage: $0 [--epochs N] [--batch N] [--lr R] [--seed N] [--data SOURCE] [--restart-dead N] [--variants a,b,...] [--out DIR] [--threads N]" >&2
       exit 2 ;;
  esac
done
[ -n "$out" ] || out="runs/codebook-collapse-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$out"
l4j="$here/../latent4j"
export LATENT4J_JAVA_OPTS="${LATENT4J_JAVA_OPTS:-} -Dlatent4j.threads=$threads"
common=(--arch conv --data "$data" --epochs "$epochs" --batch "$batch" --lr "$lr" --seed "$seed" --nll-k 0 --eval-limit 1000000)
echo "codebook collapse: conv VQ-VAE, K = 512, $epochs epochs at batch $batch, lr $lr, seed $seed, data $data, $threads threads"
echo "machine: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "commit: $(git -C "$here/.." rev-parse --short HEAD 2>/dev/null || echo unknown)"
IFS=, read -r -a names <<< "$variants"
for v in "${names[@]}"; do
  model=vq-vae
  case "$v" in
    ste) opts=(--codebook-init random) ;;
    ste-kmeans) opts=() ;;
    ema-restart) opts=(--codebook-update ema --restart-dead "$restart") ;;
    rotation) opts=(--gradient rotation --distance cosine --codebook-init random --projection-dim 8) ;;
    rotation-64) opts=(--gradient rotation --distance cosine --codebook-init random) ;;
    rotation-l2) opts=(--gradient rotation --codebook-init random) ;;
    rotation-kmeans) opts=(--gradient rotation --distance cosine) ;;
    rotation-l2-kmeans) opts=(--gradient rotation) ;;
    simvq) opts=(--codebook simvq) ;;
    simvq-random) opts=(--codebook simvq --codebook-init random) ;;
    fsq) model=fsq-vae; opts=(--levels 8,4,4,4) ;;
    fsq-888) model=fsq-vae; opts=(--levels 8,8,8) ;;
    *) echo "$0: unknown variant '$v'" >&2; exit 2 ;;
  esac
  if ! "$l4j" train --help | grep -q "^  $model "; then
    echo "  $v: skipped (the $model kind is not registered in this build)"
    continue
  fi
  rm -rf "${out:?}/$v"
  start=$(date +%s)
  "$l4j" train --model "$model" "${common[@]}" "${opts[@]}" --out "$out/$v" --json "$out/$v.json" > "$out/$v.log" 2>&1 \
    || { echo "  $v: training failed, see $out/$v.log" >&2; exit 1; }
  echo "  $v: $(grep -E '^Codebook' "$out/$v.log" | head -1) ($(( $(date +%s) - start )) s; load average $(cut -d' ' -f1-3 /proc/loadavg))"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$out" "$variants" <<'PY'
import json, os, sys
out, variants = sys.argv[1], sys.argv[2].split(",")
settings = {"ste": "STE, random init", "ste-kmeans": "STE, k-means init", "ema-restart": "EMA 0.99 + restarts, k-means init",
            "rotation": "rotation trick, cosine in 8-d, random init", "rotation-64": "rotation trick, cosine, random init",
            "rotation-l2": "rotation trick, L2, random init", "simvq-random": "SimVQ, the paper's random start",
            "rotation-kmeans": "rotation trick, cosine, k-means init", "rotation-l2-kmeans": "rotation trick, L2, k-means init",
            "simvq": "SimVQ (frozen C, W and b from moments)", "fsq": "FSQ 8,4,4,4", "fsq-888": "FSQ 8,8,8"}
rows = []
print(f"{'variant':12} {'settings':40} {'codes used':>14} {'perplexity':>10} {'test MSE/pixel':>14} {'train s':>8}")
for v in variants:
    path = os.path.join(out, v, "metrics.json")
    if not os.path.exists(path):
        print(f"{v:12} {'(not run)':40}")
        continue
    m = json.load(open(path))
    ev, tr = m["evaluation"], json.load(open(os.path.join(out, v + ".json")))
    stage = ev["latent"]["stages"][0]
    mse = ev["reconstruction"]["squaredError"]["mean"] / 784
    row = {"variant": v, "settings": settings.get(v, ""), "codes": stage["codes"], "used": stage["used"], "usage": stage["usage"],
           "perplexity": stage["perplexity"], "test_mse_per_pixel": mse, "fvu": ev["reconstruction"]["fractionOfVarianceUnexplained"],
           "examples": ev["examples"], "train_seconds": tr["seconds"]}
    rows.append(row)
    print(f"{v:12} {row['settings']:40} {stage['used']:5d}/{stage['codes']} {100 * stage['usage']:5.1f}% {stage['perplexity']:10.1f} "
          f"{mse:14.5f} {tr['seconds']:8.0f}")
json.dump(rows, open(os.path.join(out, "summary.json"), "w"), indent=2)
print(f"(usage and perplexity over every code chosen for the {rows[0]['examples'] if rows else 0} test images x 49 places; wrote {out}/summary.json)")
PY
