"""The benchmark's models in PyTorch on CPU (float32), batch 64, CrossEntropyLoss, as bench/TrainMnist.cs builds them:
mlp (784-128-10, SGD lr 0.1), tiny (conv 1→8 3×3, ReLU, max-pool 2, flatten, dense 1352→10) and lenet (conv 1→32 5×5,
ReLU, max-pool 2, conv 32→64 5×5, ReLU, max-pool 2, flatten, dense 1024→128, ReLU, dense 128→10), the CNNs with SGD
momentum 0.9, lr 0.01. Convolutions keep PyTorch's default init (Nabla's Conv2D uses the same rule); dense layers are
He-normal, the last Xavier-uniform, biases zero, as Nabla. Prints one JSON line: per-epoch training seconds, test accuracy.
Usage: mnist_torch.py DATA_DIR EPOCHS THREADS [MODEL] [LIMIT] (run it with OMP_WAIT_POLICY=PASSIVE: see compare.sh)."""
import json
import sys
import time

import torch
from torch import nn

from mnist_common import load

folder, epochs, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
name = sys.argv[4] if len(sys.argv) > 4 else "mlp"
limit = int(sys.argv[5]) if len(sys.argv) > 5 else 60000
torch.set_num_threads(threads)
torch.manual_seed(1)
x, y, xt, yt = (torch.from_numpy(a) for a in load(folder))
x, y = x[:limit], y[:limit]


def dense(inputs, outputs, last=False):
    layer = nn.Linear(inputs, outputs)
    (nn.init.xavier_uniform_ if last else lambda w: nn.init.kaiming_normal_(w, nonlinearity="relu"))(layer.weight)
    nn.init.zeros_(layer.bias)
    return layer


if name == "mlp":
    model, lr, momentum = nn.Sequential(dense(784, 128), nn.ReLU(), dense(128, 10, last=True)), 0.1, 0.0
elif name == "tiny":
    model, lr, momentum = nn.Sequential(nn.Conv2d(1, 8, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                                        dense(1352, 10, last=True)), 0.01, 0.9
elif name == "lenet":
    model, lr, momentum = nn.Sequential(nn.Conv2d(1, 32, 5), nn.ReLU(), nn.MaxPool2d(2),
                                        nn.Conv2d(32, 64, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                                        dense(1024, 128), nn.ReLU(), dense(128, 10, last=True)), 0.01, 0.9
else:
    sys.exit(f"model {name}: expected mlp, tiny or lenet")
if name != "mlp":   # images as N × 1 × 28 × 28, as Nabla's Mnist.Load gives them
    x, xt = x.reshape(-1, 1, 28, 28), xt.reshape(-1, 1, 28, 28)
optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum)
criterion = nn.CrossEntropyLoss()

seconds, losses = [], []
for epoch in range(epochs):
    start = time.perf_counter()
    order = torch.randperm(len(x))
    loss_sum = 0.0
    for i in range(0, len(x), 64):
        idx = order[i:i + 64]
        optimizer.zero_grad()
        loss = criterion(model(x[idx]), y[idx])
        loss.backward()
        optimizer.step()
        loss_sum += loss.item() * len(idx)
    seconds.append(time.perf_counter() - start)
    losses.append(loss_sum / len(x))

with torch.no_grad():
    accuracy = float((model(xt).argmax(dim=1) == yt).float().mean())
print(json.dumps({"name": "pytorch" if name == "mlp" else f"pytorch-{name}", "model": name, "epoch_seconds": seconds,
                  "loss": losses, "test_accuracy": accuracy, "torch": torch.__version__, "threads": torch.get_num_threads()}))
