using BenchmarkDotNet.Running;
using Nabla.Bench;

// dotnet run -c Release --project bench -- gemm [--threads N]        quick GFLOP/s table, every backend
//                                         [--backend B] [--shape I]  … or one backend, one shape (for paired runs)
// dotnet run -c Release --project bench -- ragged [--backend B]      ragged GEMM shapes ÷ aligned ones, back to back
// dotnet run -c Release --project bench -- profile [--optimizer O] [--model M] [--cpu]   µs and bytes per phase of a training step (sgd, adam, …; mlp, tiny, lenet);
//                                         --cpu: this thread's CPU time, not wall time (with --threads 1, under load)
// dotnet run -c Release --project bench -- conv [--rounds R]         Conv2D kernels on LeNet's shapes vs the bare GEMMs
// dotnet run -c Release --project bench -- train --backend managed   epoch times for bench/compare.sh
// dotnet run -c Release --project bench -- steps N [--optimizer O]  N Fit steps on synthetic data (callgrind counts)
// dotnet run -c Release --project bench -- micro [leading|first|jit|pieces|steps] pieces of a step (see Micro.cs)
// dotnet run -c Release --project bench -- has openblas               exit code 0 when that backend is available
// dotnet run -c Release --project bench -- [BenchmarkDotNet args]    the BenchmarkDotNet suite (e.g. --filter '*')
// Each command line has its profile, up to the first epoch's end: the first epoch of a second run does not wait for
// the JIT (bench/README.md).
if (!args.Contains("--no-jit-profile")) JitProfile.Start("bench " + string.Join(" ", args));
using var cutoff = FitObservers.Add(new JitProfileCutoff());   // the profile ends with the first epoch
var threads = Option(args, "--threads") is { } t ? int.Parse(t) : Backend.Threads;
switch (args.FirstOrDefault())
{
    case "gemm":   // [--backend NAME] [--shape INDEX]: one backend, one shape
        var backends = Option(args, "--backend") is { } only ? [Backend.Get(only)] : new GemmBackend?[] { Backend.Managed, Backend.OpenBlas }.OfType<GemmBackend>();
        GemmThroughput.Run(backends, threads, Option(args, "--shape") is { } shape ? int.Parse(shape) : null);
        break;
    case "ragged":   // ragged shapes against their aligned neighbours, back to back
        GemmThroughput.Ragged(Option(args, "--backend") is { } name ? Backend.Get(name) : Backend.Managed, threads);
        break;
    case "conv":   // [--backend NAME] [--rounds R]: conv kernels alternated with the bare GEMMs of the same products
        if (Option(args, "--backend") is { } cb) Backend.Use(cb);
        ConvThroughput.Run(threads, Option(args, "--rounds") is { } r ? int.Parse(r) : 3);
        break;
    case "train":
        return TrainMnist.Run(args);
    case "profile":   // time per phase of a training step
        if (Option(args, "--backend") is { } b) Backend.Use(b);
        Backend.Threads = threads;
        StepProfile.Run(Option(args, "--optimizer") ?? "sgd", cpu: args.Contains("--cpu"), modelName: Option(args, "--model") ?? "mlp");
        break;
    case "steps":   // N Fit steps on synthetic data, for instruction counts (callgrind)
        if (Option(args, "--backend") is { } backend) Backend.Use(backend);
        Backend.Threads = threads;
        StepCount.Run(int.Parse(args.ElementAtOrDefault(1) ?? "100"), StepProfile.Optimizers[Option(args, "--optimizer") ?? "sgd"]);
        break;
    case "micro":   // pieces of a step, alternatives alternated, in thread CPU time
        Micro.Run(args.ElementAtOrDefault(1) ?? "");
        break;
    case "has":   // exit code 0 when the named backend is available here
        try { Backend.Get(args.ElementAtOrDefault(1) ?? ""); return 0; }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException) { Console.Error.WriteLine(e.Message); return 1; }
    default:
        BenchmarkSwitcher.FromAssembly(typeof(GemmThroughput).Assembly).Run(args);
        break;
}
return 0;

static string? Option(string[] args, string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
