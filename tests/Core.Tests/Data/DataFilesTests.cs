namespace Nabla.Tests.Data;

/// <summary>DataFiles.Watch: watchers nest, each hears every file read while it is open, and none after it is disposed.</summary>
public sealed class DataFilesTests
{
    [Fact]
    public void Nested_watchers_both_hear_a_read_and_each_stops_when_disposed()
    {
        var path = TestSupport.DataPath("mnist", "SHA256SUMS");
        var sha = Checksums.Sha256(path);
        var (outer, inner) = (new List<string>(), new List<string>());
        using (DataFiles.Watch((file, hash) => outer.Add($"{file} {hash}")))
        {
            using (DataFiles.Watch((file, hash) => inner.Add($"{file} {hash}")))
                DataFiles.Report(path);
            DataFiles.Report(path, "given");   // a known hash is passed on
        }
        DataFiles.Report(path);
        Assert.Equal([$"{path} {sha}", $"{path} given"], outer);
        Assert.Equal([$"{path} {sha}"], inner);
    }
}
