"""The 784-128-10 MLP from scratch in NumPy (float32, OpenBLAS matmuls): batch 64, SGD lr 0.1, softmax
cross-entropy, He-normal / Xavier-uniform init as Nabla. Prints one JSON line: per-epoch training seconds, test
accuracy. Usage: mnist_numpy.py DATA_DIR EPOCHS"""
import json
import sys
import time

import numpy as np

from mnist_common import load


def blas():
    """The BLAS NumPy runs on, as threadpoolctl reports it: library, version, kernel (OpenBLAS's "architecture",
    which OPENBLAS_CORETYPE forces), threads."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "unknown (python3-threadpoolctl not installed)"
    return "; ".join(f"{i.get('internal_api')} {i.get('version')} {i.get('architecture', '')}, {i.get('num_threads')} "
                     f"thread{'' if i.get('num_threads') == 1 else 's'}" for i in threadpool_info() if i.get("user_api") == "blas")


folder, epochs = sys.argv[1], int(sys.argv[2])
x, y, xt, yt = load(folder)
rng = np.random.default_rng(1)
f32 = np.float32
w1 = (rng.standard_normal((784, 128)) * np.sqrt(2 / 784)).astype(f32)
b1 = np.zeros(128, f32)
a2 = np.sqrt(6 / (128 + 10))
w2 = rng.uniform(-a2, a2, (128, 10)).astype(f32)
b2 = np.zeros(10, f32)
lr, batch = f32(0.1), 64
eye = np.eye(10, dtype=f32)

seconds, losses = [], []
for epoch in range(epochs):
    start = time.perf_counter()
    order = rng.permutation(len(x))
    loss_sum = 0.0
    for i in range(0, len(x), batch):
        idx = order[i:i + batch]
        xb, yb = x[idx], y[idx]
        h = xb @ w1 + b1
        a = np.maximum(h, 0)
        z = a @ w2 + b2
        z = z - z.max(axis=1, keepdims=True)
        e = np.exp(z)
        p = e / e.sum(axis=1, keepdims=True)
        loss_sum += float(-np.log(p[np.arange(len(yb)), yb] + 1e-30).sum())
        dz = (p - eye[yb]) / f32(len(yb))
        dw2 = a.T @ dz
        db2 = dz.sum(axis=0)
        dh = (dz @ w2.T) * (h > 0)
        dw1 = xb.T @ dh
        db1 = dh.sum(axis=0)
        w1 -= lr * dw1
        b1 -= lr * db1
        w2 -= lr * dw2
        b2 -= lr * db2
    seconds.append(time.perf_counter() - start)
    losses.append(loss_sum / len(x))

accuracy = float((np.argmax(np.maximum(xt @ w1 + b1, 0) @ w2 + b2, axis=1) == yt).mean())
print(json.dumps({"name": "numpy", "epoch_seconds": seconds, "loss": losses, "test_accuracy": accuracy,
                  "numpy": np.__version__, "blas": blas()}))
