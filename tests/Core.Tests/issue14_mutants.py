#!/usr/bin/env python3
"""Issue 14's eighteen behaviours, each broken on purpose: applies one mutation at a time to a worktree, builds, runs the
named tests, prints which failed (KILLED) or that none did (SURVIVED), and restores the file. docs/testing.md lists the
results. Usage, from the repository root after a Release build: python3 tests/Core.Tests/issue14_mutants.py . [ID ...]
(about 1 to 5 minutes a mutation on 2 cores, most of it the rebuild of Core)."""
import os, re, subprocess, sys

# (id, behaviour, file, old, new, project, test filter)
M = [
 ("rms-centered", "centered RMSProp subtracts the squared mean", "Core/Optimizers/ScaleByRms.cs",
  "meanSquare -= m * m;   // the variance", "meanSquare += m * m;   // the variance", "tests/Core.Tests", "FullyQualifiedName~Optimizers|FullyQualifiedName~VectorTail"),
 ("adagrad-init", "Adagrad's initial accumulator", "Core/Optimizers/ScaleByAdagrad.cs",
  "p.Map(_ => start,", "p.Map(_ => T.Zero,", "tests/Core.Tests", "FullyQualifiedName~Optimizers|FullyQualifiedName~VectorTail"),
 ("decay-sign", "weight decay's sign (Adagrad's decay, scalar tail)", "Core/Optimizers/AddDecayedWeights.cs",
  "internal static T Rule<T>(T g, T p, T decay) where T : struct, IFloatingPointIeee754<T> => g + decay * p;",
  "internal static T Rule<T>(T g, T p, T decay) where T : struct, IFloatingPointIeee754<T> => g - decay * p;", "tests/Core.Tests", "FullyQualifiedName~Optimizers|FullyQualifiedName~VectorTail"),
 ("adamw-tail", "AdamW's decoupled decay in the scalar tail", "Core/Optimizers/Adam.cs",
  "in Constants<T> k) where T : struct, IFloatingPointIeee754<T>\n    {\n        if (k.Coupled) g = AddDecayedWeights.Rule(g, p, k.Decay);\n        (var u, m, v) = ScaleByAdam.Rule(g, m, v, k.Adam);\n        if (k.Decoupled) u = AddDecayedWeights.Rule(u, p, k.Decay);\n",
  "in Constants<T> k) where T : struct, IFloatingPointIeee754<T>\n    {\n        if (k.Coupled) g = AddDecayedWeights.Rule(g, p, k.Decay);\n        (var u, m, v) = ScaleByAdam.Rule(g, m, v, k.Adam);\n", "tests/Core.Tests", "FullyQualifiedName~Optimizers|FullyQualifiedName~VectorTail"),
 ("momentum-tail", "SGD momentum t' = μt + g in the scalar tail", "Core/Optimizers/Trace.cs",
  "t = Simd.Flushed(t * mu + g);   // flushed", "t = Simd.Flushed(t + mu * g);   // flushed", "tests/Core.Tests", "FullyQualifiedName~Optimizers|FullyQualifiedName~VectorTail"),
 ("mnist-256", "MNIST pixels / 255", "Core/Data/Mnist.cs",
  "images.Data[i] / 255f;", "images.Data[i] / 256f;", "tests/Core.Tests", "FullyQualifiedName~Nabla.Tests.Data"),
 ("mnist-transposed", "MNIST images row-major", "Core/Data/Mnist.cs",
  "features[i] = images.Data[i] / 255f;", "features[i] = images.Data[i / size * size + i % size % 28 * 28 + i % size / 28] / 255f;", "tests/Core.Tests", "FullyQualifiedName~Nabla.Tests.Data"),
 ("csv-header-all", "CSV header: any non-numeric cell", "Core/Data/Csv.cs",
  "var looksLikeHeader = cells.Any(", "var looksLikeHeader = cells.All(", "tests/Core.Tests", "FullyQualifiedName~Nabla.Tests.Data"),
 ("scaled01-square", "ScaledTo01 is linear", "Core/Data/Dataset.cs",
  "range > 0 ? (v - min) / range : 0f", "range > 0 ? (v - min) / range * ((v - min) / range) : 0f", "tests/Core.Tests", "FullyQualifiedName~Nabla.Tests.Data"),
 ("f16", "F16 decoding", "Core/Serialization/SafeTensors.cs",
  "ReadHalfLittleEndian(at)", "ReadHalfBigEndian(at)", "tests/Core.Tests", "FullyQualifiedName~Nabla.Tests.Serialization"),
 ("bf16", "BF16 decoding", "Core/Serialization/SafeTensors.cs",
  "ReadUInt16LittleEndian(at) << 16)", "ReadUInt16LittleEndian(at) << 15)", "tests/Core.Tests", "FullyQualifiedName~Nabla.Tests.Serialization"),
 ("tanh-sigmoid", "a saved tanh layer loads as tanh", "Core/Layers/LayerTypes.cs",
  "var entry = Get<T>(type);", 'var entry = Get<T>(type == "tanh" ? "sigmoid" : type);', "tests/Core.Tests", "FullyQualifiedName~Nabla.Tests.Serialization"),
 ("sigmoid-activate", "sigmoid cross-entropy's Activate applies the sigmoid", "Core/Losses/SigmoidBinaryCrossEntropy.cs",
  "=> Activations.Sigmoid(output);", "=> output;", "tests/Core.Tests", "FullyQualifiedName~Nabla.Tests.Losses|FullyQualifiedName~Nabla.Tests.Evaluation|FullyQualifiedName~Nabla.Tests.Training.MetricsTests"),
 ("bce-clamp", "BCE's log clamp at -100", "Core/Losses/BinaryCrossEntropy.cs",
  "sum -= yi * Math.Max(Math.Log(pi), -100) + (1 - yi) * Math.Max(Math.Log(1 - pi), -100);", "sum -= yi * Math.Log(pi) + (1 - yi) * Math.Log(1 - pi);", "tests/Core.Tests", "FullyQualifiedName~Nabla.Tests.Losses|FullyQualifiedName~Nabla.Tests.Golden"),
 ("epoch-loss-unweighted", "the epoch loss weighted by batch size", "Core/Training/Fit.cs",
  ("lossSum += batchLoss * batch.Size;", "var metrics = new EpochMetrics(epoch, lossSum / seen,"),
  ("lossSum += batchLoss;", "var metrics = new EpochMetrics(epoch, lossSum / batchIndex,"), "tests/Core.Tests", "FullyQualifiedName~Nabla.Tests.Training&FullyQualifiedName!~LearningTests"),
 ("confusion-transposed", "confusion matrix rows are actual classes", "Core/Evaluation/ConfusionMatrix.cs",
  "counts[actual[i], predicted[i]]++;", "counts[predicted[i], actual[i]]++;", "tests/Core.Tests", "FullyQualifiedName~Nabla.Tests.Evaluation|FullyQualifiedName~Nabla.Tests.Reporting"),
 ("recall-is-precision", "the recall column divides by the row total", "Core/Reporting/ConfusionMatrixText.cs",
  "total += counts[a, p];", "total += counts[p, a];", "tests/Core.Tests", "FullyQualifiedName~Nabla.Tests.Evaluation|FullyQualifiedName~Nabla.Tests.Reporting"),
 ("caused-by", "the host prints a script's inner exceptions as 'caused by' lines", "ScriptHost/NablaHost.cs",
  "for (var inner = exception.InnerException; inner is not null; inner = inner.InnerException)\n                console.Error.WriteLine($\"  caused by {inner.GetType().Name}: {inner.Message}\");",
  "", "tests/ScriptHost.Tests", "FullyQualifiedName~HostTests"),
]

wt = sys.argv[1]; only = sys.argv[2:]
os.chdir(wt)
for (mid, what, path, old, new, proj, filt) in M:
    if only and mid not in only: continue
    src = open(path).read()
    olds, news = (old, new) if isinstance(old, tuple) else ((old,), (new,))
    mutated = src
    for o, n in zip(olds, news):
        assert mutated.count(o) == 1, (mid, o)
        mutated = mutated.replace(o, n)
    open(path, 'w').write(mutated)
    try:
        b = subprocess.run(["dotnet", "build", proj, "-c", "Release", "--no-restore"], capture_output=True, text=True)
        if b.returncode != 0:
            print(f"{mid}: BUILD FAILED", re.findall(r"error [^\n]*", b.stdout)[:3], flush=True); continue
        t = subprocess.run(["dotnet", "test", proj, "-c", "Release", "--no-build", "--filter", filt], capture_output=True, text=True)
        failed = sorted(set(re.findall(r"^\s+Failed ([^\s\[(]+)", t.stdout, re.M)))
        summary = re.findall(r"(Passed!|Failed!).*", t.stdout)
        print(f"{mid}: {'KILLED' if failed else 'SURVIVED'} {summary[-1] if summary else t.stdout[-300:]}", flush=True)
        for f in failed: print(f"    {f}", flush=True)
    finally:
        open(path, 'w').write(src)
