#!/usr/bin/env bash
# Top-k sparse autoencoder quality against k, with and without AuxK, at one training budget.
#
# Data: Fashion-MNIST's 784-pixel images as intensities in [0, 1] (Debian's dataset-fashion-mnist: the 60,000
# training images, of which the trainer holds out 10% for validation, and the 10,000 test images; `--data embedded`
# uses the 10,000 images shipped in the jar instead, 1,000 held out). No standardization: the model's own input
# scale makes the mean squared norm 784.
# Model: topk-sae with --latents (default 4096) and k in --ks (default 8,16,32,64), AuxK on (alpha 1/32, k_aux 512,
# dead = not fired in one pass over the training rows) and off; every run the same budget: --epochs passes (default
# 10) at batch 256, Adam lr 1e-3, seed 0.
# Reported per run, from its metrics.json: the test set's fraction of variance unexplained (squared error over the
# test set's variance about its own mean), its dead latents (never firing on any test image), its L0, and the dead
# latents of the last training epoch (the mean over its steps of the latents not fired in the last pass over the
# training rows).
# Usage: bench/sae-quality.sh [--epochs 10] [--latents 4096] [--ks 8,16,32,64] [--data fashion-mnist] [--out DIR]
# (LATENT4J=COMMAND runs another latent4j launcher, e.g. one of a frozen jar while the sources change.)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
latent4j="${LATENT4J:-$here/../latent4j}"
epochs=10 latents=4096 ks="8,16,32,64" data="fashion-mnist" out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --epochs) epochs="$2"; shift 2 ;;
    --latents) latents="$2"; shift 2 ;;
    --ks) ks="$2"; shift 2 ;;
    --data) data="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    *) echo "usage: $0 [--epochs N] [--latents N] [--ks 8,16,32,64] [--data fashion-mnist|embedded] [--out DIR]" >&2; exit 2 ;;
  esac
done
if [ -z "$out" ]; then out="$(mktemp -d)"; trap 'rm -rf "$out"' EXIT; fi
mkdir -p "$out"
echo "machine: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "data $data, $latents latents, $epochs epochs at batch 256, Adam lr 1e-3, seed 0; runs in $out"
IFS=, read -r -a klist <<< "$ks"
for k in "${klist[@]}"; do
  for auxk in on off; do
    run="$out/k$k-auxk-$auxk"
    rm -rf "$run"
    start=$(date +%s)
    "$latent4j" train --model topk-sae --data "$data" --latents "$latents" --sparsity-k "$k" --auxk "$auxk" --epochs "$epochs" \
      --batch 256 --lr 0.001 --seed 0 --eval-limit 10000 --out "$run" > "$out/k$k-auxk-$auxk.log" 2>&1 \
      || { echo "run k=$k auxk=$auxk failed:" >&2; tail -5 "$out/k$k-auxk-$auxk.log" >&2; exit 1; }
    echo "  k=$k auxk=$auxk: $(( $(date +%s) - start )) s (load average $(cut -d' ' -f1 /proc/loadavg))"
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$out" "$ks" "$latents" <<'PY'
import json, sys
out, ks, latents = sys.argv[1], sys.argv[2].split(","), int(sys.argv[3])
print(f"{'k':>3} {'AuxK':>4} {'test FVU':>9} {'test dead':>10} {'test L0':>8} {'train dead (last epoch)':>24} {'train FVU':>10} {'seconds':>8}")
for k in ks:
    for auxk in ("on", "off"):
        m = json.load(open(f"{out}/k{k}-auxk-{auxk}/metrics.json"))
        ev, tr = m["evaluation"], m["training"]
        dead = ev["latent"]["deadLatents"]
        train_dead = tr["metrics"]["dead_fraction"] * latents
        print(f"{k:>3} {auxk:>4} {ev['reconstruction']['fractionOfVarianceUnexplained']:9.4f} {dead:5d} ({100 * dead / latents:4.1f}%)"
              f" {ev['latent']['l0']:8.2f} {train_dead:11.0f} ({100 * train_dead / latents:4.1f}%)        {tr['metrics']['fvu']:10.4f}"
              f" {tr['seconds']:8.1f}")
print(f"(test: the {ev['examples']} test images; train dead: latents not fired in the last pass over the training rows, mean over the last epoch's steps;"
      " seconds: the last epoch's)")
PY
