using System.Runtime.InteropServices;

namespace Nabla.Compute;

/// <summary>Arrays a training run reads at random, such as a dataset's features, backed by 2 MB pages where Linux
/// gives them: a batch gathers 64 rows from anywhere in 188 MB of MNIST, and with 4 KB pages nearly every row costs a
/// page-table walk (`bench profile`, alternated with the build before: the MLP's gather 39–40 µs against 43–44). The array is asked for huge
/// pages before anything is written to it, so the kernel maps them as it first touches each one, at no extra cost.</summary>
static partial class LargeArrays
{
    const long HugePage = 2 << 20;
    const int MadvHugePage = 14;   // MADV_HUGEPAGE, Linux

    /// <summary>A new array of <paramref name="length"/> elements whose contents the caller overwrites in full.</summary>
    public static unsafe T[] Uninitialized<T>(int length) where T : unmanaged
    {
        var array = GC.AllocateUninitializedArray<T>(length);
        if (!OperatingSystem.IsLinux()) return array;
        fixed (T* start = array)
        {
            // Only whole 2 MB pages inside the array: the advice must not reach memory the array does not own.
            var (first, end) = (((long)start + HugePage - 1) & ~(HugePage - 1), ((long)start + (long)length * sizeof(T)) & ~(HugePage - 1));
            // Stryker disable once Equality : equivalent; advice over 0 bytes changes nothing
            if (end > first) _ = MAdvise((nint)first, (nuint)(end - first), MadvHugePage);   // only advice: refused (THP off), nothing changes
        }
        return array;
    }

    [LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int MAdvise(nint address, nuint length, int advice);
}
