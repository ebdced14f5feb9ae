using System.Diagnostics;

namespace Nabla.ScriptHost.Tests;

/// <summary>What a host run printed and returned.</summary>
public sealed record HostRun(int ExitCode, string Output, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Output}\n--- stderr\n{Error}";
}

/// <summary>Runs the host in-process (fast: Roslyn stays warm) or as the built program (for signals and the real console).</summary>
public static class Host
{
    /// <summary>The repository root (where Solution.sln is), found upward from the test binaries.</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>Runs the host's entry point with plain output captured; <paramref name="cancel"/> plays Ctrl+C.</summary>
    public static async Task<HostRun> InProcess(string cacheDirectory, IReadOnlyList<string> args,
        CancellationToken cancel = default, Action<string>? onLine = null)
    {
        var output = new LineWriter(onLine);
        var error = new StringWriter();
        var code = await NablaHost.RunAsync(args, new HostConsole(output, error, plain: true), cancel, cacheDirectory);
        return new HostRun(code, output.ToString(), error.ToString());
    }

    /// <summary>Starts the built program (<c>dotnet nabla.dll</c>) with output redirected.</summary>
    public static Process Start(string workingDirectory, string cacheDirectory, params string[] args) =>
        StartProgram(typeof(NablaHost).Assembly.Location, workingDirectory, cacheDirectory, args);

    /// <summary>The launcher at the repository root (Solution.csproj, what <c>dotnet run</c> there runs), built in the
    /// configuration of these tests.</summary>
    public static string Launcher { get; } = LauncherPath();

    /// <summary>Starts <c>dotnet <paramref name="program"/></c> with output redirected.</summary>
    public static Process StartProgram(string program, string workingDirectory, string cacheDirectory, params string[] args) =>
        StartProgram(program, workingDirectory, cacheDirectory, new Dictionary<string, string>(), args);

    /// <summary>Starts <c>dotnet <paramref name="program"/></c> with output redirected and <paramref name="environment"/> added.</summary>
    public static Process StartProgram(string program, string workingDirectory, string cacheDirectory, IReadOnlyDictionary<string, string> environment,
        params string[] args)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(program);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["NABLA_CACHE"] = cacheDirectory;
        start.Environment["TERM"] = "xterm-256color";   // redirected output must be plain even on a colour terminal
        start.Environment.Remove("CI");
        foreach (var (name, value) in environment) start.Environment[name] = value;
        return Process.Start(start)!;
    }

    /// <summary>Runs the built program to its end (at most <paramref name="timeoutSeconds"/>).</summary>
    public static Task<HostRun> OutOfProcess(string workingDirectory, string cacheDirectory, int timeoutSeconds, params string[] args) =>
        RunProgram(typeof(NablaHost).Assembly.Location, workingDirectory, cacheDirectory, timeoutSeconds, args);

    /// <summary>Runs <c>dotnet <paramref name="program"/></c> to its end (at most <paramref name="timeoutSeconds"/>).</summary>
    public static Task<HostRun> RunProgram(string program, string workingDirectory, string cacheDirectory, int timeoutSeconds, params string[] args) =>
        RunProgram(program, workingDirectory, cacheDirectory, timeoutSeconds, new Dictionary<string, string>(), args);

    /// <summary>Runs <c>dotnet <paramref name="program"/></c> with <paramref name="environment"/> added, to its end.</summary>
    public static async Task<HostRun> RunProgram(string program, string workingDirectory, string cacheDirectory, int timeoutSeconds,
        IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        using var process = StartProgram(program, workingDirectory, cacheDirectory, environment, args);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(timeoutSeconds));
        try { await process.WaitForExitAsync(timeout.Token); }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"nabla {string.Join(' ', args)} ran longer than {timeoutSeconds} s.");
        }
        return new HostRun(process.ExitCode, await output, await error);
    }

    /// <summary>A fresh folder under the system temp folder.</summary>
    public static string TempFolder(string name)
    {
        var path = Path.Combine(Path.GetTempPath(), "nabla-host-tests", $"{name}-{Guid.NewGuid():N}"[..(name.Length + 9)]);
        Directory.CreateDirectory(path);
        return path;
    }

    // tests/ScriptHost.Tests/bin/<configuration>/<framework>/ → bin/<configuration>/<framework>/ at the root.
    static string LauncherPath()
    {
        var framework = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory));
        return Path.Combine(RepoRoot, "bin", framework.Parent!.Name, framework.Name, "nabla-launcher.dll");
    }

    static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Solution.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException($"No Solution.sln above {AppContext.BaseDirectory}.");
    }

    // Collects output and reports each complete line, so a test can act on "epoch 1/…" as it appears.
    sealed class LineWriter(Action<string>? onLine) : StringWriter
    {
        public override void WriteLine(string? value)
        {
            base.WriteLine(value);
            onLine?.Invoke(value ?? "");
        }
    }
}

/// <summary>A temp folder with a script cache, shared by the tests of one class (so each script compiles once).</summary>
public sealed class HostFolder : IDisposable
{
    public string Path { get; } = Host.TempFolder("host");
    public string Cache => System.IO.Path.Combine(Path, "cache");

    /// <summary>Writes <paramref name="text"/> to <paramref name="name"/> in the folder; returns its full path.</summary>
    public string Write(string name, string text)
    {
        var file = System.IO.Path.Combine(Path, name);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(file)!);
        File.WriteAllText(file, text);
        return file;
    }

    /// <summary>A fresh run folder path (not created).</summary>
    public string NewRunFolder() => System.IO.Path.Combine(Path, "runs", Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { }   // a leftover temp folder is not a test failure
    }
}
