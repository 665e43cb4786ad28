#!/usr/bin/env bash
# Latent4j's GEMM against numpy's float32 matmul on OpenBLAS, same shapes, same transposes, same thread
# count, in one run: `latent4j bench gemm --json` and a numpy timing of the shapes listed in that JSON,
# alternated for --rounds rounds (the machine may be busy), then a table of the medians and their ratio.
#
# usage: bench/gemm-vs-openblas.sh [--threads 2] [--rounds 2] [--sizes 256,512,1024,2048]
#                                  [--shapes square,skinny,iwae] [--repeat 5] [--json FILE]
#
# Which numpy: $PYTHON if set, else Debian's /usr/bin/python3. When that numpy is not on OpenBLAS
# (Debian's numpy follows the libblas.so.3 alternative, which may be the reference BLAS), Debian's
# libopenblas0-pthread is put in front of it with LD_LIBRARY_PATH, for this command only: from its
# installed place, or unpacked from the package into ~/.cache/latent4j (apt-get download, no install).
#
# OpenBLAS reads OPENBLAS_CORETYPE (and OPENBLAS_L2_SIZE) to override its CPU detection; both are unset
# for the numpy command so that it runs the kernels it picks for this CPU, and the script prints which.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

threads=2 rounds=2 sizes=256,512,1024,2048 shapes=square,skinny repeat=5 json_out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --threads) threads="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --sizes) sizes="$2"; shift 2 ;;
    --shapes) shapes="$2"; shift 2 ;;
    --repeat) repeat="$2"; shift 2 ;;
    --json) json_out="$2"; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "gemm-vs-openblas: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
for v in "$threads" "$rounds" "$repeat"; do
  case "$v" in ''|*[!0-9]*|0) echo "gemm-vs-openblas: --threads, --rounds and --repeat take positive whole numbers" >&2; exit 2 ;; esac
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

python="${PYTHON:-/usr/bin/python3}"
blas_probe='
import json, numpy
try:
    import threadpoolctl
except ImportError:
    print(json.dumps({"error": "threadpoolctl is not installed (apt-get install python3-threadpoolctl)"}))
    raise SystemExit
info = [i for i in threadpoolctl.threadpool_info() if i.get("user_api") == "blas"]
print(json.dumps(info[0] if info else {}))'

probe() { # prints the BLAS info JSON of "$python" under the environment given as arguments
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS="$threads" "$@" "$python" -c "$blas_probe" 2>/dev/null || echo '{}'
}
is_openblas() { case "$1" in *'"internal_api": "openblas"'*) return 0 ;; *) return 1 ;; esac; }

blas_env=()
info="$(probe)"
if ! is_openblas "$info"; then
  echo "gemm-vs-openblas: $python's numpy is not on OpenBLAS (${info}); looking for Debian's libopenblas0-pthread" >&2
  libdir=""
  for d in /usr/lib/x86_64-linux-gnu/openblas-pthread /usr/lib/aarch64-linux-gnu/openblas-pthread \
           "${XDG_CACHE_HOME:-$HOME/.cache}/latent4j/openblas/usr/lib/$(uname -m)-linux-gnu/openblas-pthread"; do
    if [ -e "$d/libblas.so.3" ]; then libdir="$d"; break; fi
  done
  if [ -z "$libdir" ]; then
    cache="${XDG_CACHE_HOME:-$HOME/.cache}/latent4j/openblas"
    mkdir -p "$cache"
    deb="$(ls /var/cache/apt/archives/libopenblas0-pthread_*.deb 2>/dev/null | head -n 1 || true)"
    if [ -z "$deb" ]; then
      (cd "$cache" && apt-get download libopenblas0-pthread >/dev/null 2>&1) || true
      deb="$(ls "$cache"/libopenblas0-pthread_*.deb 2>/dev/null | head -n 1 || true)"
    fi
    if [ -n "$deb" ]; then
      dpkg-deb -x "$deb" "$cache"
      libdir="$cache/usr/lib/$(uname -m)-linux-gnu/openblas-pthread"
    fi
  fi
  if [ -z "$libdir" ] || [ ! -e "$libdir/libblas.so.3" ]; then
    echo "gemm-vs-openblas: no OpenBLAS found: apt-get install libopenblas0-pthread, or set PYTHON to a python whose numpy uses OpenBLAS" >&2
    exit 1
  fi
  blas_env=(LD_LIBRARY_PATH="$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}")
  info="$(probe "${blas_env[@]}")"
  if ! is_openblas "$info"; then
    echo "gemm-vs-openblas: numpy still does not load OpenBLAS from $libdir ($info)" >&2
    exit 1
  fi
fi

cat > "$work/numpy_gemm.py" <<'EOF'
# Times numpy float32 matmul on the shapes of a `latent4j bench gemm` JSON file, with the same method:
# warm-up, then `repeat` timed runs of enough calls to last ~0.08 s; prints a JSON object of GFLOPS runs.
import json, sys, time
import contextlib
import numpy as np
try:
    import threadpoolctl
    limit = threadpoolctl.threadpool_limits
except ImportError:  # OPENBLAS_NUM_THREADS alone then sets the thread count
    limit = lambda **kw: contextlib.nullcontext()

src, threads, repeat = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
cases = json.load(open(src))["results"]
rng = np.random.default_rng(42)
out = {}
with limit(limits=threads, user_api="blas"):
    for c in cases:
        m, n, k, op = c["m"], c["n"], c["k"], c["op"]
        a = rng.uniform(-1, 1, (k, m) if op[0] == "T" else (m, k)).astype(np.float32)
        b = rng.uniform(-1, 1, (n, k) if op[1] == "T" else (k, n)).astype(np.float32)
        A = a.T if op[0] == "T" else a
        B = b.T if op[1] == "T" else b
        C = np.empty((m, n), np.float32)
        t0, calls = time.perf_counter(), 0
        while calls < 2 or time.perf_counter() - t0 < 0.25:
            np.matmul(A, B, out=C)
            calls += 1
        per_call = (time.perf_counter() - t0) / calls
        inner = max(1, min(1_000_000, round(0.08 / per_call)))
        runs = []
        for _ in range(repeat):
            t = time.perf_counter()
            for _ in range(inner):
                np.matmul(A, B, out=C)
            runs.append(2.0 * m * n * k * inner / (time.perf_counter() - t) / 1e9)
        out[c["name"] + "|" + op] = sorted(runs)
print(json.dumps(out))
EOF

echo "latent4j: $(cd "$root" && ./latent4j --version 2>/dev/null || echo '?'), $threads threads, $rounds rounds"
echo "numpy: $python, $("$python" -c 'import numpy; print(numpy.__version__)'), run as: env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=$threads ${blas_env[*]:-} $python"
describe_blas() {
  "$python" - "$1" <<'EOF'
import json, sys
i = json.loads(sys.argv[1])
print("{} {} ({}), core {}, {} threads, {}".format(i.get("internal_api"), i.get("version"), i.get("threading_layer"),
                                                    i.get("architecture"), i.get("num_threads"), i.get("filepath")))
EOF
}
echo "BLAS: $(describe_blas "$info")"
for r in $(seq 1 "$rounds"); do
  echo "round $r/$rounds: latent4j bench gemm ..." >&2
  (cd "$root" && ./latent4j bench gemm --threads "$threads" --sizes "$sizes" --shapes "$shapes" --repeat "$repeat" \
      --json "$work/latent4j-$r.json") > "$work/latent4j-$r.txt"
  echo "round $r/$rounds: numpy ..." >&2
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS="$threads" ${blas_env[@]+"${blas_env[@]}"} \
      "$python" "$work/numpy_gemm.py" "$work/latent4j-$r.json" "$threads" "$repeat" > "$work/numpy-$r.json"
done
head -n 1 "$work/latent4j-1.txt"

"$python" - "$work" "$rounds" "$json_out" "$info" <<'EOF'
import json, os, statistics, sys, tempfile
work, rounds, json_out, info = sys.argv[1], int(sys.argv[2]), sys.argv[3], json.loads(sys.argv[4] or "{}")
ours = [json.load(open(f"{work}/latent4j-{r}.json")) for r in range(1, rounds + 1)]
theirs = [json.load(open(f"{work}/numpy-{r}.json")) for r in range(1, rounds + 1)]
rows = []
print(f"{'shape':28} {'op':2} {'m':>5} {'n':>5} {'k':>5} {'latent4j':>9} {'OpenBLAS':>9} {'ratio':>6}   (GFLOPS, median over {rounds} round(s) of per-round medians)")
for i, c in enumerate(ours[0]["results"]):
    key = c["name"] + "|" + c["op"]
    l = statistics.median(o["results"][i]["gflops"] for o in ours)
    b = statistics.median(statistics.median(t[key]) for t in theirs)
    rows.append({"name": c["name"], "op": c["op"], "m": c["m"], "n": c["n"], "k": c["k"],
                 "latent4j_gflops": round(l, 2), "openblas_gflops": round(b, 2), "ratio": round(l / b, 3)})
    print(f"{c['name']:28} {c['op']:2} {c['m']:5} {c['n']:5} {c['k']:5} {l:9.1f} {b:9.1f} {l / b:6.2f}")
if json_out:
    doc = {"latent4j_gemm": ours[0]["gemm"], "threads": ours[0]["threads"], "rounds": rounds,
           "openblas": info, "results": rows}
    d = os.path.dirname(os.path.abspath(json_out))
    fd, tmp = tempfile.mkstemp(dir=d, prefix=".gemm-vs-openblas.")
    with os.fdopen(fd, "w") as f:
        json.dump(doc, f, indent=2)
    os.replace(tmp, json_out)
    print("wrote " + json_out)
EOF
