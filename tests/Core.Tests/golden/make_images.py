"""Writes images.json: PyTorch 1.13 reference values (float64) for the image layers beyond conv.json's cases: conv2d
without bias and with padding='same' (odd and even kernels), avg_pool2d (with and without padding), max_pool2d with
padding, global average pooling, batch_norm over image channels in training mode (output and gradients), and the
running statistics and num_batches_tracked after several training batches (BatchNorm1d and BatchNorm2d), then the
inference output from them. Same layout as conv.json (see README.md).
Run with Debian's python3-torch: /usr/bin/python3 make_images.py"""
import json
import torch
import torch.nn.functional as F

torch.manual_seed(10)
torch.set_default_dtype(torch.float64)
cases = []


def t(x):
    return {"shape": list(x.shape), "data": x.detach().reshape(-1).tolist()}


def run(op, params, module, x, extra=None):
    x = x.clone().requires_grad_(True)
    y = module(x)
    dy = torch.randn_like(y)
    y.backward(dy)
    case = {"op": op, "params": params, "input": t(x), "output": t(y), "output_grad": t(dy), "input_grad": t(x.grad)}
    for name, p in module.named_parameters():
        case[name] = t(p)
        case[name + "_grad"] = t(p.grad)
    case.update(extra or {})
    cases.append(case)


for kernel, stride, padding, bias, shape in [(3, 1, "same", True, (2, 2, 5, 6)), (4, 1, "same", True, (2, 3, 6, 5)),
                                             (3, 2, 1, False, (3, 2, 7, 6)), (1, 1, 0, True, (2, 3, 4, 4))]:
    conv = torch.nn.Conv2d(shape[1], 3, kernel, stride=stride, padding=padding, bias=bias)
    run("conv2d", {"kernel": kernel, "stride": stride, "padding": padding, "bias": bias}, conv, torch.randn(*shape))

for kernel, stride, padding, shape in [(2, 2, 0, (2, 3, 6, 6)), (3, 2, 1, (2, 2, 7, 5)), (3, 1, 1, (1, 2, 4, 4))]:
    run("avg_pool2d", {"kernel": kernel, "stride": stride, "padding": padding},
        torch.nn.AvgPool2d(kernel, stride, padding), torch.randn(*shape))

for kernel, stride, padding, shape in [(3, 2, 1, (2, 2, 7, 6)), (2, 1, 1, (2, 1, 3, 4))]:
    run("max_pool2d", {"kernel": kernel, "stride": stride, "padding": padding},
        torch.nn.MaxPool2d(kernel, stride, padding), torch.randn(*shape))

run("global_avg_pool2d", {}, torch.nn.Sequential(torch.nn.AdaptiveAvgPool2d(1), torch.nn.Flatten()), torch.randn(3, 4, 5, 3))

# Training mode over image channels, with a non-trivial affine transform.
bn = torch.nn.BatchNorm2d(3)
with torch.no_grad():
    bn.weight.copy_(torch.randn(3))
    bn.bias.copy_(torch.randn(3))
run("batch_norm_train", {"eps": 1e-5, "momentum": 0.1}, bn, torch.randn(4, 3, 5, 2) * 2 + 1)

# Running statistics: three training batches from the initial state, then inference on a fourth.
for module, shapes in [(torch.nn.BatchNorm1d(4), [(6, 4), (5, 4), (8, 4), (3, 4)]),
                       (torch.nn.BatchNorm2d(2), [(3, 2, 4, 5), (2, 2, 3, 3), (4, 2, 2, 6), (2, 2, 4, 5)])]:
    with torch.no_grad():
        module.weight.copy_(torch.randn(module.num_features))
        module.bias.copy_(torch.randn(module.num_features))
    batches = [torch.randn(*s) * 3 + 2 for s in shapes]
    module.train()
    with torch.no_grad():
        for b in batches[:-1]:
            module(b)
    module.eval()
    with torch.no_grad():
        y = module(batches[-1])
    cases.append({"op": "batch_norm_running", "params": {"eps": 1e-5, "momentum": 0.1},
                  "weight": t(module.weight), "bias": t(module.bias),
                  "batches": [t(b) for b in batches[:-1]],
                  "running_mean": t(module.running_mean), "running_var": t(module.running_var),
                  "num_batches_tracked": int(module.num_batches_tracked), "input": t(batches[-1]), "output": t(y)})

json.dump({"meta": {"torch": torch.__version__, "dtype": "float64", "generator": "make_images.py"}, "cases": cases},
          open("images.json", "w"), indent=None)
