using System.Security.Cryptography;

namespace Nabla.Data;

/// <summary>SHA-256 checks against a SHA256SUMS file ("&lt;hex&gt;  &lt;file name&gt;" per line, as sha256sum writes).</summary>
public static class Checksums
{
    /// <summary>Lowercase hex SHA-256 of a file.</summary>
    public static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>Verifies <paramref name="path"/> against its line in the SHA256SUMS beside it, if that file lists it;
    /// returns the hash. A mismatch raises an error that names the file and both hashes.</summary>
    public static string Verify(string path)
    {
        var actual = Sha256(path);
        var sums = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!, "SHA256SUMS");
        if (!File.Exists(sums)) return actual;
        var name = System.IO.Path.GetFileName(path);
        foreach (var line in File.ReadLines(sums))
        {
            var parts = line.Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 2 && parts[1].TrimStart('*').Trim() == name && !parts[0].Equals(actual, StringComparison.OrdinalIgnoreCase))
                throw new InvalidDataException(
                    $"{path}: checksum mismatch: SHA256SUMS says {parts[0]}, the file hashes to {actual}. The file is corrupt or was replaced; restore it (git checkout -- {path}).");
        }
        return actual;
    }
}
