namespace Nabla.Data;

/// <summary>
/// The datasets that ship with Nabla (<c>mnist</c>, <c>fashion-mnist</c>): the installed <c>nabla</c> tool carries them
/// in data/ beside its program; a program built inside Nabla's repository finds the repository's data/ above its bin
/// folder. A program that references the Nabla.Core package alone has none, and passes a folder instead.
/// </summary>
public static class ShippedData
{
    /// <summary>The folder of the shipped dataset <paramref name="name"/>: data/NAME beside the running program, else
    /// in the nearest folder above it that has one (a file SHA256SUMS marks it).</summary>
    public static string Folder(string name)
    {
        var start = AppContext.BaseDirectory;
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "data", name);
            if (File.Exists(Path.Combine(candidate, "SHA256SUMS"))) return candidate;
        }
        throw new DirectoryNotFoundException(
            $"{name} is not shipped with this program (no data/{name} beside {start} or above it): pass its folder, " +
            $"as in Mnist.Load(\"path/to/{name}\"). The nabla tool and builds inside Nabla's repository carry it.");
    }
}
