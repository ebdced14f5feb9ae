using System.Diagnostics;
using System.Globalization;
using Nabla.Reporting;

namespace Nabla.Tests.Reporting;

/// <summary>A run folder's status read back: a manifest left at "running" by a process that is gone is "interrupted"
/// (issue 11: a run killed with SIGKILL stayed "running" forever).</summary>
public sealed class RunStatusTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("nabla-status-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    string Status(string status, int? pid, DateTimeOffset? start, string? host = null)
    {
        var folder = Path.Combine(_dir, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "run.json"), $$"""
            {"script": "x.csx", {{(pid is { } p ? $"\"pid\": {p}, " : "")}}"host": "{{host ?? Environment.MachineName}}",
             {{(start is { } s ? $"\"start_time\": \"{s.ToString("o", CultureInfo.InvariantCulture)}\", " : "")}}"status": "{{status}}"}
            """);
        return RunRecord.Read(folder).Status;
    }

    static int ExitedProcessId()
    {
        using var process = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        process.WaitForExit();
        return process.Id;
    }

    [Fact]
    public void Running_while_its_process_lives_interrupted_once_it_is_gone()
    {
        var self = Environment.ProcessId;
        var started = new DateTimeOffset(Process.GetCurrentProcess().StartTime);
        Assert.Equal("running", Status("running", self, started.AddSeconds(5)));
        Assert.Equal("interrupted", Status("running", ExitedProcessId(), DateTimeOffset.Now));
        // The id now belongs to a process that started after the run did: another program, so the run is gone.
        Assert.Equal("interrupted", Status("running", self, started.AddHours(-1)));
    }

    [Fact]
    public void Finished_runs_and_runs_that_cannot_be_checked_keep_their_status()
    {
        Assert.Equal("completed", Status("completed", ExitedProcessId(), DateTimeOffset.Now));
        Assert.Equal("cancelled", Status("cancelled", null, DateTimeOffset.Now));
        Assert.Equal("running", Status("running", null, DateTimeOffset.Now));                                  // an older manifest: no pid
        Assert.Equal("running", Status("running", ExitedProcessId(), DateTimeOffset.Now, host: "another-machine"));   // not ours to look at
        Assert.Equal("interrupted", Status("running", ExitedProcessId(), DateTimeOffset.Now, host: ""));   // no host named: this one's processes are checked
        Assert.Equal("running", Status("running", Environment.ProcessId, null));   // alive, and no start time to compare with
    }
}
