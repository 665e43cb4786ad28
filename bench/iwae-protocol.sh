#!/usr/bin/env bash
# The IWAE paper's comparison (Burda, Grosse, Salakhutdinov 2016), scaled to this machine: a VAE (k=1)
# and an IWAE (k=50), 784-200-200-50 tanh, std = exp(linear), Bernoulli decoder, trained with the same
# schedule, order and seed on dynamically binarized Fashion-MNIST; then L_k (k = --nll-k, 5000 in the
# paper) and active units on test rows, and a comparison table. The paper trains 3280 passes; the
# default here, 2 passes over the 60k training images (the installed data set, else the embedded 10k
# split as 8k/2k) with L_5000 on 500 test rows, takes about 20-40 minutes on 2 cores (6000 IWAE steps
# at 4-8 steps/s, then 2 x 500 x 5000 importance samples), depending on what else runs.
# Usage: bench/iwae-protocol.sh [--epochs 2] [--nll-k 5000] [--eval 500] [--limit N] [--data DIR|embedded] [--json FILE] ...
# (any option of `latent4j bench iwae-protocol`; later options override the defaults here)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
echo "machine: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
start=$(date +%s)
"$here/../latent4j" bench iwae-protocol --epochs 2 --nll-k 5000 --eval 500 "$@"
echo "wall time: $(( $(date +%s) - start )) s; load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
