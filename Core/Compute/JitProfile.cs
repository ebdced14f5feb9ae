using System.Runtime;
using System.Security.Cryptography;
using System.Text;

namespace Nabla.Compute;

/// <summary>
/// .NET's multicore JIT for a program built on Nabla: a run records which methods it compiled, and the next run of the
/// same command compiles them on a background thread from its first instant, while the main thread reads the script
/// and the data. The first epoch then runs compiled code instead of waiting for the JIT (MNIST MLP: 1.7–1.9× a
/// steady epoch without a profile, 1.0–1.3× with one; bench/compare.sh, figures in bench/README.md). The host and the benchmarks call <see cref="Start"/>
/// first thing; a library never should (the profile is the program's).
/// </summary>
public static class JitProfile
{
    /// <summary>The profile folder: $NABLA_CACHE/jit, else $XDG_CACHE_HOME/nabla/jit, else ~/.cache/nabla/jit.</summary>
    public static string DefaultFolder()
    {
        if (Environment.GetEnvironmentVariable("NABLA_CACHE") is { Length: > 0 } cache) return Path.Combine(cache, "jit");
        var root = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
            ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(root, "nabla", "jit");
    }

    /// <summary>True once <see cref="Start"/> (or <see cref="Switch"/>) found a profile an earlier run recorded: this run
    /// replays it.</summary>
    public static bool Replaying { get; private set; }

    static string? root;   // the folder Start set up; null until then

    /// <summary>Records (and, from the second run on, replays) the profile of <paramref name="command"/>, e.g. the
    /// program and its script's full path: one profile per command. Returns the profile's path, or null when the folder
    /// cannot be created (a read-only home): the program then runs as it would without.</summary>
    public static string? Start(string command, string? folder = null)
    {
        folder ??= DefaultFolder();
        try { Directory.CreateDirectory(folder); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
        ProfileOptimization.SetProfileRoot(folder);
        root ??= folder;   // the runtime keeps the first folder a process gives
        var path = Path.Combine(root, FileName(command));
        Replaying = File.Exists(path);
        ProfileOptimization.StartProfile(Path.GetFileName(path));   // replays the file if there is one; writes it anew as the process ends
        return path;
    }

    /// <summary>Ends the current profile (written now, with what was compiled so far) and goes on with the profile of
    /// <paramref name="command"/>, replayed if an earlier run recorded it: for a program whose phases need different
    /// methods, such as the host (its start-up and, for a script not in the cache, Roslyn; then the script's run, the
    /// same whether it was compiled or loaded). Does nothing, and returns null, unless <see cref="Start"/> was called.</summary>
    public static string? Switch(string command)
    {
        if (root is null) return null;
        var path = Path.Combine(root, FileName(command));
        Replaying = File.Exists(path);
        ProfileOptimization.StartProfile(Path.GetFileName(path));
        return path;
    }

    // A hash, not the command itself: a script's path may hold characters no file name can.
    static string FileName(string command) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(command)).AsSpan(0, 8)) + ".jitprofile";

    /// <summary>Ends the recording: the profile is written now, with the methods compiled so far, and later ones are
    /// left out of it (Nabla.Training's <c>JitProfileCutoff</c> calls this at the first epoch's end). Does nothing
    /// when no profile was started.</summary>
    public static void Stop() => ProfileOptimization.StartProfile(null);
}
