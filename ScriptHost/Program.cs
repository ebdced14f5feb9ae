using System.Runtime.InteropServices;
using Nabla.Compute;
using Nabla.ScriptHost;

// A second run of a script compiles, on a background thread, the methods the first one needed (JitProfile): per script
// whatever its options, else per command. Up to the script's start a run that compiles it and one that loads it from
// the cache need different methods (Roslyn's, or not), so each kind has its own profile for that part; the host then
// switches to one profile of the script's run for both (NablaHost), which ends at the first epoch's end.
JitProfile.Start(args.FirstOrDefault(a => a.EndsWith(".csx", StringComparison.OrdinalIgnoreCase) && File.Exists(a)) is { } script
    ? $"host {Path.GetFullPath(script)} " + (!args.Contains("--no-cache") && new ScriptCache(ScriptCache.DefaultDirectory()).Holds(script) ? "cached" : "compiling")
    : $"host {args.FirstOrDefault()}");

// The first Ctrl+C, SIGTERM or SIGHUP (the terminal closed) cancels the run (training stops at the next batch, the run
// folder is finished, exit 130); a second one is left to the default handler, which ends the process at once.
using var cancellation = new CancellationTokenSource();
var signals = 0;
void OnSignal(PosixSignalContext context)
{
    if (Interlocked.Increment(ref signals) > 1) return;
    context.Cancel = true;
    cancellation.Cancel();
}
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
using var sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, OnSignal);

return await NablaHost.RunAsync(args, HostConsole.System(), cancellation.Token);
