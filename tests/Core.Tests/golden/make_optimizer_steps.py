"""Writes optimizer_steps.json: PyTorch's parameters after each of four optimizer steps, for every optimizer variant
and hyperparameter Nabla supports, in float64 and float32.

Every case updates the same four tensors, of 12 (3 x 4), 10, 13 and 37 elements: none but the first is a multiple of
the SIMD width (8 floats or 4 doubles with 256-bit vectors, 16/8 with 512-bit), so each rule runs both its vector
body and its scalar tail. Hyperparameters are chosen so that every term of a rule moves the parameters by at least
about 1e-3 within four steps (weight decay and learning rates larger than the defaults), well above the float32
tolerance. Gradients come from a seeded generator, one set per step, the same for every case; float32 cases round
the float64 initial values and gradients to float32 and run PyTorch in float32. The inputs are stored once per dtype
("inputs"), each case holds its hyperparameters and the parameters after each step.

Run with Debian's python3-torch: /usr/bin/python3 make_optimizer_steps.py (writes beside itself)."""
import json, os
import torch

SHAPES = [(3, 4), (10,), (13,), (37,)]
STEPS = 4

# (name, PyTorch optimizer, hyperparameters with PyTorch's names). Unsupported options (SGD's dampening, Adagrad's
# lr_decay, Adam's amsgrad, maximize) are absent: Nabla has no such hyperparameter.
CASES = [
    ("sgd", "SGD", {"lr": 0.1}),
    ("sgd_momentum", "SGD", {"lr": 0.1, "momentum": 0.9}),
    ("sgd_nesterov", "SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True}),
    ("sgd_weight_decay", "SGD", {"lr": 0.1, "weight_decay": 0.1}),
    ("sgd_momentum_weight_decay", "SGD", {"lr": 0.1, "momentum": 0.8, "weight_decay": 0.1}),
    ("sgd_nesterov_weight_decay", "SGD", {"lr": 0.05, "momentum": 0.7, "nesterov": True, "weight_decay": 0.2}),
    ("adagrad", "Adagrad", {"lr": 0.1, "eps": 1e-10}),
    ("adagrad_eps", "Adagrad", {"lr": 0.1, "eps": 0.3}),
    ("adagrad_initial_accumulator", "Adagrad", {"lr": 0.1, "initial_accumulator_value": 0.5}),
    ("adagrad_weight_decay", "Adagrad", {"lr": 0.1, "weight_decay": 0.2}),
    ("adagrad_all", "Adagrad", {"lr": 0.2, "eps": 0.01, "initial_accumulator_value": 0.1, "weight_decay": 0.1}),
    ("rmsprop", "RMSprop", {"lr": 0.01, "alpha": 0.99, "eps": 1e-8}),
    ("rmsprop_rho_eps", "RMSprop", {"lr": 0.01, "alpha": 0.8, "eps": 0.1}),
    ("rmsprop_centered", "RMSprop", {"lr": 0.01, "alpha": 0.9, "centered": True}),
    ("rmsprop_momentum", "RMSprop", {"lr": 0.01, "alpha": 0.9, "momentum": 0.8}),
    ("rmsprop_centered_momentum", "RMSprop", {"lr": 0.01, "alpha": 0.9, "momentum": 0.8, "centered": True}),
    ("rmsprop_weight_decay", "RMSprop", {"lr": 0.01, "alpha": 0.9, "weight_decay": 0.5}),
    ("rmsprop_all", "RMSprop", {"lr": 0.02, "alpha": 0.85, "eps": 1e-3, "momentum": 0.5, "centered": True, "weight_decay": 0.3}),
    ("adam", "Adam", {"lr": 0.01, "betas": [0.9, 0.999], "eps": 1e-8}),
    ("adam_betas_eps", "Adam", {"lr": 0.05, "betas": [0.5, 0.8], "eps": 0.1}),
    ("adam_weight_decay", "Adam", {"lr": 0.01, "betas": [0.9, 0.999], "weight_decay": 0.5}),
    ("adamw", "AdamW", {"lr": 0.01, "betas": [0.9, 0.999], "eps": 1e-8, "weight_decay": 0.1}),
    ("adamw_default_decay", "AdamW", {"lr": 0.1, "betas": [0.8, 0.99]}),
    ("adamw_all", "AdamW", {"lr": 0.03, "betas": [0.7, 0.9], "eps": 0.05, "weight_decay": 0.3}),
    # Defaults (SGD has none for lr): pins Nabla's defaults to PyTorch's.
    ("adagrad_defaults", "Adagrad", {}),
    ("rmsprop_defaults", "RMSprop", {}),
    ("adam_defaults", "Adam", {}),
    ("adamw_defaults", "AdamW", {}),
]


def tensor(t):
    # float32 values as their shortest float32 decimal (which a reader's double-to-float rounding gives back exactly).
    values = t.detach().reshape(-1)
    data = [float(repr(v)) for v in values.numpy()] if t.dtype == torch.float32 else values.tolist()
    return {"shape": list(t.shape), "data": data}


def main():
    generator = torch.Generator().manual_seed(14)
    initial = [torch.randn(s, generator=generator, dtype=torch.float64) for s in SHAPES]
    grads = [[torch.randn(s, generator=generator, dtype=torch.float64) for s in SHAPES] for _ in range(STEPS)]
    inputs, out = {}, []
    for dtype in (torch.float64, torch.float32):
        inputs[str(dtype).removeprefix("torch.")] = {
            "initial": [tensor(t.to(dtype)) for t in initial],
            "grads": [[tensor(g.to(dtype)) for g in step] for step in grads],
        }
        for name, kind, hyper in CASES:
            params = [torch.nn.Parameter(t.to(dtype).clone()) for t in initial]
            optimizer = getattr(torch.optim, kind)(params, **hyper)
            after = []
            for step in range(STEPS):
                for p, g in zip(params, grads[step]):
                    p.grad = g.to(dtype).clone()
                optimizer.step()
                after.append([tensor(p) for p in params])
            out.append({
                "name": name, "optimizer": kind, "dtype": str(dtype).removeprefix("torch."), "hyper": hyper,
                "params_after_each_step": after,
            })
    meta = {"generator": f"PyTorch {torch.__version__} (make_optimizer_steps.py)", "seed": 14, "steps": STEPS,
            "shapes": [list(s) for s in SHAPES]}
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "optimizer_steps.json")
    with open(path, "w") as f:
        json.dump({"meta": meta, "inputs": inputs, "cases": out}, f, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
