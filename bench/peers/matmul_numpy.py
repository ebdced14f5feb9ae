"""NumPy's float32 matmul throughput (GFLOP/s, median) on the GEMM shapes of bench/, for the OpenBLAS-vs-NumPy
check. Usage: matmul_numpy.py [SHAPE_INDEX] (threads from OPENBLAS_NUM_THREADS)."""
import json
import sys
import time

import numpy as np

rng = np.random.default_rng(1)
shapes = [("64x784·784x128", 64, 784, 128, False, False), ("784x64·64x128", 784, 64, 128, True, False),
          ("64x128·128x784", 64, 128, 784, False, True), ("1024^3", 1024, 1024, 1024, False, False)]
if len(sys.argv) > 1:
    # One shape, after the others ran briefly: measured alone, a fresh process ran 784x64·64x128 at half the speed it
    # has after the other shapes (the full table's order), and the slower figure would flatter Nabla.
    for _, m, k, n, ta, tb in shapes:
        x, y = np.ones((k, m) if ta else (m, k), np.float32), np.ones((n, k) if tb else (k, n), np.float32)
        warm = time.perf_counter()
        while time.perf_counter() - warm < 0.1:
            (x.T if ta else x) @ (y.T if tb else y)
    shapes = [shapes[int(sys.argv[1])]]


def aligned(values):
    """A float32 copy whose data starts on a 64-byte boundary, so neither side's figure depends on where its
    allocator put the operands (bench gemm aligns its own the same way)."""
    buffer = np.empty(values.size + 16, np.float32)
    start = (-buffer.ctypes.data % 64) // 4
    out = buffer[start:start + values.size].reshape(values.shape)
    out[...] = values
    return out


out = {}
for name, m, k, n, ta, tb in shapes:
    a = aligned(rng.standard_normal((k, m) if ta else (m, k)))
    b = aligned(rng.standard_normal((n, k) if tb else (k, n)))
    a_op, b_op = (a.T if ta else a), (b.T if tb else b)
    warm = time.perf_counter()
    while time.perf_counter() - warm < 0.2:   # warm up (thread pool, caches) as bench gemm does
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
