namespace Nabla.ScriptHost;

/// <summary>"Did you mean": the closest known name by edit distance, when it is close enough to be a typo.</summary>
public static class Spelling
{
    /// <summary>The candidate nearest <paramref name="name"/> within max(2, length/3) edits, or null.</summary>
    public static string? Closest(string name, IEnumerable<string> candidates) =>
        candidates.Select(c => (Candidate: c, Distance: Distance(c, name)))
            .Where(c => c.Distance <= Math.Max(2, name.Length / 3))
            .OrderBy(c => c.Distance)
            .Select(c => c.Candidate)
            .FirstOrDefault();

    // Levenshtein distance over one rolling row.
    static int Distance(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var diagonal = row[0];
            row[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var above = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                diagonal = above;
            }
        }
        return row[b.Length];
    }
}
