using System.CommandLine;
using Nabla.Reporting;

namespace Nabla.ScriptHost.Commands;

/// <summary>
/// <c>nabla report RUN_DIR…</c> (draws each folder's report.html again from its files) and <c>nabla compare RUN_DIR…
/// [--out FILE]</c> (one page overlaying the runs' curves, default compare.html). Thin: the pages are
/// <see cref="RunReport"/> and <see cref="RunComparison"/>; these only read the arguments and say what they wrote.
/// </summary>
public static class ReportCommands
{
    /// <summary>The <c>report</c> subcommand.</summary>
    public static Command Report(HostContext host)
    {
        var folders = RunFolders("the run folders whose report.html to draw again");
        var command = new Command("report", "Draw a run folder's report.html again from its files.") { folders };
        command.SetAction(result =>
        {
            var code = 0;
            foreach (var folder in result.GetValue(folders) ?? [])
            {
                try { host.Console.Line($"report: {HostPaths.Display(RunReport.Write(folder))}"); }
                catch (Exception e) when (IsUserError(e))
                {
                    host.Console.Error.WriteLine($"nabla report: {e.Message}");
                    code = 1;
                }
            }
            return code;
        });
        return NablaCommandLine.Describe(command, "nabla report RUN_DIR [RUN_DIR ...]",
            "The page reads run.json, metrics.jsonl, evaluation.json and output.log: neither the model nor the data.");
    }

    /// <summary>The <c>compare</c> subcommand.</summary>
    public static Command Compare(HostContext host)
    {
        var folders = RunFolders("the run folders to compare, or sweep folders (nabla sweep --out): each stands for its runs");
        var output = new Option<string>("--out") { Description = "the page to write [default: compare.html]", HelpName = "FILE", DefaultValueFactory = _ => "compare.html" };
        var command = new Command("compare", "One page overlaying several runs' curves, with their settings and final figures.") { folders, output };
        command.SetAction(result =>
        {
            try
            {
                var list = (result.GetValue(folders) ?? []).SelectMany(Sweeps.SweepRecord.RunFolders).ToArray();
                host.Console.Line($"compare: {HostPaths.Display(RunComparison.Write(list, result.GetValue(output)!))} ({list.Length} runs)");
                return 0;
            }
            catch (Exception e) when (IsUserError(e))
            {
                host.Console.Error.WriteLine($"nabla compare: {e.Message}");
                return 1;
            }
        });
        return NablaCommandLine.Describe(command, "nabla compare RUN_DIR RUN_DIR [...] [--out FILE]",
            "Each run gets a colour (validation curves dashed); the table lists seeds, arguments, optimizers and final figures.\n" +
            "A sweep folder (it holds sweep.jsonl) stands for every run it lists: nabla compare sweeps/lr/all --out lr.html.");
    }

    static Argument<string[]> RunFolders(string description) =>
        new("RUN_DIR") { Description = description, Arity = ArgumentArity.OneOrMore };

    internal static bool IsUserError(Exception e) =>
        e is IOException or UnauthorizedAccessException or Data.DataFormatException or System.Text.Json.JsonException or ArgumentException;
}
