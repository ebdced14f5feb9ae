using System.Globalization;

namespace Nabla.ScriptHost.Sweeps;

/// <summary>
/// One of N disjoint slices of a grid. Shard I of N runs configurations I, I+N, I+2N, … (interleaved, so that every shard
/// gets its share of each region of the grid, whose first axis varies slowest). I counts from 0, as Slurm's
/// SLURM_ARRAY_TASK_ID does for <c>--array=0-(N-1)</c> and Kubernetes' JOB_COMPLETION_INDEX does for an Indexed Job.
/// </summary>
public sealed record Shard(int Index, int Count, string Source)
{
    /// <summary>The whole grid in one process.</summary>
    public static Shard All { get; } = new(0, 1, "no shard");

    /// <summary>True when configuration <paramref name="configuration"/> belongs to this shard.</summary>
    public bool Contains(int configuration) => configuration % Count == Index;

    /// <summary>Parses <c>I/N</c> (0 ≤ I &lt; N).</summary>
    public static Shard Parse(string text, string source)
    {
        var parts = text.Split('/');
        if (parts.Length != 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count < 1)
            throw new UsageException($"{source} {text}: expected I/N, shard I (from 0) of N, as in --shard 0/4.");
        if (index >= count)
            throw new UsageException($"{source} {text}: shards count from 0, so I goes up to {count - 1} (--shard 0/{count} … {count - 1}/{count}).");
        return new Shard(index, count, source);
    }

    /// <summary>
    /// The shard a cluster scheduler gave this process, or null outside an array job. Slurm: SLURM_ARRAY_TASK_ID, counted
    /// from SLURM_ARRAY_TASK_MIN in steps of SLURM_ARRAY_TASK_STEP (so --array=1-4 works too), of SLURM_ARRAY_TASK_COUNT.
    /// Kubernetes Indexed Job: JOB_COMPLETION_INDEX of <paramref name="count"/> (--shard-count) or NABLA_SHARD_COUNT,
    /// the Job's completions, which Kubernetes does not pass on.
    /// </summary>
    public static Shard? FromEnvironment(Func<string, string?> environment, int? count)
    {
        if (environment("SLURM_ARRAY_TASK_ID") is { Length: > 0 } id)
        {
            var task = Integer("SLURM_ARRAY_TASK_ID", id);
            var min = environment("SLURM_ARRAY_TASK_MIN") is { Length: > 0 } m ? Integer("SLURM_ARRAY_TASK_MIN", m) : 0;
            var step = environment("SLURM_ARRAY_TASK_STEP") is { Length: > 0 } s ? Math.Max(1, Integer("SLURM_ARRAY_TASK_STEP", s)) : 1;
            var tasks = environment("SLURM_ARRAY_TASK_COUNT") is { Length: > 0 } c ? Integer("SLURM_ARRAY_TASK_COUNT", c)
                : throw new UsageException("SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not: give the shard with --shard I/N.");
            if (count is { } given && given != tasks)
                throw new UsageException($"--shard-count {given} disagrees with SLURM_ARRAY_TASK_COUNT={tasks}.");
            return Parse($"{(task - min) / step}/{tasks}", $"SLURM_ARRAY_TASK_ID={task}");
        }
        if (environment("JOB_COMPLETION_INDEX") is { Length: > 0 } completion)
        {
            var shards = count ?? (environment("NABLA_SHARD_COUNT") is { Length: > 0 } n ? Integer("NABLA_SHARD_COUNT", n)
                : throw new UsageException("JOB_COMPLETION_INDEX is set (a Kubernetes Indexed Job) but not the number of shards: " +
                                           "give --shard-count N or set NABLA_SHARD_COUNT to the Job's completions."));
            return Parse($"{completion}/{shards}", $"JOB_COMPLETION_INDEX={completion}");
        }
        if (count is not null)
            throw new UsageException("--shard-count goes with JOB_COMPLETION_INDEX (a Kubernetes Indexed Job); elsewhere give --shard I/N.");
        return null;
    }

    /// <summary>"shard 1 of 4 (SLURM_ARRAY_TASK_ID=1)".</summary>
    public override string ToString() => Count == 1 ? "the whole grid" : $"shard {Index} of {Count} ({Source})";

    static int Integer(string name, string text) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value : throw new UsageException($"{name}={text}: expected an integer.");
}
