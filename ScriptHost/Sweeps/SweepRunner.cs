using System.Diagnostics;
using System.Runtime.InteropServices;
using Nabla.ScriptHost.Commands;

namespace Nabla.ScriptHost.Sweeps;

/// <summary>
/// Runs a sweep's configurations as child processes of this very program (<c>nabla [host options] --out RUN SCRIPT
/// [script arguments] --name=value …</c>), <c>parallel</c> at a time, each in its own run folder, and appends a
/// <see cref="SweepRecord"/> to sweep.jsonl as each one ends.
/// <para>Cancellation: on the first Ctrl+C or SIGTERM no further run starts, and a running child that did not get the
/// signal itself (a terminal signals the whole process group, Slurm the whole job step, but Kubernetes only the
/// container's first process) is sent SIGTERM after a second, so it stops at its next batch and finishes its run folder;
/// a second signal to the sweep stops every child at once (SIGKILL), as a second Ctrl+C stops a single run.</para>
/// </summary>
public sealed class SweepRunner(HostContext host, string folder, int parallel, Func<Configuration, IReadOnlyList<string>> arguments)
{
    readonly Lock _gate = new();
    readonly List<Process> _running = [];

    /// <summary>Runs <paramref name="configurations"/>; the records of those that started, by configuration number.</summary>
    public async Task<IReadOnlyList<SweepRecord>> RunAsync(IReadOnlyList<Configuration> configurations, Action<SweepRecord, Configuration> ended,
        CancellationToken cancellation)
    {
        var signals = 0;
        void OnSignal(PosixSignalContext context)
        {
            // The second one ends this process at once (Program.cs leaves it to the default handler): the children too.
            // SIGKILL, because a child that got only the first signal from here would take a second SIGTERM as its first.
            if (Interlocked.Increment(ref signals) > 1) Signal(Running(), 9);
        }
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);

        var records = new List<SweepRecord>();
        var pending = new Queue<Configuration>(configurations);
        var running = new Dictionary<Task<SweepRecord>, Configuration>();
        while (true)
        {
            while (running.Count < parallel && pending.Count > 0 && !cancellation.IsCancellationRequested)
            {
                var configuration = pending.Dequeue();
                running.Add(RunOneAsync(configuration, cancellation), configuration);
            }
            if (running.Count == 0) break;
            var done = await Task.WhenAny(running.Keys);
            var record = await done;
            var endedConfiguration = running[done];
            running.Remove(done);
            records.Add(record);
            File.AppendAllLines(Path.Combine(folder, SweepRecord.FileName), [record.Line]);   // a killed sweep keeps what ended
            ended(record, endedConfiguration);
        }
        return records.OrderBy(r => r.Index).ToArray();
    }

    async Task<SweepRecord> RunOneAsync(Configuration configuration, CancellationToken cancellation)
    {
        var runFolder = Path.Combine(folder, configuration.FolderName);
        var clock = Stopwatch.StartNew();
        var (program, prefix) = Self();
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in prefix.Concat(arguments(configuration))) start.ArgumentList.Add(arg);
        if (host.CacheDirectory is { } cache) start.Environment["NABLA_CACHE"] = cache;

        Process process;
        try { process = Process.Start(start)!; }
        catch (System.ComponentModel.Win32Exception e)
        {
            return SweepRecord.From(configuration, runFolder, 1, clock.Elapsed.TotalSeconds, $"could not start {program}: {e.Message}");
        }
        using var child = process;
        var cancelling = new TaskCompletionSource();   // the child printed that it is cancelling: it got the signal itself
        var errors = new Queue<string>();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data?.StartsWith("nabla: cancelling", StringComparison.Ordinal) == true) cancelling.TrySetResult();
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (errors)
            {
                errors.Enqueue(e.Data);
                if (errors.Count > 3) errors.Dequeue();
            }
        };
        process.BeginOutputReadLine();   // the child keeps its own output.log; here only to drain the pipes
        process.BeginErrorReadLine();
        lock (_gate) _running.Add(process);
        using var stop = cancellation.Register(() => _ = StopAsync(process, cancelling.Task));
        await process.WaitForExitAsync(CancellationToken.None);   // a cancelled child still finishes its run folder
        lock (_gate) _running.Remove(process);
        string? error = null;
        if (process.ExitCode != 0 && !File.Exists(Path.Combine(runFolder, "run.json")))
            lock (errors) error = string.Join(" | ", errors);   // it never got as far as a run folder (a usage error)
        return SweepRecord.From(configuration, runFolder, process.ExitCode, clock.Elapsed.TotalSeconds, error);
    }

    static async Task StopAsync(Process process, Task cancelling)
    {
        await Task.WhenAny(cancelling, Task.Delay(TimeSpan.FromSeconds(1)));
        if (!cancelling.IsCompleted) Signal([process], 15);
    }

    Process[] Running()
    {
        lock (_gate) return _running.ToArray();
    }

    static void Signal(IEnumerable<Process> processes, int signal)
    {
        foreach (var process in processes)
        {
            try
            {
                if (process.HasExited) continue;
                if (OperatingSystem.IsWindows()) process.Kill(entireProcessTree: true);
                else _ = kill(process.Id, signal);
            }
            catch (InvalidOperationException) { }   // it ended meanwhile
        }
    }

    /// <summary>How to start this program again: the nabla apphost (the installed tool) directly, else
    /// <c>dotnet nabla.dll</c> (dotnet run, the launcher, the test host).</summary>
    static (string Program, string[] Prefix) Self()
    {
        var process = Environment.ProcessPath;
        var name = process is null ? null : Path.GetFileNameWithoutExtension(process);
        if (name == "nabla") return (process!, []);
        var dotnet = name == "dotnet" ? process! : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        return (dotnet, [typeof(NablaHost).Assembly.Location]);
    }

    [DllImport("libc", SetLastError = true)]
    static extern int kill(int pid, int signal);
}
