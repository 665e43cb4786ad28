"""Reads the --json summaries of bench/silent-gradients.sh's runs (RESULTS/DATA/VARIANT/seed-S.json) and prints, per
data set and variant, the final held-out NLL (-L_k) and ELBO as mean +- sample standard deviation over the seeds, and
the paired difference (with Silent Gradients minus without, per seed) of each estimator."""
import json
import math
import os
import sys
from collections import defaultdict

root = sys.argv[1]
rows = defaultdict(dict)
for data in sorted(os.listdir(root)):
    d = os.path.join(root, data)
    if not os.path.isdir(d):
        continue
    for variant in sorted(os.listdir(d)):
        for f in sorted(os.listdir(os.path.join(d, variant))):
            if not f.endswith(".json"):
                continue
            ev = json.load(open(os.path.join(d, variant, f)))["metrics"]["evaluation"]["logLikelihood"]
            rows[(data, variant)][f[:-5]] = (ev["nll"], -ev["elbo"]["mean"], ev["k"])


def stats(values):
    m = sum(values) / len(values)
    s = math.sqrt(sum((v - m) ** 2 for v in values) / (len(values) - 1)) if len(values) > 1 else float("nan")
    return m, s


print("| data | estimator | Silent Gradients | seeds | test NLL (nats) | test -ELBO (nats) | NLL, with minus without (per seed) | -ELBO, with minus without |")
print("| --- | --- | --- | --- | --- | --- | --- | --- |")
for (data, variant), seeds in sorted(rows.items()):
    base, _, silent = variant.partition("+")
    nll = stats([v[0] for v in seeds.values()])
    nelbo = stats([v[1] for v in seeds.values()])
    diff = ["", ""]
    if silent:
        plain = rows.get((data, base), {})
        common = sorted(set(plain) & set(seeds))
        for i in range(2):
            if common:
                d = [seeds[s][i] - plain[s][i] for s in common]
                m, sd = stats(d)
                diff[i] = f"{m:+.2f} +- {sd:.2f} ({', '.join(f'{x:+.2f}' for x in d)})"
    k = next(iter(seeds.values()))[2]
    print(f"| {data} | {base} | {'yes' if silent else 'no'} | {len(seeds)} | {nll[0]:.2f} +- {nll[1]:.2f} (k={k}) | {nelbo[0]:.2f} +- {nelbo[1]:.2f} | {diff[0]} | {diff[1]} |")
