namespace Nabla.ScriptHost.Commands;

/// <summary>What every command's action gets besides its parse result: the console, the whole command line as typed
/// (run.json records it) and the script cache folder (null: <see cref="ScriptCache.DefaultDirectory"/>).</summary>
public sealed record HostContext(HostConsole Console, IReadOnlyList<string> CommandLine, string? CacheDirectory);
