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
        // Stryker disable once Bitwise : equivalent; any buffer size (0 included: unbuffered) writes the same bytes
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1 << 16))
        {
            write(file);
            // Stryker disable once Boolean,Statement : equivalent; the dispose writes the bytes; only a power cut would tell
            file.Flush(flushToDisk: true);   // the data is on disk before the name points at it
        }
        File.Move(temporary, path, overwrite: true);
        // Stryker disable once Statement : equivalent; a rename not yet on disk shows only after a power cut (SyncFolder's own test pins it)
        SyncFolder(Path.GetDirectoryName(Path.GetFullPath(path))!);
    }

    // fsync on the folder makes the rename durable (POSIX: a directory entry is data of the directory). .NET cannot open a
    // folder as a stream, so through libc; elsewhere (Windows' MoveFileEx is durable with its write-through flag) skipped.
    // Whether the folder was flushed (false where skipped, or when it cannot be opened): what a test can see of it.
    internal static bool SyncFolder(string folder)
    {
        // Stryker disable once Boolean,Logical,Negate : macOS's operand is never evaluated on Linux, where the tests run
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return false;
        var fd = Native.Open(folder, 0 /* O_RDONLY */);
        // Stryker disable once Equality : equivalent; open(2) returns 0 only when standard input was closed, which no test can arrange
        if (fd < 0) return false;   // best effort: the file itself is already on disk
        var synced = Native.Fsync(fd) == 0;
        Native.Close(fd);
        return synced;
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
