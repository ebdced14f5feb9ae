namespace Nabla.ScriptHost.Sweeps;

/// <summary>
/// <c>nabla sweep --merge DIR… --out DIR</c>: shard folders of one sweep (their sweep.json agree on everything but the
/// shard index) become one sweep folder: every run folder copied in, sweep.jsonl by configuration number, sweep.json
/// without a shard. Runs that no shard holds are named, and make the merge incomplete.
/// </summary>
public static class SweepMerge
{
    /// <summary>Merges <paramref name="shards"/> into <paramref name="output"/>; the merged manifest, its records and the
    /// configuration numbers no shard ran.</summary>
    public static (SweepManifest Manifest, IReadOnlyList<SweepRecord> Records, IReadOnlyList<int> Missing) Merge(
        IReadOnlyList<string> shards, string output)
    {
        if (shards.Count == 0) throw new UsageException("--merge needs the shard folders: nabla sweep --merge DIR DIR … --out DIR.");
        var manifests = shards.Select(SweepManifest.Read).ToArray();
        for (var i = 1; i < shards.Count; i++)
            if (manifests[0].Difference(manifests[i]) is { } difference)
                throw new UsageException($"{shards[i]} is not a shard of the sweep in {shards[0]}: {difference}.");
        var fullOutput = Path.GetFullPath(output);
        if (shards.FirstOrDefault(s => Path.GetFullPath(s).TrimEnd('/') == fullOutput.TrimEnd('/')) is { } same)
            throw new UsageException($"--out {output} is one of the shards ({same}); merge into a new folder.");
        if (manifests.GroupBy(m => m.Shard.Index).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new UsageException($"shard {twice.Key} of {manifests[0].Shard.Count} is given twice.");

        var records = new Dictionary<int, (SweepRecord Record, string Shard)>();
        foreach (var shard in shards)
        {
            var path = Path.Combine(shard, SweepRecord.FileName);
            if (!File.Exists(path)) continue;   // a shard that ran nothing yet: its runs are reported missing
            foreach (var record in SweepRecord.ReadAll(path))
                if (!records.TryAdd(record.Index, (record, shard)))
                    throw new UsageException($"configuration {record.Index} is in both {records[record.Index].Shard} and {shard}.");
        }

        Directory.CreateDirectory(output);
        foreach (var (record, shard) in records.Values)
        {
            var run = record.Json.GetProperty("run").GetString()!;
            var source = Path.Combine(shard, run);
            if (Directory.Exists(source)) Copy(source, Path.Combine(output, run));
        }
        var manifest = manifests[0] with { Shard = new ShardInfo(0, 1, "merged"), MergedFrom = shards.Select(HostPaths.Display).ToArray() };
        manifest.Write(output);
        var merged = records.Values.Select(r => r.Record).OrderBy(r => r.Index).ToArray();
        SweepRecord.WriteAll(Path.Combine(output, SweepRecord.FileName), merged);
        var missing = Enumerable.Range(0, manifest.Configurations).Where(i => !records.ContainsKey(i)).ToArray();
        return (manifest, merged, missing);
    }

    static void Copy(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var file in Directory.EnumerateFiles(source)) File.Copy(file, Path.Combine(target, Path.GetFileName(file)), overwrite: true);
        foreach (var folder in Directory.EnumerateDirectories(source)) Copy(folder, Path.Combine(target, Path.GetFileName(folder)));
    }
}
