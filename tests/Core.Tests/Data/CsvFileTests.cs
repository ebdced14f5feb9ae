using System.Text;

namespace Nabla.Tests.Data;

/// <summary>What reading a CSV from disk adds to reading text: a missing file named, the file reported to a run's
/// watcher (run.json), and the encoding taken from the byte-order mark.</summary>
public sealed class CsvFileTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("nabla-csvfile-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void A_missing_file_is_named()
    {
        var path = Path.Combine(_dir, "missing.csv");
        var e = Assert.Throws<FileNotFoundException>(() => Csv.Read(path));
        Assert.Equal($"{path}: no such CSV file.", e.Message);
        Assert.Equal(path, e.FileName);
    }

    [Fact]
    public void A_file_read_is_reported_to_the_watcher_with_its_hash()
    {
        var path = Path.Combine(_dir, "seen.csv");
        File.WriteAllText(path, "label,a\n1,2\n0,3\n");
        var seen = new List<(string Path, string Sha)>();
        using (DataFiles.Watch((p, sha) => seen.Add((p, sha))))
        {
            Csv.Read(path);
            Csv.LoadClassification(path);
            Csv.LoadFeatures(path);
        }
        var sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(path)));
        Assert.Equal([(path, sha256), (path, sha256), (path, sha256)], seen);
    }

    [Fact]
    public void A_utf16_file_with_its_byte_order_mark_reads()
    {
        // Excel's "Unicode text" export: UTF-16 little-endian, opened by the mark FF FE.
        var path = Path.Combine(_dir, "utf16.csv");
        File.WriteAllText(path, "label,a\n1,2.5\n0,3\n", Encoding.Unicode);
        var data = Csv.LoadClassification(path);
        Assert.Equal([1, 0], data.Labels!);
        Assert.Equal([2.5f, 3f], data.Features);
    }
}
