using Nabla.ScriptHost.Commands;

namespace Nabla.ScriptHost;

/// <summary>The host's own options, which come before the script path; everything after the path is the script's.
/// Checkpoints: every epoch, and every <see cref="CheckpointSteps"/> steps when positive. <see cref="Resume"/>: the run
/// folder of a run to continue (then nothing else is given; see <see cref="RunFolder.ResumeOptions"/>).</summary>
public sealed record HostOptions(string? Script, IReadOnlyList<string> ScriptArgs, long Seed = 0, string? Out = null,
    bool NoCache = false, int? Threads = null, string? Backend = null, long CheckpointSteps = 0, string? Resume = null)
{
    /// <summary>Splits <paramref name="args"/> (what follows <c>nabla</c> or <c>nabla run</c>) at the script path, with
    /// the grammar of <see cref="RunCommand"/>; throws <see cref="UsageException"/> on a mistake.</summary>
    public static HostOptions Parse(IReadOnlyList<string> args)
    {
        var run = new RunCommand();
        var command = run.Attach(new System.CommandLine.Command("nabla"));
        var result = command.Parse(args);
        if (result.Errors.Count > 0) throw new UsageException(string.Join(" ", result.Errors.Select(e => e.Message)));
        return run.Read(result);
    }
}
