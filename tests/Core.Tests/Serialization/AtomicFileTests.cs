using Nabla.Serialization;

namespace Nabla.Tests.Serialization;

/// <summary>AtomicFile replaces a file through path.tmp, leaves no temporary file and no open descriptor behind, and flushes
/// the folder (on Linux, where the suite runs).</summary>
public sealed class AtomicFileTests : IDisposable
{
    readonly string _folder = Directory.CreateTempSubdirectory("nabla-atomic-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void It_writes_through_the_temporary_file_then_replaces_the_old_file_whole()
    {
        var path = Path.Combine(_folder, "a.bin");
        File.WriteAllBytes(path, [9, 9, 9, 9, 9]);
        AtomicFile.Write(path, stream =>
        {
            Assert.Equal(path + ".tmp", ((FileStream)stream).Name);
            Assert.Equal([9, 9, 9, 9, 9], File.ReadAllBytes(path));   // the old file is whole while the new one is written
            stream.Write([1, 2, 3]);
        });
        Assert.Equal([1, 2, 3], File.ReadAllBytes(path));
        Assert.False(File.Exists(path + AtomicFile.TemporarySuffix));
    }

    [Fact]
    public void The_folder_is_flushed_and_its_descriptor_closed()
    {
        if (!OperatingSystem.IsLinux()) return;   // /proc/self/fd is Linux's
        Assert.True(AtomicFile.SyncFolder(_folder));
        Assert.False(AtomicFile.SyncFolder(Path.Combine(_folder, "missing")));
        AtomicFile.Write(Path.Combine(_folder, "b.bin"), stream => stream.WriteByte(1));
        // No descriptor of this process is left on the folder (other tests' files may be open meanwhile: only ours count).
        var open = new DirectoryInfo("/proc/self/fd").GetFileSystemInfos().Select(fd => { try { return fd.LinkTarget; } catch (IOException) { return null; } });
        Assert.DoesNotContain(_folder, open);
    }
}
