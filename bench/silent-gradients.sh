#!/usr/bin/env bash
# Silent Gradients (Shao, Liu and Van den Broeck 2025, arXiv 2508.03587; docs/estimators.md#silent-gradients): does
# guiding the encoder with the exact gradient of a linear decoder early in training improve the final test NLL and
# ELBO of the usual estimators, at the same training budget? Each estimator is trained with and without
# --silent-gradients (the weight falling from 1 to 0 over about the first half of the steps), same data, network, steps
# and seeds; the summary gives the held-out NLL (-L_k, k = NLL_K) and -ELBO as mean +- standard deviation over the seeds
# and the per-seed paired differences.
#
# Data: Fashion-MNIST (the installed full set: LIMIT training rows, the first 1,000 test images held out) and
# scikit-learn's 8x8 digits (bench/silent_digits.py; a tenth held out), both dynamically binarized (Bernoulli pixels).
# Models: --model vae (reparameterization), 784-200-20-200-784 ReLU; --model categorical-vae, 784-200-(20 x 10)-200-784
# ReLU, with --estimator gumbel (relaxed, temperature annealed) and reinforce (running-mean baseline), on a third of the
# Fashion-MNIST rows (CAT_LIMIT).
#
# Usage: bench/silent-gradients.sh [WORK_DIR]   (SEEDS="1 2 3" FMNIST_EPOCHS=2 DIGITS_EPOCHS=40 LIMIT=60000 CAT_LIMIT=20000
# NLL_K=100 PARTS="gaussian categorical" LATENT4J="java ... -jar copy.jar" to change). Prints the table; runs and JSON
# summaries stay in WORK_DIR, and a run whose summary is there is not trained again. The defaults took about 37 minutes
# on 2 shared EPYC vCPUs at a load average of 10-19; the results and the verdict are in docs/estimators.md.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="${1:-$(mktemp -d /tmp/latent4j-silent.XXXXXX)}"
seeds="${SEEDS:-1 2 3}"
parts="${PARTS:-gaussian categorical}"
fmnist_epochs="${FMNIST_EPOCHS:-2}"
digits_epochs="${DIGITS_EPOCHS:-40}"
limit="${LIMIT:-60000}"
cat_limit="${CAT_LIMIT:-20000}"   # the categorical VAE's Fashion-MNIST rows: a third, to fit the whole bench in about 25 minutes here
nll_k="${NLL_K:-100}"
batch=100
# LATENT4J: the command to run (default the launcher; give a copied jar to keep a rebuild out of a long run)
l4j="${LATENT4J:-$here/../latent4j}"
mkdir -p "$work/results" "$work/runs"
echo "machine: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "work directory: $work; seeds: $seeds; parts: $parts"
start=$(date +%s)

[ -f "$work/digits.npy" ] || /usr/bin/python3 "$here/silent_digits.py" "$work/digits.npy"

# optimizer steps of a run: epochs x (training rows less the validation tenth) / batch, rounded down per epoch
steps_per_epoch() { echo $(( ($1 - $1 / 10) / batch )); }
fmnist_rows=$limit
digits_rows=$(( 1797 - 1797 / 10 ))   # a tenth of the file is held out for the final evaluation

run() { # data variant seed args...
  local data=$1 variant=$2 seed=$3; shift 3
  local out="$work/runs/$data-$variant-$seed" json="$work/results/$data/$variant/seed-$seed.json"
  mkdir -p "$(dirname "$json")"
  if [ -f "$json" ]; then return; fi
  rm -rf "$out"
  local t0=$(date +%s)
  $l4j train --batch $batch --seed "$seed" --nll-k "$nll_k" --eval-limit 1000 --out "$out" --json "$json" "$@" > "$out.log" 2>&1 \
    || { echo "FAILED: $data $variant seed $seed (see $out.log)"; tail -3 "$out.log"; return 1; }
  echo "$data $variant seed $seed: $(grep -m1 '^NLL' "$out.log") ($(( $(date +%s) - t0 )) s)"
}

for data in fmnist digits; do
  if [ $data = fmnist ]; then
    source=(--data fashion-mnist --limit "$limit" --epochs "$fmnist_epochs"); steps=$(( fmnist_epochs * $(steps_per_epoch $fmnist_rows) ))
  else
    source=(--data "$work/digits.npy" --epochs "$digits_epochs"); steps=$(( digits_epochs * $(steps_per_epoch $digits_rows) ))
  fi
  anneal=$(( steps / 2 ))
  for seed in $seeds; do
    if [[ " $parts " == *" gaussian "* ]]; then
      gaussian=(--model vae --hidden 200 --latent 20)
      run $data reparam "$seed" "${source[@]}" "${gaussian[@]}"
      run $data reparam+silent "$seed" "${source[@]}" "${gaussian[@]}" --silent-gradients "$anneal"
    fi
    if [[ " $parts " == *" categorical "* ]]; then
      categorical=(--model categorical-vae --hidden 200 --groups 20 --categories 10)
      cat_source=("${source[@]}"); cat_anneal=$anneal
      if [ $data = fmnist ]; then
        cat_source=(--data fashion-mnist --limit "$cat_limit" --epochs "$fmnist_epochs"); cat_anneal=$(( fmnist_epochs * $(steps_per_epoch $cat_limit) / 2 ))
      fi
      for estimator in gumbel reinforce; do
        run $data $estimator "$seed" "${cat_source[@]}" "${categorical[@]}" --estimator $estimator
        run $data $estimator+silent "$seed" "${cat_source[@]}" "${categorical[@]}" --estimator $estimator --silent-gradients "$cat_anneal"
      done
    fi
  done
done
/usr/bin/python3 "$here/silent_summary.py" "$work/results"
/usr/bin/python3 "$here/estimator_plots.py" silent "$work/results" "$work/silent-gradients.png" && echo "wrote $work/silent-gradients.png"
echo "wall time: $(( $(date +%s) - start )) s; load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
