using System.Runtime.InteropServices;

namespace Nabla.Serialization;

/// <summary>
/// A file replaced all at once: written to <c>path.tmp</c> in the same folder, flushed to disk (fsync), renamed over
/// <c>path</c> (rename(2) is atomic: a reader sees the old file or the new, never a mix), then the folder is flushed so the
/// rename itself is durable. A process killed at any moment leaves the previous file whole, plus at most a partial .tmp.
/// </summary>
public static partial class AtomicFile
{
    /// <summary>The suffix of a file being written.</summary>
    public const string TemporarySuffix = ".tmp";

    /// <summary>Replaces <paramref name="path"/> with what <paramref name="write"/> writes into the stream it is given.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        var temporary = path + TemporarySuffix;
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1 << 16))
        {
            write(file);
            file.Flush(flushToDisk: true);   // the data is on disk before the name points at it
        }
        File.Move(temporary, path, overwrite: true);
        SyncFolder(Path.GetDirectoryName(Path.GetFullPath(path))!);
    }

    // fsync on the folder makes the rename durable (POSIX: a directory entry is data of the directory). .NET cannot open a
    // folder as a stream, so through libc; elsewhere (Windows' MoveFileEx is durable with its write-through flag) skipped.
    static void SyncFolder(string folder)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return;
        var fd = Native.Open(folder, 0 /* O_RDONLY */);
        if (fd < 0) return;   // best effort: the file itself is already on disk
        Native.Fsync(fd);
        Native.Close(fd);
    }

    static partial class Native
    {
        [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int Open(string path, int flags);

        [LibraryImport("libc", EntryPoint = "fsync")]
        internal static partial int Fsync(int fd);

        [LibraryImport("libc", EntryPoint = "close")]
        internal static partial int Close(int fd);
    }
}
