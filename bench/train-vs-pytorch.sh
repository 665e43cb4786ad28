#!/usr/bin/env bash
# Training throughput of Latent4j's Vae/Iwae against the same models in PyTorch, in the same run:
# `latent4j bench train` and bench/train_pytorch.py, case by case, with the same threads, steps and rounds.
# Prints examples/s for each side and the ratio per case, with the load average before and after
# (the figures mean little on a loaded machine).
# Usage: bench/train-vs-pytorch.sh [--threads 2] [--repeat 5] [--steps N] [--cases vae16,vae128,iwae]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
threads=2 repeat=5 steps="" cases="vae16,vae128,iwae"
while [ $# -gt 0 ]; do
  case "$1" in
    --threads) threads="$2"; shift 2 ;;
    --repeat) repeat="$2"; shift 2 ;;
    --steps) steps="$2"; shift 2 ;;
    --cases) cases="$2"; shift 2 ;;
    *) echo "usage: $0 [--threads N] [--repeat R] [--steps N] [--cases vae16,vae128,iwae]" >&2; exit 2 ;;
  esac
done
python=/usr/bin/python3
"$python" -c 'import torch' 2>/dev/null || { echo "$0: needs PyTorch for $python (apt-get install python3-torch)" >&2; exit 1; }
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
stepsarg=()
[ -n "$steps" ] && stepsarg=(--steps "$steps")
echo "machine: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
# Case by case, Latent4j then PyTorch, so that both sides of a ratio see about the same machine load.
IFS=, read -r -a names <<< "$cases"
for c in "${names[@]}"; do
  "$here/../latent4j" bench train --threads "$threads" --repeat "$repeat" --cases "$c" "${stepsarg[@]}" --json "$out/latent4j-$c.json" | sed -n 2p
  "$python" "$here/train_pytorch.py" --threads "$threads" --repeat "$repeat" --cases "$c" "${stepsarg[@]}" > "$out/pytorch-$c.json"
  echo "  (load average after $c: $(cut -d' ' -f1-3 /proc/loadavg))"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
"$python" - "$out" "$cases" <<'PY'
import json, sys
out, cases = sys.argv[1], sys.argv[2].split(",")
l4j = {c: json.load(open(f"{out}/latent4j-{c}.json")) for c in cases}
pt = {c: json.load(open(f"{out}/pytorch-{c}.json")) for c in cases}
first = cases[0]
print(f"{'case':8} {'latent4j ex/s':>14} {'pytorch ex/s':>13} {'ratio':>7}   (latent4j {l4j[first]['kernels']}; {pt[first]['framework']}; {pt[first]['threads']} threads)")
for c in cases:
    a, b = l4j[c][c]["samples_per_second"], pt[c][c]["samples_per_second"]
    print(f"{c:8} {a:14.0f} {b:13.0f} {a / b:7.2f}x")
PY
