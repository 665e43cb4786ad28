#!/usr/bin/env bash
# Anomaly detection, one-class protocol (design-notes.md): Latent4j's scores against scikit-learn's baselines.
# Fashion-MNIST: for each class c, train on the training images of class c and score all 10,000 test images, class c
# normal, the other nine anomalous; AUROC per class and the mean. Breast cancer (scikit-learn's Wisconsin data): train
# on 200 benign rows, score the other 157 benign and all 212 malignant rows, benign normal. Both sides see the same
# rows (bench/anomaly_sklearn.py exports them), except that `latent4j train` holds a tenth of its file out for
# validation and the --fpr threshold (5,400 of the 6,000 images of a class are trained on; 180 of the 200 benign rows).
#
# Latent4j: a VAE (MLP 784-256-16, Gaussian likelihood sigma 0.1 on the [0, 1] pixels, trained until 10 epochs pass
# without a better validation loss, the best epoch kept) scored by nll (L_k, k=10), by the reconstruction probability
# (L=10 codes) and by the likelihood regret (50 refinement steps a row), an IWAE (k=5, same network) scored by nll when
# IWAE=1, and a deterministic autoencoder (--model ae, same network) scored by its reconstruction error, the baseline of
# its kind.
# scikit-learn: IsolationForest, OneClassSVM (nu 0.1, gamma 'scale', fitted on 2,000 of the 6,000 images) and PCA
# reconstruction error (90% of the variance); see bench/anomaly_sklearn.py.
#
# Usage: bench/anomaly-one-class.sh [WORK_DIR]   (EPOCHS=200 PATIENCE=10 CLASSES="0 1 ... 9" IWAE=0 to change). Prints
# one table per data set; the runs, scores and ROC curves stay in WORK_DIR. Measured on 2 EPYC cores at a load average
# of 2-3.6: 18 minutes (Latent4j 17.5, scikit-learn 0.5); mean AUROC over the ten classes: VAE likelihood regret 0.927,
# AE reconstruction 0.923, VAE reconstruction probability 0.921, VAE nll 0.920, IsolationForest 0.920, PCA 0.903,
# OneClassSVM 0.891 (breast cancer: VAE nll 0.951, regret 0.934, OneClassSVM 0.958, IsolationForest 0.954).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="${1:-$(mktemp -d /tmp/latent4j-anomaly.XXXXXX)}"
epochs="${EPOCHS:-200}"
patience="${PATIENCE:-10}"
classes="${CLASSES:-0 1 2 3 4 5 6 7 8 9}"
iwae="${IWAE:-0}"
fmnist=/usr/share/datasets/fashion-mnist
l4j="$here/../latent4j"
mkdir -p "$work/runs" "$work/scores"
echo "machine: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "work directory: $work; at most $epochs epochs, early stopping after $patience without a better validation loss"
start=$(date +%s)
/usr/bin/python3 "$here/anomaly_sklearn.py" export "$work/data"

results="$work/latent4j.jsonl"
: > "$results"
# record DATA METHOD NORMAL RUN: the AUROC that `latent4j score` saved in RUN/anomaly.json, as one JSON line
record() {
  /usr/bin/python3 -c 'import json,sys; a=json.load(open(sys.argv[4]+"/anomaly.json")); print(json.dumps({"data":sys.argv[1],"method":sys.argv[2],"normal":sys.argv[3],"auroc":a["auroc"],"auprc":a["auprc"]}))' "$@" >> "$results"
}
net=(--hidden 256 --latent 16 --likelihood gaussian-fixed --sigma 0.1 --batch 100 --epochs "$epochs" --patience "$patience" --nll-k 2 --seed 0)
quiet() { "$@" > "$work/last.log" 2>&1 || { cat "$work/last.log" >&2; exit 1; }; }
for c in $classes; do
  t0=$(date +%s)
  train="$work/data/fmnist-train-$c.npy"
  quiet "$l4j" train --data "$train" --model vae "${net[@]}" --out "$work/runs/vae-$c"
  quiet "$l4j" score "$work/runs/vae-$c" --data "$fmnist" --normal "$c" --score nll --k 10 --out "$work/scores/vae-nll-$c.csv"
  record fashion-mnist "vae nll (k=10)" "$c" "$work/runs/vae-$c"
  quiet "$l4j" score "$work/runs/vae-$c" --data "$fmnist" --normal "$c" --score reconstruction-probability --samples 10 --out "$work/scores/vae-rp-$c.csv"
  record fashion-mnist "vae reconstruction probability (L=10)" "$c" "$work/runs/vae-$c"
  quiet "$l4j" score "$work/runs/vae-$c" --data "$fmnist" --normal "$c" --score likelihood-regret --out "$work/scores/vae-regret-$c.csv"
  record fashion-mnist "vae likelihood regret" "$c" "$work/runs/vae-$c"
  if [ "$iwae" = 1 ]; then
    quiet "$l4j" train --data "$train" --model iwae --k 5 "${net[@]}" --out "$work/runs/iwae-$c"
    quiet "$l4j" score "$work/runs/iwae-$c" --data "$fmnist" --normal "$c" --score nll --k 10 --out "$work/scores/iwae-nll-$c.csv"
    record fashion-mnist "iwae nll (k=10)" "$c" "$work/runs/iwae-$c"
  fi
  quiet "$l4j" train --data "$train" --model ae --hidden 256 --latent 16 --likelihood gaussian-fixed --sigma 0.1 --batch 100 --epochs "$epochs" \
    --patience "$patience" --seed 0 \
    --out "$work/runs/ae-$c"
  quiet "$l4j" score "$work/runs/ae-$c" --data "$fmnist" --normal "$c" --score reconstruction --out "$work/scores/ae-rec-$c.csv"
  record fashion-mnist "ae reconstruction" "$c" "$work/runs/ae-$c"
  echo "class $c: $(( $(date +%s) - t0 )) s; load average $(cut -d' ' -f1-3 /proc/loadavg)"
done

# breast cancer: 30 features, standardized by `train` (not in [0, 1]) with a Gaussian likelihood (sigma 1)
bc=(--hidden 32 --latent 4 --batch 20 --epochs 200 --seed 0)
quiet "$l4j" train --data "$work/data/bc-train.csv" --model vae "${bc[@]}" --nll-k 2 --out "$work/runs/bc-vae"
quiet "$l4j" score "$work/runs/bc-vae" --data "$work/data/bc-test.csv" --labels "$work/data/bc-test-labels.csv" --normal benign --score nll --k 100 \
  --fpr 0.05 --out "$work/scores/bc-vae-nll.csv"
record breast-cancer "vae nll (k=100)" benign "$work/runs/bc-vae"
grep -E "threshold|flagged" "$work/last.log" | sed 's/^/  breast cancer vae nll: /'
quiet "$l4j" score "$work/runs/bc-vae" --data "$work/data/bc-test.csv" --labels "$work/data/bc-test-labels.csv" --normal benign \
  --score reconstruction-probability --samples 100 --out "$work/scores/bc-vae-rp.csv"
record breast-cancer "vae reconstruction probability (L=100)" benign "$work/runs/bc-vae"
quiet "$l4j" score "$work/runs/bc-vae" --data "$work/data/bc-test.csv" --labels "$work/data/bc-test-labels.csv" --normal benign \
  --score likelihood-regret --out "$work/scores/bc-vae-regret.csv"
record breast-cancer "vae likelihood regret" benign "$work/runs/bc-vae"
if [ "$iwae" = 1 ]; then
  quiet "$l4j" train --data "$work/data/bc-train.csv" --model iwae --k 5 "${bc[@]}" --nll-k 2 --out "$work/runs/bc-iwae"
  quiet "$l4j" score "$work/runs/bc-iwae" --data "$work/data/bc-test.csv" --labels "$work/data/bc-test-labels.csv" --normal benign --score nll --k 100 \
    --out "$work/scores/bc-iwae-nll.csv"
  record breast-cancer "iwae nll (k=100)" benign "$work/runs/bc-iwae"
fi
quiet "$l4j" train --data "$work/data/bc-train.csv" --model ae "${bc[@]}" --out "$work/runs/bc-ae"
quiet "$l4j" score "$work/runs/bc-ae" --data "$work/data/bc-test.csv" --labels "$work/data/bc-test-labels.csv" --normal benign --score reconstruction \
  --out "$work/scores/bc-ae-rec.csv"
record breast-cancer "ae reconstruction" benign "$work/runs/bc-ae"
echo "latent4j side: $(( $(date +%s) - start )) s; load average $(cut -d' ' -f1-3 /proc/loadavg)"

t0=$(date +%s)
/usr/bin/python3 "$here/anomaly_sklearn.py" baselines "$work/data" > "$work/sklearn.jsonl" 2> "$work/sklearn.log"
echo "scikit-learn side: $(( $(date +%s) - t0 )) s; load average $(cut -d' ' -f1-3 /proc/loadavg)"

/usr/bin/python3 - "$results" "$work/sklearn.jsonl" <<'PY'
import json, sys
rows = [json.loads(l) for f in sys.argv[1:] for l in open(f) if l.strip()]
for data in ("fashion-mnist", "breast-cancer"):
    table = {}
    for r in rows:
        if r["data"] == data and "method" in r:
            table.setdefault(r["method"], {})[str(r["normal"])] = r["auroc"]
    if not table:
        continue
    cols = sorted({c for t in table.values() for c in t}, key=lambda c: (len(c), c))
    print("\n%s, AUROC (normal class per column)" % data)
    print("| method | " + " | ".join(cols) + " | mean |")
    print("|---" * (len(cols) + 2) + "|")
    for m, t in table.items():
        vals = [t.get(c) for c in cols]
        mean = sum(v for v in vals if v is not None) / len([v for v in vals if v is not None])
        print("| %s | %s | **%.3f** |" % (m, " | ".join("%.3f" % v if v is not None else "-" for v in vals), mean))
PY
echo "wall time: $(( $(date +%s) - start )) s; load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
