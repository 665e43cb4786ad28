#!/usr/bin/env bash
# Objectives beyond the KL side by side (docs/estimators.md): vae, wae, swae, info-vae, unscented-ae and ard-vae, each
# with its documented defaults and the same networks (MLP 512-256, 16 latents, Bernoulli likelihood on binarized
# pixels), training budget and seeds, then evaluated on the held-out rows: the reconstruction's -log p(x|code), the
# fraction of variance unexplained, the importance-sampled NLL where the kind has a likelihood bound, the KL to
# N(0, I) and the mutual information of a Gaussian posterior, the active units, and the ARD prior's used dimensions.
#
# Usage: bench/objectives.sh [--limit 10000] [--epochs 5] [--seeds 1,2] [--nll-k 100] [--eval-limit 1000]
#                            [--kinds vae,wae,swae,info-vae,unscented-ae,ard-vae] [--out DIR] [--threads 2]
# Prints a markdown table (a / b: one value per seed); the run directories stay in DIR.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
limit=10000 epochs=5 seeds=1,2 nllk=100 evallimit=1000 kinds=vae,wae,swae,info-vae,unscented-ae,ard-vae out="" threads=2
while [ $# -gt 0 ]; do
  case "$1" in
    --limit) limit="$2"; shift 2 ;;
    --epochs) epochs="$2"; shift 2 ;;
    --seeds) seeds="$2"; shift 2 ;;
    --nll-k) nllk="$2"; shift 2 ;;
    --eval-limit) evallimit="$2"; shift 2 ;;
    --kinds) kinds="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    *) echo "objectives.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
[ -n "$out" ] || out="$(mktemp -d "${TMPDIR:-/tmp}/latent4j-objectives.XXXXXX")"
mkdir -p "$out"
l4j="$here/../latent4j"
export LATENT4J_JAVA_OPTS="${LATENT4J_JAVA_OPTS:-} -Dlatent4j.threads=$threads"
for seed in ${seeds//,/ }; do
  for kind in ${kinds//,/ }; do
    "$l4j" train --model "$kind" --limit "$limit" --epochs "$epochs" --latent 16 --seed "$seed" --nll-k "$nllk" \
      --eval-limit "$evallimit" --out "$out/run-$kind-$seed" > "$out/log-$kind-$seed.txt" 2>&1
  done
done
python3 - "$out" "$kinds" <<'PY'
import collections, json, sys
out, kinds = sys.argv[1], sys.argv[2].split(',')
import glob
rows = collections.defaultdict(list)
for kind in kinds:
    for f in sorted(glob.glob(f'{out}/run-{kind}-*/metrics.json')):
        e = json.load(open(f))['evaluation']
        r = {'recon': e['reconstruction']['nll']['mean'], 'FVU': e['reconstruction']['fractionOfVarianceUnexplained'],
             'active': e['latent']['activeUnits']['count']}
        if e['logLikelihood']: r['NLL'] = e['logLikelihood']['nll']
        if 'totalKl' in e['latent']: r['KL'] = e['latent']['totalKl']; r['MI'] = e['latent']['mutualInformation']['nats']
        if e.get('relevance'): r['ARD used'] = len(e['relevance']['used'])
        rows[kind].append(r)
keys = ['recon', 'FVU', 'NLL', 'KL', 'MI', 'active', 'ARD used']
print('| kind | ' + ' | '.join(keys) + ' |')
print('|' + ' --- |' * (len(keys) + 1))
for kind in kinds:
    cells = []
    for k in keys:
        v = [r[k] for r in rows[kind] if k in r]
        fmt = '%.0f' if k in ('active', 'ARD used') else ('%.3f' if k == 'FVU' else '%.1f')
        cells.append(' / '.join(fmt % x for x in v) if v else '-')
    print('| ' + kind + ' | ' + ' | '.join(cells) + ' |')
PY
