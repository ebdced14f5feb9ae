#!/usr/bin/env bash
# Nabla vs PyTorch vs NumPy on the same MLP, in one run on this machine:
#   784-128-10 MLP, MNIST (data/mnist), batch 64, SGD lr 0.1, float32, 2 threads, 5 epochs each;
#   prints per-epoch times, their medians, the ratios and the test accuracies, then GEMM throughput.
# PyTorch runs with OMP_WAIT_POLICY=PASSIVE: with OpenMP's default spinning it is about 3× slower on 2 shared cores.
# NumPy runs with OpenBLAS on 1 and on 2 threads; the faster of the two is the one compared.
# Usage: [GEMM_ROUNDS=3] [GEMM_PAIRS=5] bench/compare.sh [EPOCHS] [THREADS]     (installs python3-numpy, python3-torch via apt-get if missing)
set -euo pipefail
cd "$(dirname "$0")/.."
EPOCHS=${1:-5}
THREADS=${2:-2}
ROUNDS=${GEMM_ROUNDS:-3}
PAIRS=${GEMM_PAIRS:-5}
DATA=data/mnist
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

python_with() { # the first python3 that imports numpy and torch
  for p in /usr/bin/python3 python3; do
    if command -v "$p" >/dev/null && "$p" -c 'import numpy, torch' 2>/dev/null; then echo "$p"; return 0; fi
  done
  return 1
}
# NumPy and PyTorch for the peers, and the pthread OpenBLAS that Nabla's openblas backend loads (and NumPy then uses).
if ! PY=$(python_with) || ! ldconfig -p | grep -q 'libopenblas.so.0'; then
  echo "== installing python3-numpy python3-torch libopenblas0-pthread (Debian packages)"
  SUDO=$([ "$(id -u)" = 0 ] && echo "" || echo sudo)
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-numpy python3-torch libopenblas0-pthread >/dev/null
  PY=$(python_with) || { echo "numpy/torch still not importable" >&2; exit 1; }
fi

echo "== machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs), $(nproc) cores," \
     "AVX-512: $(grep -qw avx512f /proc/cpuinfo && echo yes || echo no), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== dotnet $(dotnet --version), $("$PY" -c 'import numpy, torch, sys; print(f"python {sys.version.split()[0]}, numpy {numpy.__version__}, torch {torch.__version__}")')"
dotnet build bench/Nabla.Bench.csproj -c Release -v q -nologo >/dev/null
BENCH="dotnet bench/bin/Release/net10.0/Nabla.Bench.dll"

run() { # name command...: runs, keeps the JSON line
  local name=$1; shift
  echo "-- $name"
  "$@" | tee "$OUT/$name.json" | cut -c1-160
}
run nabla-managed env NABLA_THREADS="$THREADS" $BENCH train --backend managed --threads "$THREADS" --epochs "$EPOCHS" --data "$DATA"
if $BENCH has openblas 2>/dev/null; then
  run nabla-openblas env NABLA_THREADS="$THREADS" $BENCH train --backend openblas --threads "$THREADS" --epochs "$EPOCHS" --data "$DATA"
else
  echo "-- nabla-openblas: skipped (no OpenBLAS library; apt-get install libopenblas0-pthread)"
fi
run pytorch env OMP_WAIT_POLICY=PASSIVE OMP_NUM_THREADS="$THREADS" "$PY" bench/peers/mnist_torch.py "$DATA" "$EPOCHS" "$THREADS"
run numpy-1t env OPENBLAS_NUM_THREADS=1 "$PY" bench/peers/mnist_numpy.py "$DATA" "$EPOCHS"
run numpy-${THREADS}t env OPENBLAS_NUM_THREADS="$THREADS" "$PY" bench/peers/mnist_numpy.py "$DATA" "$EPOCHS"

echo
# GEMM. The VM's throughput comes in spells (single figures moved between about 105 and 195 GFLOP/s within one
# process), so: the managed targets count each shape's best of $ROUNDS full tables; OpenBLAS against NumPy is measured
# shape by shape in back-to-back pairs, and the median of the $PAIRS paired ratios counts.
for round in $(seq "$ROUNDS"); do
  echo "== GEMM float32, $THREADS threads, GFLOP/s, round $round of $ROUNDS"
  $BENCH gemm --threads "$THREADS" | tee "$OUT/gemm-$round.txt"
done
if $BENCH has openblas 2>/dev/null; then
  echo "== OpenBLAS backend and NumPy matmul back to back, $PAIRS pairs per shape"
  for shape in 0 1 2 3; do
    for pair in $(seq "$PAIRS"); do
      nabla=$($BENCH gemm --backend openblas --shape "$shape" --threads "$THREADS" | tail -1 | awk '{print $NF}')
      numpy=$(OPENBLAS_NUM_THREADS="$THREADS" "$PY" bench/peers/matmul_numpy.py "$shape")
      echo "$shape $nabla $numpy" | tee -a "$OUT/pairs.txt"
    done
  done
fi

"$PY" - "$OUT" "$THREADS" <<'PY'
import json, os, re, statistics, sys
out, threads = sys.argv[1], sys.argv[2]
runs = {}
for f in sorted(os.listdir(out)):
    if f.endswith(".json"):
        runs[f[:-5]] = json.load(open(os.path.join(out, f)))
numpy_runs = [k for k in runs if k.startswith("numpy")]
best_numpy = min(numpy_runs, key=lambda k: statistics.median(runs[k]["epoch_seconds"]))
median = {k: statistics.median(r["epoch_seconds"]) for k, r in runs.items()}
torch_s, numpy_s, torch_acc = median["pytorch"], median[best_numpy], runs["pytorch"]["test_accuracy"]
print(f"\n== MNIST MLP 784-128-10, batch 64, SGD 0.1, float32: median epoch (training only) over {len(runs['pytorch']['epoch_seconds'])} epochs")
print(f"{'run':16} {'median s':>9} {'÷ PyTorch':>10} {'÷ NumPy':>8} {'test acc':>9}  per-epoch seconds")
for k in sorted(runs, key=lambda k: median[k]):
    r = runs[k]
    extra = f"  {r['allocated_bytes_per_step'] / 1024:.1f} KB allocated/step" if "allocated_bytes_per_step" in r else ""
    print(f"{k:16} {median[k]:9.3f} {median[k] / torch_s:10.2f} {median[k] / numpy_s:8.2f} {100 * r['test_accuracy']:8.2f}%  "
          + " ".join(f"{s:.3f}" for s in r["epoch_seconds"]) + extra)
print(f"(NumPy compared: {best_numpy}; PyTorch {threads} threads with OMP_WAIT_POLICY=PASSIVE)")
print("\n== targets (issue 5)")
for k in [k for k in runs if k.startswith("nabla")]:
    ok_t, ok_n = median[k] <= 0.7 * torch_s, median[k] <= 1.0 * numpy_s
    ok_a = abs(runs[k]["test_accuracy"] - torch_acc) <= 0.005
    print(f"{k:16} ≤ 0.7× PyTorch: {'yes' if ok_t else 'NO'} ({median[k] / torch_s:.2f}×)   ≤ 1.0× NumPy: {'yes' if ok_n else 'NO'} "
          f"({median[k] / numpy_s:.2f}×)   accuracy within 0.5 pt of PyTorch: {'yes' if ok_a else 'NO'} "
          f"({100 * (runs[k]['test_accuracy'] - torch_acc):+.2f} pt)")
def rates(text, backend):   # the GFLOP/s column of one backend's block in a `bench gemm` table
    block = re.split(r"^  (?=\S)", text, flags=re.M)
    return next(([float(x) for x in re.findall(r"\s([\d.]+)\s*$", b, re.M)] for b in block if b.startswith(backend)), None)
rounds = sorted(f for f in os.listdir(out) if f.startswith("gemm-"))
tables = [open(os.path.join(out, f)).read() for f in rounds]
names = ["64×784·784×128", "784×64·64×128", "64×128·128×784", "1024³", "63×785·785×127", "1000³"]
managed = [rates(t, "managed") for t in tables]
top = [max(r[i] for r in managed) for i in range(len(names))]
print(f"\n== managed GEMM, best of {len(rounds)} rounds (GFLOP/s; every round above)")
print("  " + "   ".join(f"{name} {rate:.1f}" for name, rate in zip(names, top)))
print(f"  ≥ 80 on the MLP shapes: {'yes' if min(top[:3]) >= 80 else 'NO'}   ≥ 100 at 1024³: {'yes' if top[3] >= 100 else 'NO'}"
      f"   ragged: 63×785·785×127 ÷ 64×784·784×128 = {top[4] / top[0]:.2f}, 1000³ ÷ 1024³ = {top[5] / top[3]:.2f}")
if os.path.exists(os.path.join(out, "pairs.txt")):
    pairs = {}
    for line in open(os.path.join(out, "pairs.txt")):
        shape, nabla, numpy = line.split(" ", 2)
        pairs.setdefault(int(shape), []).append((float(nabla), list(json.loads(numpy).values())[0]))
    print(f"\n== OpenBLAS backend ÷ NumPy matmul ({threads} threads): median of back-to-back pairs")
    for shape, runs in sorted(pairs.items()):
        ratio = statistics.median(n / p for n, p in runs)
        print(f"  {names[shape]:16} {ratio:.2f} {'(≥ 0.9 ok)' if ratio >= 0.9 else '(< 0.9)'}   pairs: "
              + "  ".join(f"{n:.0f}/{p:.0f}" for n, p in runs))
PY
