#!/usr/bin/env python3
"""Drives bench/compress-vs-faiss.sh: Latent4j, FAISS and jvector on the same compression settings, case by case.

Three resident servers answer one setting at a time with one JSON line: `latent4j bench compress --serve` (Latent4j's
kinds and, when its jar is on the class path, jvector's product quantization as the kind JVPQ<m>, in the same JVM
and through the same harness) and bench/compress_faiss.py --serve. For every round and every setting, each side
runs once, the order of the sides reversed from one case to the next and from one round to the next, so no side
always runs first (a shared machine changes speed for seconds at a time). Ratios are the medians of the rounds'
ratios; the other columns are each side's medians.

usage: compress_vs_faiss.py --java CMD... --python PY [--specs 'PQ16;OPQ16,PQ16'] [--rounds 3] [--threads 2]
                            [--base F --queries F] [--no-jvector] [--json FILE] [--title TEXT]
"""
import argparse
import json
import os
import re
import shlex
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


class Server:
    """One resident side: sends a spec, reads one JSON answer."""

    def __init__(self, name, argv, env=None):
        self.name = name
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)
        while True:
            line = self.proc.stdout.readline()
            if not line:
                sys.exit(f"compress-vs-faiss: the {name} side stopped before it was ready (its messages are above)")
            if line.startswith("ready "):
                self.info = json.loads(line[len("ready "):])
                break

    def run(self, spec):
        self.proc.stdin.write(spec + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            sys.exit(f"compress-vs-faiss: the {self.name} side stopped while running {spec} (its messages are above)")
        return json.loads(line)

    def close(self):
        try:
            self.proc.stdin.write("quit\n")
            self.proc.stdin.close()
        except BrokenPipeError:
            pass
        self.proc.wait()


def jvector_spec(spec):
    """jvector's setting for a plain 8-bit PQ spec, None for anything else (jvector's PQ has 256 centroids per subspace)."""
    m = re.fullmatch(r"PQ(\d+)(?:x8)?", spec)
    return f"JVPQ{m.group(1)}" if m else None


def faiss_spec(spec):
    return None if spec.startswith(("VQAE", "BIN")) else spec


NUMBERS = ("bytes", "fit_s", "encode_vps", "search_qps", "recall_at_k", "recall_1_at_1", "recall_1_at_k")


def summarize(runs):
    ok = [r for r in runs if "error" not in r]
    if not ok:
        return {"error": runs[0]["error"]} if runs else None
    out = {key: statistics.median(r[key] for r in ok) for key in NUMBERS}
    out["runs"] = len(ok)
    out["fit_s_runs"] = [round(r["fit_s"], 3) for r in ok]
    out["search_qps_runs"] = [round(r["search_qps"], 1) for r in ok]
    for key in ("index", "token", "faiss"):
        if key in ok[0]:
            out[key] = ok[0][key]
    return out


def paired_ratio(mine, theirs, key, invert=False):
    """Median over rounds of mine/theirs (theirs/mine for times), from the rounds where both sides ran."""
    ratios = []
    for a, b in zip(mine, theirs):
        if a is None or b is None or "error" in a or "error" in b:
            continue
        ratios.append(b[key] / a[key] if invert else a[key] / b[key])
    return statistics.median(ratios) if ratios else None


def fmt(v, spec, width):
    return f"{'-':>{width}}" if v is None else f"{v:{width}{spec}}"


def main():
    sys.stdout.reconfigure(line_buffering=True)  # progress in a log file as it happens
    p = argparse.ArgumentParser()
    p.add_argument("--java", required=True, help="the command that starts the JVM side, before 'bench compress --serve'")
    p.add_argument("--python", default="/usr/bin/python3")
    p.add_argument("--specs", required=True)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--base")
    p.add_argument("--queries")
    p.add_argument("--train-rows", type=int)
    p.add_argument("--query-limit", type=int)
    p.add_argument("--once", default="", help="settings measured in the first round only (slow fits whose speed is no goal)")
    p.add_argument("--no-jvector", action="store_true")
    p.add_argument("--json")
    p.add_argument("--title", default="")
    args = p.parse_args()
    split = lambda text: [s.strip() for s in re.split(r"[;\s]+", text) if s.strip()]
    once = split(args.once)
    specs = split(args.specs) + [s for s in once if s not in split(args.specs)]
    data = ["--base", args.base, "--queries", args.queries] if args.base else []
    rows_opt = (["--train-rows", str(args.train_rows)] if args.train_rows else []) + (
        ["--query-limit", str(args.query_limit)] if args.query_limit else [])

    java = Server("latent4j", shlex.split(args.java) + ["bench", "compress", "--serve", "--threads", str(args.threads)] + data + rows_opt)
    faiss = Server("faiss", [args.python, os.path.join(HERE, "compress_faiss.py"), "--serve", "--threads", str(args.threads)] + data + rows_opt,
                   env=dict(os.environ, OMP_NUM_THREADS=str(args.threads), OPENBLAS_NUM_THREADS=str(args.threads)))
    li, fi = java.info, faiss.info
    if li["base"] != fi["base"] or li["queries"] != fi["queries"]:
        sys.exit(f"compress-vs-faiss: the sides read different data: {li['base']}/{li['queries']} and {fi['base']}/{fi['queries']}")
    kinds = {k["name"]: k.get("summary", "") for k in li.get("kinds", [])}
    lt, ft = java.run("!truth")["truth_ids"], faiss.run("!truth")["truth_ids"]
    kk = li["k"]
    same = sum(set(lt[q * kk:(q + 1) * kk]) == set(ft[q * kk:(q + 1) * kk]) for q in range(len(lt) // kk))
    agree = f"{same} of {len(lt) // kk} queries have the same {kk} true neighbours on both sides"
    use_jvector = not args.no_jvector and "JVPQ" in kinds
    print(f"data: {li['data']}: base {li['base'][0]} x {li['base'][1]}, {li['queries'][0]} queries, k = {li['k']}; exact neighbours:"
          f" Latent4j {li['truth_s']:.1f} s, FAISS IndexFlatL2 {fi['truth_s']:.1f} s; {agree}")
    print(f"latent4j: Java {li['java']}, {li['threads']} threads, kinds {', '.join(kinds) or '?'}")
    print(f"FAISS {fi['faiss']} (numpy {fi['numpy']}), {fi['threads']} OpenMP threads"
          + (f"; jvector: {kinds['JVPQ']}" if use_jvector else "; jvector: not measured"))
    sides = ["latent4j", "faiss"] + (["jvector"] if use_jvector else [])
    results = {s: {spec: [] for spec in specs} for s in sides}
    for rnd in range(args.rounds):
        for i, spec in enumerate(specs):
            if rnd > 0 and spec in once:
                continue
            order = sides if (rnd + i) % 2 == 0 else list(reversed(sides))
            for side in order:
                if side == "latent4j":
                    results[side][spec].append(java.run(spec))
                elif side == "faiss":
                    fs = faiss_spec(spec)
                    results[side][spec].append(faiss.run(fs) if fs else None)
                else:
                    js = jvector_spec(spec)
                    results[side][spec].append(java.run(js) if js else None)
            done = results["latent4j"][spec][-1]
            note = done.get("error", f"recall {done.get('recall_at_k', 0):.4f}")
            print(f"  round {rnd + 1}/{args.rounds} {spec}: latent4j {note}", file=sys.stderr, flush=True)
    java.close()
    faiss.close()

    k = li["k"]
    print(f"\n{args.title}medians of {args.rounds} round(s){' (' + ', '.join(once) + ': one round)' if once else ''}; L = Latent4j, F = FAISS, J = jvector; fit x and search x: Latent4j's speed over"
          " the other's (fit: their seconds / ours), the median of the rounds' ratios")
    head = (f"{'setting':18} {'bytes':>5} | {'recall@' + str(k) + ' L':>11} {'F':>6} {'J':>6} | {'1-R@1 L':>7} {'F':>6} | {'fit s L':>8} {'F':>7} {'J':>7}"
            f" | {'fit x F':>7} {'x J':>5} | {'search q/s L':>12} {'F':>7} {'J':>7} | {'srch x F':>8} {'x J':>5}")
    print(head)
    print("-" * len(head))
    table = []
    errors = []
    for spec in specs:
        s = {side: summarize([r for r in results[side][spec] if r is not None]) for side in sides}
        L, F, J = s.get("latent4j"), s.get("faiss"), s.get("jvector")
        for side, v in s.items():
            if v and "error" in v:
                errors.append(f"{spec} ({side}): {v['error']}")
        ok = lambda v: v if v and "error" not in v else None
        L, F, J = ok(L), ok(F), ok(J)
        fit_f = paired_ratio(results["latent4j"][spec], results["faiss"][spec], "fit_s", invert=True)
        qps_f = paired_ratio(results["latent4j"][spec], results["faiss"][spec], "search_qps")
        fit_j = paired_ratio(results["latent4j"][spec], results["jvector"][spec], "fit_s", invert=True) if use_jvector else None
        qps_j = paired_ratio(results["latent4j"][spec], results["jvector"][spec], "search_qps") if use_jvector else None
        g = lambda v, key: None if v is None else v[key]
        nbytes = g(L, "bytes") if L else g(F, "bytes")
        fbytes = "" if not (F and L and F["bytes"] != L["bytes"]) else f" (FAISS {F['bytes']:.0f})"
        print(f"{spec:18} {fmt(nbytes, '.0f', 5)} | {fmt(g(L, 'recall_at_k'), '.4f', 11)} {fmt(g(F, 'recall_at_k'), '.4f', 6)}"
              f" {fmt(g(J, 'recall_at_k'), '.4f', 6)} | {fmt(g(L, 'recall_1_at_1'), '.4f', 7)} {fmt(g(F, 'recall_1_at_1'), '.4f', 6)}"
              f" | {fmt(g(L, 'fit_s'), '.2f', 8)} {fmt(g(F, 'fit_s'), '.2f', 7)} {fmt(g(J, 'fit_s'), '.2f', 7)} | {fmt(fit_f, '.2f', 7)}"
              f" {fmt(fit_j, '.2f', 5)} | {fmt(g(L, 'search_qps'), '.0f', 12)} {fmt(g(F, 'search_qps'), '.0f', 7)} {fmt(g(J, 'search_qps'), '.0f', 7)}"
              f" | {fmt(qps_f, '.2f', 8)} {fmt(qps_j, '.2f', 5)}{fbytes}")
        table.append({"spec": spec, "latent4j": s.get("latent4j"), "faiss": s.get("faiss"), "jvector": s.get("jvector"),
                      "fit_speed_vs_faiss": fit_f, "fit_speed_vs_jvector": fit_j, "search_speed_vs_faiss": qps_f, "search_speed_vs_jvector": qps_j})
    if errors:
        print("\nnot measured:")
        for e in errors:
            print("  " + e)
    enc = [(t["spec"], t["latent4j"], t["faiss"]) for t in table if t["latent4j"] and "error" not in t["latent4j"]]
    if enc:
        print("\nencode vectors/s (L / F" + (" / J" if use_jvector else "") + "): " + "; ".join(
            f"{spec} {l['encode_vps']:.0f} / {'-' if not f or 'error' in f else format(f['encode_vps'], '.0f')}"
            + ("" if not use_jvector else " / " + (lambda j: "-" if not j or "error" in j else format(j["encode_vps"], ".0f"))(
                next(t["jvector"] for t in table if t["spec"] == spec)))
            for spec, l, f in enc))
    if args.json:
        doc = {"latent4j": li, "faiss": fi, "rounds": args.rounds, "threads": args.threads, "results": table,
               "raw": {side: results[side] for side in sides}}
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(args.json)), prefix=".compress-vs-faiss.")
        with os.fdopen(fd, "w") as fh:
            json.dump(doc, fh, indent=2)
        os.replace(tmp, args.json)
        print("wrote " + args.json)


if __name__ == "__main__":
    main()
