#!/usr/bin/env bash
# Nabla vs PyTorch vs NumPy on the same MLP, and Nabla vs PyTorch on two CNNs, on this machine:
#   784-128-10 MLP, MNIST (data/mnist), batch 64, SGD lr 0.1, float32, EPOCHS epochs per run, THREADS threads;
#   tiny CNN (conv 1→8 3×3, ReLU, max-pool 2, dense 1352→10) and LeNet-like CNN (conv 1→32 5×5, ReLU, max-pool 2,
#   conv 32→64 5×5, ReLU, max-pool 2, dense 1024→128, ReLU, dense 128→10), SGD momentum 0.9, lr 0.01, batch 64,
#   CNN_EPOCHS epochs per run (default EPOCHS). MODELS picks among mlp, tiny and lenet (default all three); LIMIT N
#   trains Nabla and PyTorch on the first N images (a quick check that everything runs: LIMIT=640 CNN_EPOCHS=2).
# The VM's speed comes in spells, so every run is repeated ROUNDS times, the runs alternating within each round (in
# an order rotated from round to round), and each run's figure is the median over all rounds of its epochs 2.. (its
# first epochs, JIT and warm-up included, are reported apart). Each round's own table is printed after it, then the
# table over all rounds. Nabla's runs start with an empty JIT profile folder (NABLA_CACHE): round 1 is each command's
# first run, which records the methods it compiles; later rounds replay that profile on a background thread (see
# Core/Compute/JitProfile.cs), as a user's second run of a script does. Both first epochs are reported.
# NumPy runs on OpenBLAS with 1 and with THREADS threads, each with the kernel OpenBLAS picks by itself
# (OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset for that command only) and, when that is a different one, with the
# widest kernel the CPU runs forced (SkylakeX on AVX-512, Haswell on AVX2): an OpenBLAS that does not know the CPU picks
# an old one (Debian 12's 0.3.21 takes this Xeon for a Prescott, SSE3). The fastest NumPy row is the one compared;
# the kernel each row ran on is printed as threadpoolctl reports it. If this environment sets OPENBLAS_CORETYPE, a
# row with the environment as it is comes too.
# PyTorch runs with OMP_WAIT_POLICY=PASSIVE: with OpenMP's default spinning it is about 3× slower on 2 shared cores.
# Then GEMM throughput: the managed GEMM's best of GEMM_ROUNDS tables, and the OpenBLAS backend against NumPy's matmul
# (widest kernel) shape by shape in GEMM_PAIRS back-to-back pairs.
# Usage: [MODELS="mlp tiny lenet"] [CNN_EPOCHS=N] [LIMIT=N] [GEMM_ROUNDS=3] [GEMM_PAIRS=5] bench/compare.sh [EPOCHS] [THREADS] [ROUNDS]
#        (installs python3-numpy, python3-torch, python3-threadpoolctl and libopenblas0-pthread via apt-get if missing)
set -euo pipefail
cd "$(dirname "$0")/.."
EPOCHS=${1:-5}
THREADS=${2:-2}
ROUNDS=${3:-3}
# The figures are medians of epochs 2.. (the first is reported apart): one epoch leaves nothing to take a median of.
[ "$EPOCHS" -ge 2 ] || { echo "compare.sh: EPOCHS must be 2 or more (the medians are over epochs 2..); for a quick check: bench/compare.sh 2 2 1" >&2; exit 2; }
GEMM_ROUNDS=${GEMM_ROUNDS:-3}
PAIRS=${GEMM_PAIRS:-5}
MODELS=${MODELS:-mlp tiny lenet}
CNN_EPOCHS=${CNN_EPOCHS:-$EPOCHS}
LIMIT=${LIMIT:-60000}
has_model() { [[ " $MODELS " == *" $1 "* ]]; }
DATA=data/mnist
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
export NABLA_CACHE="$OUT/cache"   # no JIT profile from an earlier compare.sh: round 1 is every Nabla command's first run

python_with() { # the first python3 that imports numpy, torch and threadpoolctl
  for p in /usr/bin/python3 python3; do
    if command -v "$p" >/dev/null && "$p" -c 'import numpy, torch, threadpoolctl' 2>/dev/null; then echo "$p"; return 0; fi
  done
  return 1
}
# NumPy and PyTorch for the peers, and the pthread OpenBLAS that Nabla's openblas backend loads (and NumPy then uses).
if ! PY=$(python_with) || ! ldconfig -p | grep -q 'libopenblas.so.0'; then
  echo "== installing python3-numpy python3-torch python3-threadpoolctl libopenblas0-pthread (Debian packages)"
  SUDO=$([ "$(id -u)" = 0 ] && echo "" || echo sudo)
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-numpy python3-torch python3-threadpoolctl libopenblas0-pthread >/dev/null
  PY=$(python_with) || { echo "numpy/torch/threadpoolctl still not importable" >&2; exit 1; }
fi

echo "== machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs), $(nproc) cores," \
     "AVX-512: $(grep -qw avx512f /proc/cpuinfo && echo yes || echo no), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== dotnet $(dotnet --version), $("$PY" -c 'import numpy, torch, sys; print(f"python {sys.version.split()[0]}, numpy {numpy.__version__}, torch {torch.__version__}")')"
echo "== environment: OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE-(unset)} OPENBLAS_L2_SIZE=${OPENBLAS_L2_SIZE-(unset)}"
dotnet build bench/Nabla.Bench.csproj -c Release -v q -nologo >/dev/null
BENCH="dotnet bench/bin/Release/net10.0/Nabla.Bench.dll"

# The kernels NumPy runs on: what OpenBLAS detects by itself, and the widest one the CPU runs when that differs.
kernel_of() { "$@" "$PY" -c 'import numpy; from threadpoolctl import threadpool_info as i; print(next(x.get("architecture", "?") for x in i() if x.get("user_api") == "blas"))'; }
NATIVE=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE)
native_kernel=$(kernel_of "${NATIVE[@]}")
widest=$(grep -qw avx512f /proc/cpuinfo && echo SkylakeX || (grep -qw avx2 /proc/cpuinfo && echo Haswell || echo ""))
echo "== OpenBLAS picks $native_kernel by itself here; the widest kernel this CPU runs: ${widest:-none beyond it}"

# name|command… for every run of a round
runs=()
if has_model mlp; then
  runs+=(
    "nabla-managed|env NABLA_THREADS=$THREADS $BENCH train --backend managed --threads $THREADS --epochs $EPOCHS --data $DATA --limit $LIMIT"
    "pytorch|env OMP_WAIT_POLICY=PASSIVE OMP_NUM_THREADS=$THREADS $PY bench/peers/mnist_torch.py $DATA $EPOCHS $THREADS mlp $LIMIT"
  )
  if $BENCH has openblas 2>/dev/null; then
    runs+=("nabla-openblas|env NABLA_THREADS=$THREADS $BENCH train --backend openblas --threads $THREADS --epochs $EPOCHS --data $DATA --limit $LIMIT")
  else
    echo "-- nabla-openblas: skipped (no OpenBLAS library; apt-get install libopenblas0-pthread)"
  fi
  for t in $(printf '%s\n' 1 "$THREADS" | sort -u); do
    runs+=("numpy-$t-$native_kernel|${NATIVE[*]} OPENBLAS_NUM_THREADS=$t $PY bench/peers/mnist_numpy.py $DATA $EPOCHS")
    if [ -n "$widest" ] && [ "$widest" != "$native_kernel" ]; then
      runs+=("numpy-$t-$widest|${NATIVE[*]} OPENBLAS_CORETYPE=$widest OPENBLAS_NUM_THREADS=$t $PY bench/peers/mnist_numpy.py $DATA $EPOCHS")
    fi
  done
  if [ -n "${OPENBLAS_CORETYPE-}" ]; then   # the environment's own kernel, as a second row
    runs+=("numpy-1-env-$OPENBLAS_CORETYPE|env OPENBLAS_NUM_THREADS=1 $PY bench/peers/mnist_numpy.py $DATA $EPOCHS")
  fi
fi
for model in tiny lenet; do   # each CNN: Nabla on both backends, and PyTorch
  has_model "$model" || continue
  for backend in managed openblas; do
    [ "$backend" = managed ] || $BENCH has "$backend" 2>/dev/null || continue
    runs+=("nabla-$backend-$model|env NABLA_THREADS=$THREADS $BENCH train --model $model --backend $backend --threads $THREADS --epochs $CNN_EPOCHS --data $DATA --limit $LIMIT")
  done
  runs+=("pytorch-$model|env OMP_WAIT_POLICY=PASSIVE OMP_NUM_THREADS=$THREADS $PY bench/peers/mnist_torch.py $DATA $CNN_EPOCHS $THREADS $model $LIMIT")
done

for round in $(seq "$ROUNDS"); do
  echo "== round $round of $ROUNDS (load $(cut -d' ' -f1-3 /proc/loadavg))"
  mkdir -p "$OUT/round-$round"
  n=${#runs[@]}
  for i in $(seq 0 $((n - 1))); do
    entry=${runs[$(((i + round - 1) % n))]}   # rotated: no run always follows the same one
    name=${entry%%|*}
    echo "-- $name"
    ${entry#*|} | tee -a "$OUT/$name.jsonl" "$OUT/round-$round/$name.jsonl" | cut -c1-160
  done
  # This round's table alone: a spell of the VM shows as one round out of line with the others.
  [ "$ROUNDS" = 1 ] || { echo "== round $round alone"; "$PY" bench/peers/summarize.py "$OUT/round-$round" "$THREADS"; }
done
echo
echo "== all $ROUNDS rounds"

echo
# GEMM. Managed targets count each shape's best of $GEMM_ROUNDS full tables; OpenBLAS against NumPy (on the widest
# kernel, as Nabla's OpenBLAS backend loads it) is measured shape by shape in back-to-back pairs, and the median of the
# $PAIRS paired ratios counts.
for round in $(seq "$GEMM_ROUNDS"); do
  has_model mlp || break   # the GEMM tables go with the MLP comparison
  echo "== GEMM float32, $THREADS threads, GFLOP/s, round $round of $GEMM_ROUNDS"
  $BENCH gemm --threads "$THREADS" | tee "$OUT/gemm-$round.txt"
done
if has_model mlp && $BENCH has openblas 2>/dev/null; then
  echo "== OpenBLAS backend and NumPy matmul (${widest:-$native_kernel}) back to back, $PAIRS pairs per shape"
  for shape in 0 1 2 3; do
    for pair in $(seq "$PAIRS"); do
      nabla=$($BENCH gemm --backend openblas --shape "$shape" --threads "$THREADS" | tail -1 | awk '{print $NF}')
      numpy=$("${NATIVE[@]}" OPENBLAS_CORETYPE="${widest:-$native_kernel}" OPENBLAS_NUM_THREADS="$THREADS" "$PY" bench/peers/matmul_numpy.py "$shape")
      echo "$shape $nabla $numpy" | tee -a "$OUT/pairs.txt"
    done
  done
fi

"$PY" bench/peers/summarize.py "$OUT" "$THREADS"
