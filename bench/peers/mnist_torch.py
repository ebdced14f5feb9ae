"""The 784-128-10 MLP in PyTorch on CPU (float32): batch 64, SGD lr 0.1, CrossEntropyLoss, He-normal / Xavier-uniform
init as Nabla. Prints one JSON line: per-epoch training seconds, test accuracy.
Usage: mnist_torch.py DATA_DIR EPOCHS THREADS (run it with OMP_WAIT_POLICY=PASSIVE: see compare.sh)."""
import json
import sys
import time

import torch

from mnist_common import load

folder, epochs, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
torch.set_num_threads(threads)
torch.manual_seed(1)
x, y, xt, yt = (torch.from_numpy(a) for a in load(folder))
model = torch.nn.Sequential(torch.nn.Linear(784, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10))
torch.nn.init.kaiming_normal_(model[0].weight, nonlinearity="relu")
torch.nn.init.xavier_uniform_(model[2].weight)
torch.nn.init.zeros_(model[0].bias)
torch.nn.init.zeros_(model[2].bias)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
criterion = torch.nn.CrossEntropyLoss()

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
print(json.dumps({"name": "pytorch", "epoch_seconds": seconds, "loss": losses, "test_accuracy": accuracy,
                  "torch": torch.__version__, "threads": torch.get_num_threads()}))
