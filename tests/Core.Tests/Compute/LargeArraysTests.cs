using System.Globalization;

namespace Nabla.Tests.Compute;

/// <summary>A dataset's features are asked for 2 MB pages (MADV_HUGEPAGE) before they are written; small arrays are not.</summary>
public class LargeArraysTests
{
    [Fact]
    public unsafe void A_large_array_s_memory_is_advised_huge_pages_on_Linux()
    {
        var array = LargeArrays.Uninitialized<float>(8 << 20);   // 32 MB
        Assert.Equal(8 << 20, array.Length);
        if (!OperatingSystem.IsLinux()) return;
        fixed (float* p = array)
        {
            var inside = ((long)p + (4 << 20)) & ~((2L << 20) - 1);   // a 2 MB boundary well inside the array
            Assert.Contains("hg", FlagsOf(inside));
        }
        var small = LargeArrays.Uninitialized<float>(1 << 18);   // 1 MB: no whole huge page to ask for
        fixed (float* p = small) Assert.DoesNotContain("hg", FlagsOf((long)p));
        GC.KeepAlive(array);
    }

    // The VmFlags of the mapping that holds address (/proc/self/smaps): "hg" marks memory advised MADV_HUGEPAGE.
    static string[] FlagsOf(long address)
    {
        var inside = false;
        foreach (var line in File.ReadLines("/proc/self/smaps"))
        {
            var dash = line.IndexOf('-');
            if (dash > 0 && line.IndexOf(' ') > dash && long.TryParse(line[..dash], NumberStyles.HexNumber, null, out var start)
                && long.TryParse(line[(dash + 1)..line.IndexOf(' ')], NumberStyles.HexNumber, null, out var end))
                inside = start <= address && address < end;
            else if (inside && line.StartsWith("VmFlags:", StringComparison.Ordinal))
                return line["VmFlags:".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        }
        throw new InvalidOperationException($"no mapping holds 0x{address:x}");
    }
}
