namespace Nabla.ScriptHost;

/// <summary>Paths as the user typed them: relative to the current folder when inside it, else absolute.</summary>
public static class HostPaths
{
    /// <summary><paramref name="path"/> relative to the current folder when it lies inside it.</summary>
    public static string Display(string path)
    {
        var full = Path.GetFullPath(path);
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, full);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? full : relative;
    }
}
