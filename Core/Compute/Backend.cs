using System.Runtime.CompilerServices;
using MathNet.Numerics.Providers.LinearAlgebra;

namespace Nabla.Compute;

/// <summary>
/// The matrix-product backend in force: "openblas" (the system's OpenBLAS, when installed) or "managed" (Nabla's
/// own SIMD GEMM). Chosen when Nabla loads: $NABLA_BACKEND if set, else OpenBLAS when it loads, else managed; forced
/// with <see cref="Use"/> (the host's <c>--backend</c>) or, for one async flow, <see cref="Using(GemmBackend, int?)"/>. Every MathNet
/// float/double product goes through it, so all of Core and every script use it without knowing.
/// </summary>
public static class Backend
{
    static readonly Lazy<OpenBlasBackend?> openBlas = new(() => OpenBlasBackend.TryLoad());
    static readonly AsyncLocal<(GemmBackend? Backend, int? Threads)> scope = new();
    static GemmBackend? chosen;
    static int threads = FromEnvironment("NABLA_THREADS") ?? Environment.ProcessorCount;

    /// <summary>The backend names <see cref="Use"/> takes.</summary>
    public static IReadOnlyList<string> Names { get; } = ["managed", "openblas"];

    /// <summary>Nabla's managed GEMM with the widest SIMD kernel this CPU runs.</summary>
    public static ManagedGemmBackend Managed { get; } = new();

    /// <summary>The system's OpenBLAS, or null when it is not installed.</summary>
    public static OpenBlasBackend? OpenBlas => openBlas.Value;

    /// <summary>The backend products use now (a <see cref="Using(GemmBackend, int?)"/> scope's, else the process-wide one).</summary>
    public static GemmBackend Current => scope.Value.Backend ?? (chosen ??= Default());

    /// <summary>Threads a product may use (default: $NABLA_THREADS or the processor count; more than the processor count
    /// run as that many). Results do not depend on it.</summary>
    public static int Threads
    {
        get => scope.Value.Threads ?? threads;
        set => threads = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(Threads), value, "Backend.Threads must be ≥ 1.");
    }

    /// <summary>One line for run headers and manifests: the backend, its library or kernel, and the thread count.</summary>
    public static string Description => $"{Current.Description}, {Threads} thread{(Threads == 1 ? "" : "s")}";

    /// <summary>The backend called <paramref name="name"/> ("managed" or "openblas"); throws, saying what to do, when
    /// the name is unknown or OpenBLAS is not installed.</summary>
    public static GemmBackend Get(string name) => name.Trim().ToLowerInvariant() switch
    {
        "managed" => Managed,
        "openblas" => OpenBlas ?? throw new InvalidOperationException(
            "Backend 'openblas': no OpenBLAS library found (looked for " + string.Join(", ", OpenBlasBackend.Candidates) +
            "). Install it (Debian/Ubuntu: sudo apt-get install libopenblas0-pthread), set NABLA_OPENBLAS to its path, or use 'managed'."),
        "auto" or "" => OpenBlas ?? (GemmBackend)Managed,
        _ => throw new ArgumentException($"Unknown backend '{name}': use one of {string.Join(", ", Names)} (or auto).", nameof(name)),
    };

    /// <summary>Makes <paramref name="name"/> the process-wide backend (the host's --backend) and returns it.</summary>
    public static GemmBackend Use(string name)
    {
        chosen = Get(name);
        Install();
        return chosen;
    }

    /// <summary>Runs this async flow's products on <paramref name="backend"/> with <paramref name="threadCount"/> threads
    /// until disposed; other flows are unaffected (tests compare backends side by side this way).</summary>
    public static IDisposable Using(GemmBackend backend, int? threadCount = null)
    {
        if (threadCount is < 1) throw new ArgumentOutOfRangeException(nameof(threadCount), threadCount, "Backend.Using: threads must be ≥ 1.");
        var before = scope.Value;
        scope.Value = (backend, threadCount ?? before.Threads);
        Install();
        return new Restore(() => scope.Value = before);
    }

    /// <summary><see cref="Using(GemmBackend, int?)"/> by name.</summary>
    public static IDisposable Using(string name, int? threadCount = null) => Using(Get(name), threadCount);

    static GemmBackend Default()
    {
        var name = Environment.GetEnvironmentVariable("NABLA_BACKEND");
        try { return Get(name ?? "auto"); }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            throw new InvalidOperationException($"NABLA_BACKEND={name}: {e.Message}", e);
        }
    }

    static int? FromEnvironment(string variable) =>
        int.TryParse(Environment.GetEnvironmentVariable(variable), out var n) && n >= 1 ? n : null;

    /// <summary>Routes MathNet's products through Nabla. Runs when Core loads; <see cref="Use"/> repeats it in case
    /// something replaced MathNet's provider since.</summary>
#pragma warning disable CA2255 // Deliberate: the backend must be in place before the first product, whoever makes it.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Install()
    {
        if (!ReferenceEquals(LinearAlgebraControl.Provider, NablaProvider.Instance))
            LinearAlgebraControl.Provider = NablaProvider.Instance;
    }

    sealed class Restore(Action undo) : IDisposable
    {
        public void Dispose() => undo();
    }
}
