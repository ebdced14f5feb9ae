namespace Nabla.Data;

/// <summary>Tells a watcher which data files the loaders read in this async flow, with their SHA-256, so a run
/// manifest (the script host's run.json) can record exactly the data a run saw. Only watches: it changes nothing.</summary>
public static class DataFiles
{
    static readonly AsyncLocal<Action<string, string>?> current = new();

    /// <summary>Calls <paramref name="onRead"/>(full path, sha256) for every data file read in the current async flow
    /// until the result is disposed.</summary>
    public static IDisposable Watch(Action<string, string> onRead)
    {
        var before = current.Value;
        current.Value = before is null ? onRead : (path, sha) => { before(path, sha); onRead(path, sha); };
        return new Restore(() => current.Value = before);
    }

    /// <summary>Reports a file a loader read; hashes it only when someone watches and no hash is known.</summary>
    internal static void Report(string path, string? sha256 = null)
    {
        if (current.Value is { } watcher) watcher(Path.GetFullPath(path), sha256 ?? Checksums.Sha256(path));
    }

    sealed class Restore(Action undo) : IDisposable
    {
        public void Dispose() => undo();
    }
}
