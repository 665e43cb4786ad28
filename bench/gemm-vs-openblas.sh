#!/usr/bin/env bash
# Latent4j's GEMM against numpy's float32 matmul on OpenBLAS, same shapes, same transposes, same thread
# count, in one run. The two sides take turns: for each shape, --pairs pairs of timed runs (about 0.08 s
# each), one by numpy and one by a resident `latent4j bench gemm --serve`, in alternating order. A shared
# machine changes speed for seconds at a time (a busy neighbour, two vCPUs on one physical core), which
# made whole rounds of one side slow; a pair sees one state of the machine, so the ratio is the median of
# the pairs' ratios. The GFLOPS columns are each side's median.
#
# usage: bench/gemm-vs-openblas.sh [--threads 2] [--pairs 7] [--sizes 256,512,1024,2048]
#                                  [--shapes square,skinny,iwae] [--json FILE]
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

threads=2 pairs=7 sizes=256,512,1024,2048 shapes=square,skinny json_out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --threads) threads="$2"; shift 2 ;;
    --pairs) pairs="$2"; shift 2 ;;
    --sizes) sizes="$2"; shift 2 ;;
    --shapes) shapes="$2"; shift 2 ;;
    --json) json_out="$2"; shift 2 ;;
    -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "gemm-vs-openblas: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
for v in "$threads" "$pairs"; do
  case "$v" in ''|*[!0-9]*|0) echo "gemm-vs-openblas: --threads and --pairs take positive whole numbers" >&2; exit 2 ;; esac
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

cat > "$work/paired.py" <<'EOF'
# Drives `latent4j bench gemm --serve` and numpy in turns; see the header of gemm-vs-openblas.sh.
import contextlib, json, os, statistics, subprocess, sys, tempfile, time
import numpy as np
try:
    import threadpoolctl
    limit = threadpoolctl.threadpool_limits
except ImportError:  # OPENBLAS_NUM_THREADS alone then sets the thread count
    limit = lambda **kw: contextlib.nullcontext()

root, threads, pairs, sizes, shapes, json_out, info = sys.argv[1:8]
threads, pairs, info = int(threads), int(pairs), json.loads(info or "{}")
WARM, RUN = 0.25, 0.08
# OpenBLAS's idle threads spin for about 2^28 cycles after a call: let them sleep before Java runs
SETTLE = 0.2

java = subprocess.Popen([os.path.join(root, "latent4j"), "bench", "gemm", "--serve", "--threads", str(threads),
                         "--sizes", sizes, "--shapes", shapes], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

def java_line():
    line = java.stdout.readline()
    if not line:
        sys.exit("gemm-vs-openblas: `latent4j bench gemm --serve` stopped (its messages are above)")
    return line.strip()

cases, header = [], None
while header is None:
    line = java_line()
    if line.startswith("case "):
        op, m, n, k, name = line.split(" ", 5)[1:]
        cases.append((name, op, int(m), int(n), int(k)))
    elif line.startswith("ready "):
        header = line[len("ready "):]

def java_run(op, m, n, k):
    java.stdin.write(f"{op} {m} {n} {k}\n")
    java.stdin.flush()
    answer = java_line()
    if answer.startswith("error"):
        sys.exit("gemm-vs-openblas: latent4j: " + answer)
    return float(answer)

rng = np.random.default_rng(42)
print(f"latent4j: GEMM {header}; numpy {np.__version__}; {pairs} pairs of timed runs per shape, in alternating order")
print(f"{'shape':28} {'op':2} {'m':>5} {'n':>5} {'k':>5} {'latent4j':>9} {'OpenBLAS':>9} {'ratio':>6}   (GFLOPS medians; ratio: median of the pairs', min .. max)")
rows = []
with limit(limits=threads, user_api="blas"):
    for name, op, m, n, k in cases:
        a = rng.uniform(-1, 1, (k, m) if op[0] == "T" else (m, k)).astype(np.float32)
        b = rng.uniform(-1, 1, (n, k) if op[1] == "T" else (k, n)).astype(np.float32)
        A = a.T if op[0] == "T" else a
        B = b.T if op[1] == "T" else b
        C = np.empty((m, n), np.float32)
        t0, calls = time.perf_counter(), 0
        while calls < 2 or time.perf_counter() - t0 < WARM:
            np.matmul(A, B, out=C)
            calls += 1
        inner = max(1, min(1_000_000, round(RUN * calls / (time.perf_counter() - t0))))

        def numpy_run():
            t = time.perf_counter()
            for _ in range(inner):
                np.matmul(A, B, out=C)
            gflops = 2.0 * m * n * k * inner / (time.perf_counter() - t) / 1e9
            time.sleep(SETTLE)
            return gflops

        time.sleep(SETTLE)
        java_run(op, m, n, k)  # its warm-up and calibration
        ours, theirs = [], []
        for i in range(pairs):
            if i % 2 == 0:
                theirs.append(numpy_run())
                ours.append(java_run(op, m, n, k))
            else:
                ours.append(java_run(op, m, n, k))
                theirs.append(numpy_run())
        ratios = sorted(o / t for o, t in zip(ours, theirs))
        l, b_, r = statistics.median(ours), statistics.median(theirs), statistics.median(ratios)
        rows.append({"name": name, "op": op, "m": m, "n": n, "k": k, "latent4j_gflops": round(l, 2),
                     "openblas_gflops": round(b_, 2), "ratio": round(r, 3), "pair_ratios": [round(x, 3) for x in ratios]})
        print(f"{name:28} {op:2} {m:5} {n:5} {k:5} {l:9.1f} {b_:9.1f} {r:6.2f}   ({ratios[0]:.2f} .. {ratios[-1]:.2f})", flush=True)
java.stdin.write("quit\n")
java.stdin.close()
java.wait()
if json_out:
    doc = {"latent4j_gemm": header, "threads": threads, "pairs": pairs, "openblas": info, "results": rows}
    d = os.path.dirname(os.path.abspath(json_out))
    fd, tmp = tempfile.mkstemp(dir=d, prefix=".gemm-vs-openblas.")
    with os.fdopen(fd, "w") as f:
        json.dump(doc, f, indent=2)
    os.replace(tmp, json_out)
    print("wrote " + json_out)
EOF

echo "numpy: $python, run as: env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=$threads ${blas_env[*]:-} $python"
describe_blas() {
  "$python" - "$1" <<'EOF'
import json, sys
i = json.loads(sys.argv[1])
print("{} {} ({}), core {}, {} threads, {}".format(i.get("internal_api"), i.get("version"), i.get("threading_layer"),
                                                    i.get("architecture"), i.get("num_threads"), i.get("filepath")))
EOF
}
echo "BLAS: $(describe_blas "$info")"
# the launcher builds the jar first when it is stale, so that no build runs inside a timed pair
(cd "$root" && ./latent4j --version >/dev/null)
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS="$threads" ${blas_env[@]+"${blas_env[@]}"} \
    "$python" "$work/paired.py" "$root" "$threads" "$pairs" "$sizes" "$shapes" "$json_out" "$info"
