#!/usr/bin/env bash
# Training throughput of Latent4j's Vae/Iwae/categorical VAE/objectives beyond the KL/top-k SAE/VQ-VAE against the same models in PyTorch, in the same run:
# `latent4j bench train` and bench/train_pytorch.py, case by case, with the same threads, steps and rounds.
# Prints examples/s for each side and the ratio per case, with the load average before and after
# (the figures mean little on a loaded machine). With --rounds R the whole alternation runs R times,
# each in fresh processes (a JVM's speed depends somewhat on how its JIT compiled, a reason of its own
# to start several), and the table gives the median over rounds of each side, and the median of the
# per-round ratios.
# Usage: bench/train-vs-pytorch.sh [--threads 2] [--repeat 5] [--rounds 1] [--steps N] [--cases vae16,vae128,iwae]
# (the cases of `latent4j bench train`: vae16, vae128, iwae, iwae-dreg, vae-stl, cat-gumbel, cat-gumbel-st, cat-reinforce,
# cat-nvil, cat-vimco, wae, swae, info-vae, unscented-ae, ard-vae, ae-vicreg, sae, sae-auxk, vqvae-mlp, vqvae-conv;
# the default is the first three)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
threads=2 repeat=5 rounds=1 steps="" cases="vae16,vae128,iwae"
while [ $# -gt 0 ]; do
  case "$1" in
    --threads) threads="$2"; shift 2 ;;
    --repeat) repeat="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --steps) steps="$2"; shift 2 ;;
    --cases) cases="$2"; shift 2 ;;
    *) echo "usage: $0 [--threads N] [--repeat R] [--rounds R] [--steps N] [--cases vae16,vae128,iwae,iwae-dreg,vae-stl,cat-gumbel,cat-gumbel-st,cat-reinforce,cat-nvil,cat-vimco,wae,swae,info-vae,unscented-ae,ard-vae,ae-vicreg,sae,sae-auxk,vqvae-mlp,vqvae-conv]" >&2; exit 2 ;;
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
for r in $(seq 1 "$rounds"); do
  [ "$rounds" -gt 1 ] && echo "round $r/$rounds"
  for c in "${names[@]}"; do
    "$here/../latent4j" bench train --threads "$threads" --repeat "$repeat" --cases "$c" "${stepsarg[@]}" --json "$out/latent4j-$c-$r.json" | sed -n 2p
    "$python" "$here/train_pytorch.py" --threads "$threads" --repeat "$repeat" --cases "$c" "${stepsarg[@]}" > "$out/pytorch-$c-$r.json"
    echo "  pytorch: $("$python" -c 'import json,sys; d=json.load(open(sys.argv[1])); print(round(d[sys.argv[2]]["samples_per_second"]), "examples/s")' "$out/pytorch-$c-$r.json" "$c")"
    echo "  (load average after $c: $(cut -d' ' -f1-3 /proc/loadavg))"
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
"$python" - "$out" "$cases" "$rounds" <<'PY'
import json, statistics, sys
out, cases, rounds = sys.argv[1], sys.argv[2].split(","), int(sys.argv[3])
def rate(side, c, r):
    return json.load(open(f"{out}/{side}-{c}-{r}.json"))[c]["samples_per_second"]
first_l4j = json.load(open(f"{out}/latent4j-{cases[0]}-1.json"))
first_pt = json.load(open(f"{out}/pytorch-{cases[0]}-1.json"))
print(f"{'case':13} {'latent4j ex/s':>14} {'pytorch ex/s':>13} {'ratio':>7} {'heap/step':>10}   (medians over {rounds} round(s); "
      f"latent4j {first_l4j['kernels']}; {first_pt['framework']}; {first_pt['threads']} threads)")
for c in cases:
    a = [rate("latent4j", c, r) for r in range(1, rounds + 1)]
    b = [rate("pytorch", c, r) for r in range(1, rounds + 1)]
    heap = statistics.median(json.load(open(f"{out}/latent4j-{c}-{r}.json"))[c]["bytes_per_step"] for r in range(1, rounds + 1))
    ratios = [x / y for x, y in zip(a, b)]
    spread = f"   (per round {min(ratios):.2f}-{max(ratios):.2f})" if rounds > 1 else ""
    formulation = json.load(open(f"{out}/pytorch-{c}-1.json"))[c].get("formulation")
    note = f"   [pytorch {formulation}]" if formulation else ""
    print(f"{c:13} {statistics.median(a):14.0f} {statistics.median(b):13.0f} {statistics.median(ratios):7.2f}x {heap / 1024:8.0f} KB{spread}{note}")
PY
