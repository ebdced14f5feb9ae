"""NumPy's float32 matmul throughput (GFLOP/s, median) on the GEMM shapes of bench/, for the OpenBLAS-vs-NumPy
check. Usage: matmul_numpy.py (threads from OPENBLAS_NUM_THREADS)."""
import json
import time

import numpy as np

rng = np.random.default_rng(1)
shapes = [("64x784·784x128", 64, 784, 128, False, False), ("784x64·64x128", 784, 64, 128, True, False),
          ("64x128·128x784", 64, 128, 784, False, True), ("1024^3", 1024, 1024, 1024, False, False)]
out = {}
for name, m, k, n, ta, tb in shapes:
    a = rng.standard_normal((k, m) if ta else (m, k)).astype(np.float32)
    b = rng.standard_normal((n, k) if tb else (k, n)).astype(np.float32)
    a_op, b_op = (a.T if ta else a), (b.T if tb else b)
    for _ in range(3):
        a_op @ b_op
    rates = []
    total = time.perf_counter()
    while time.perf_counter() - total < 0.5 or len(rates) < 5:
        start, reps = time.perf_counter(), 0
        while True:
            a_op @ b_op
            reps += 1
            if time.perf_counter() - start > 0.02:
                break
        rates.append(2.0 * m * n * k * reps / (time.perf_counter() - start) / 1e9)
    out[name] = sorted(rates)[len(rates) // 2]
print(json.dumps(out))
