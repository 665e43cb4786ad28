#!/usr/bin/env bash
# The conv VQ-VAE's layers, forward + backward, in Latent4j against PyTorch in the same run:
# `latent4j bench conv` and bench/conv_pytorch.py take turns, each in a fresh process, --rounds times
# (Latent4j first in odd rounds, PyTorch first in even ones, so neither side always runs right after the
# other). Prints steps/s of every run, the load average, and the medians of each side and of the
# per-round ratios.
# Usage: bench/conv-vs-pytorch.sh [--threads 2] [--batch 64] [--dim 64] [--head-kernel 3] [--rounds 5] [--repeat 5] [--steps 30]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
threads=2 batch=64 dim=64 head=3 rounds=5 repeat=5 steps=30
while [ $# -gt 0 ]; do
  case "$1" in
    --threads) threads="$2"; shift 2 ;;
    --batch) batch="$2"; shift 2 ;;
    --dim) dim="$2"; shift 2 ;;
    --head-kernel) head="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --repeat) repeat="$2"; shift 2 ;;
    --steps) steps="$2"; shift 2 ;;
    *) echo "usage: $0 [--threads N] [--batch B] [--dim D] [--head-kernel 1|3] [--rounds R] [--repeat R] [--steps N]" >&2; exit 2 ;;
  esac
done
python=/usr/bin/python3
"$python" -c 'import torch' 2>/dev/null || { echo "$0: needs PyTorch for $python (apt-get install python3-torch)" >&2; exit 1; }
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
common=(--threads "$threads" --batch "$batch" --dim "$dim" --head-kernel "$head" --repeat "$repeat" --steps "$steps")
echo "machine: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
run_latent4j() {
  "$here/../latent4j" bench conv "${common[@]}" --json "$out/latent4j-$1.json" > "$out/latent4j-$1.txt"
  echo "  latent4j: $(sed -n 's/^ *steps\/s *\([0-9.]*\).*/\1/p' "$out/latent4j-$1.txt") steps/s, $(sed -n 's/^ *bytes\/step *\([0-9]*\).*/\1/p' "$out/latent4j-$1.txt") bytes/step"
}
run_pytorch() {
  "$python" "$here/conv_pytorch.py" "${common[@]}" > "$out/pytorch-$1.json"
  echo "  pytorch:  $("$python" -c 'import json,sys; print(round(json.load(open(sys.argv[1]))["steps_per_second"], 2))' "$out/pytorch-$1.json") steps/s"
}
for r in $(seq 1 "$rounds"); do
  echo "round $r/$rounds (load average $(cut -d' ' -f1-3 /proc/loadavg))"
  if [ $((r % 2)) -eq 1 ]; then run_latent4j "$r"; run_pytorch "$r"; else run_pytorch "$r"; run_latent4j "$r"; fi
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
"$python" - "$out" "$rounds" <<'PY'
import json, statistics, sys
out, rounds = sys.argv[1], int(sys.argv[2])
l = [json.load(open(f"{out}/latent4j-{r}.json")) for r in range(1, rounds + 1)]
p = [json.load(open(f"{out}/pytorch-{r}.json")) for r in range(1, rounds + 1)]
a = [x["steps_per_second"] for x in l]
b = [x["steps_per_second"] for x in p]
ratios = [x / y for x, y in zip(a, b)]
print(f"latent4j ({l[0]['kernels']}): median {statistics.median(a):.2f} steps/s, "
      f"{statistics.median([x['bytes_per_step'] for x in l]):.0f} heap bytes/step")
print(f"{p[0]['framework']}: median {statistics.median(b):.2f} steps/s")
print(f"ratio: median {statistics.median(ratios):.2f}x (per round {', '.join(f'{x:.2f}' for x in ratios)}); "
      f"batch {l[0]['batch']}, D {l[0]['dim']}, head kernel {l[0]['head_kernel']}, {l[0]['threads']} threads")
PY
