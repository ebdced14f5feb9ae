"""The tables bench/compare.sh prints: per run, the median epoch over all rounds (epochs 2.. of each round), the median
first epoch, accuracy and allocations, the ratios against PyTorch and the fastest NumPy row, the issues' targets, and
the GEMM figures; for the CNNs, Nabla against PyTorch on the same model. Usage: summarize.py OUT_DIR THREADS (OUT_DIR holds NAME.jsonl, one JSON line per round, gemm-*.txt
and pairs.txt)."""
import json
import os
import re
import statistics
import sys

out, threads = sys.argv[1], sys.argv[2]
runs = {}
for f in sorted(os.listdir(out)):
    if f.endswith(".jsonl"):
        runs[f[:-6]] = [json.loads(line) for line in open(os.path.join(out, f)) if line.strip()]

cnns = {k: rs for k, rs in runs.items() if rs[0].get("model", "mlp") != "mlp"}
runs = {k: rs for k, rs in runs.items() if k not in cnns}
steady = {k: [s for r in rs for s in r["epoch_seconds"][1:]] for k, rs in {**runs, **cnns}.items()}
# With one epoch per run, the first epochs are all there is.
median = {k: statistics.median(v or [r["epoch_seconds"][0] for r in (runs.get(k) or cnns[k])]) for k, v in steady.items()}
# Nabla's first epoch with the JIT profile an earlier run recorded (rounds 2..), and without one (round 1: a command's
# first run, the JIT all on the main thread); a peer's first epochs are all alike.
first = {k: statistics.median([r["epoch_seconds"][0] for r in rs if r.get("jit_profile", True)] or [r["epoch_seconds"][0] for r in rs])
         for k, rs in {**runs, **cnns}.items()}
cold = {k: statistics.median(r["epoch_seconds"][0] for r in rs if r.get("jit_profile") is False)
        for k, rs in {**runs, **cnns}.items() if any(r.get("jit_profile") is False for r in rs)}
accuracy = {k: statistics.median(r["test_accuracy"] for r in rs) for k, rs in {**runs, **cnns}.items()}


def cnn_tables():
    for model in sorted({rs[0]["model"] for rs in cnns.values()}, reverse=True):   # tiny, then lenet
        rows = {k: rs for k, rs in cnns.items() if rs[0]["model"] == model}
        torch_key = f"pytorch-{model}"
        torch_s = median.get(torch_key)
        rounds, epochs = len(next(iter(rows.values()))), len(next(iter(rows.values()))[0]["epoch_seconds"])
        print(f"\n== MNIST CNN {model}, batch 64, SGD momentum 0.9 lr 0.01, float32, {threads} threads: {rounds} rounds of {epochs} epochs per run")
        print(f"{'run':26} {'median s':>9} {'÷ PyTorch':>10} {'first s':>8} {'test acc':>9}  extra")
        for k in sorted(rows, key=median.get):
            last = rows[k][-1]
            extra = ""
            if "allocated_bytes_per_step" in last:
                allocated = statistics.median(r["allocated_bytes_per_step"] for r in rows[k])
                extra = f"{allocated / 1024:.1f} KB allocated/step ({allocated / last['parameter_bytes']:.1%} of the parameters)"
            ratio = f"{median[k] / torch_s:10.2f}" if torch_s else f"{'-':>10}"
            print(f"{k:26} {median[k]:9.3f} {ratio} {first[k]:8.3f} {100 * accuracy[k]:8.2f}%  {extra}")
        for k in sorted(k for k in rows if k.startswith("nabla") and torch_s):
            allocated = statistics.median(r["allocated_bytes_per_step"] for r in rows[k])
            parameters = rows[k][-1]["parameter_bytes"]
            print(f"{k:26} ≤ 0.5× PyTorch: {'yes' if median[k] <= 0.5 * torch_s else 'NO'} ({median[k] / torch_s:.2f}×)   "
                  f"allocated/step ≤ 10% of parameter bytes: {'yes' if allocated <= 0.1 * parameters else 'NO'} ({allocated / parameters:.1%})")


if "pytorch" not in runs:   # MODELS without mlp: the CNN tables only
    cnn_tables()
    sys.exit(0)
numpy_runs = [k for k in runs if k.startswith("numpy")]
best_numpy = min(numpy_runs, key=median.get)
torch_s, numpy_s = median["pytorch"], median[best_numpy]
rounds, epochs = len(runs["pytorch"]), len(runs["pytorch"][0]["epoch_seconds"])

print(f"\n== MNIST MLP 784-128-10, batch 64, SGD 0.1, float32, {threads} threads: {rounds} rounds of {epochs} epochs per run")
print("median: of epochs 2.. over all rounds; first: median of the rounds' first epochs (JIT and warm-up included), for")
print("Nabla of the runs that replayed a JIT profile; cold: Nabla's first epoch in round 1, a command's first run (no profile)")
print(f"{'run':22} {'median s':>9} {'÷ PyTorch':>10} {'÷ NumPy':>8} {'first s':>8} {'÷ median':>9} {'cold s':>7} {'÷ median':>9} {'test acc':>9}  extra")
for k in sorted(runs, key=median.get):
    last = runs[k][-1]
    extra = []
    if "allocated_bytes_per_step" in last:
        allocated = statistics.median(r["allocated_bytes_per_step"] for r in runs[k])
        extra.append(f"{allocated / 1024:.1f} KB allocated/step ({allocated / last['parameter_bytes']:.1%} of the parameters)")
    if "blas" in last:
        extra.append(last["blas"])
    cold_s = f"{cold[k]:7.3f} {cold[k] / median[k]:9.2f}" if k in cold else f"{'-':>7} {'-':>9}"
    print(f"{k:22} {median[k]:9.3f} {median[k] / torch_s:10.2f} {median[k] / numpy_s:8.2f} {first[k]:8.3f} "
          f"{first[k] / median[k]:9.2f} {cold_s} {100 * accuracy[k]:8.2f}%  " + "; ".join(extra))
print(f"(NumPy compared: {best_numpy}, the fastest NumPy row; PyTorch with OMP_WAIT_POLICY=PASSIVE)")

print("\n== targets (issue 9)")
torch_acc = accuracy["pytorch"]
for k in sorted(k for k in runs if k.startswith("nabla")):
    ceiling = 0.7 if k == "nabla-managed" else 1.0
    checks = [(f"≤ {ceiling}× NumPy", median[k] <= ceiling * numpy_s, f"{median[k] / numpy_s:.2f}×")]
    if k == "nabla-managed":
        checks.append(("≤ 0.4× PyTorch", median[k] <= 0.4 * torch_s, f"{median[k] / torch_s:.2f}×"))
    checks.append(("accuracy within 0.5 pt of PyTorch", abs(accuracy[k] - torch_acc) <= 0.005,
                   f"{100 * (accuracy[k] - torch_acc):+.2f} pt"))
    checks.append(("first epoch ≤ 1.5× median", first[k] <= 1.5 * median[k], f"{first[k] / median[k]:.2f}×"
                   + (f"; without a JIT profile {cold[k] / median[k]:.2f}×" if k in cold else "")))
    last = runs[k][-1]
    allocated = statistics.median(r["allocated_bytes_per_step"] for r in runs[k])
    checks.append(("allocated/step ≤ 10% of parameter bytes", allocated <= 0.1 * last["parameter_bytes"],
                   f"{allocated / last['parameter_bytes']:.1%}"))
    print(f"{k:16} " + "   ".join(f"{name}: {'yes' if ok else 'NO'} ({figure})" for name, ok, figure in checks))

cnn_tables()


def rates(text, backend):   # the GFLOP/s column of one backend's block in a `bench gemm` table
    block = re.split(r"^  (?=\S)", text, flags=re.M)
    return next(([float(x) for x in re.findall(r"\s([\d.]+)\s*$", b, re.M)] for b in block if b.startswith(backend)), None)


tables = [open(os.path.join(out, f)).read() for f in sorted(os.listdir(out)) if f.startswith("gemm-")]
names = ["64×784·784×128", "784×64·64×128", "64×128·128×784", "1024³", "63×785·785×127", "1000³"]
if tables:
    managed = [rates(t, "managed") for t in tables]
    top = [max(r[i] for r in managed) for i in range(len(names))]
    print(f"\n== managed GEMM, best of {len(tables)} rounds (GFLOP/s; every round above)")
    print("  " + "   ".join(f"{name} {rate:.1f}" for name, rate in zip(names, top)))
    print(f"  ragged: 63×785·785×127 ÷ 64×784·784×128 = {top[4] / top[0]:.2f}, 1000³ ÷ 1024³ = {top[5] / top[3]:.2f}")
if os.path.exists(os.path.join(out, "pairs.txt")):
    pairs = {}
    for line in open(os.path.join(out, "pairs.txt")):
        shape, nabla, numpy = line.split(" ", 2)
        pairs.setdefault(int(shape), []).append((float(nabla), list(json.loads(numpy).values())[0]))
    print(f"\n== OpenBLAS backend ÷ NumPy matmul ({threads} threads): median of back-to-back pairs")
    for shape, measured in sorted(pairs.items()):
        ratio = statistics.median(n / p for n, p in measured)
        print(f"  {names[shape]:16} {ratio:.2f}   pairs: " + "  ".join(f"{n:.0f}/{p:.0f}" for n, p in measured))
