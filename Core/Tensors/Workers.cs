namespace Nabla.Tensors;

/// <summary>Fork-join over numbered tasks. How work is cut into tasks is the caller's business and must depend on
/// the problem size only; the thread count only decides who runs which task, so results never depend on it.</summary>
static class Workers
{
    /// <summary>Runs body(0) … body(tasks − 1), on up to <paramref name="threads"/> threads (the caller's included).</summary>
    public static void Run(int tasks, int threads, Action<int> body)
    {
        var workers = Math.Min(tasks, threads);
        if (workers <= 1)
        {
            for (var t = 0; t < tasks; t++) body(t);
            return;
        }
        var next = -1;
        // Each worker claims the next unclaimed task: dynamic balance without changing what any task computes.
        Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, _ =>
        {
            int t;
            while ((t = Interlocked.Increment(ref next)) < tasks) body(t);
        });
    }
}
