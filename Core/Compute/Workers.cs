using System.Runtime.ExceptionServices;

namespace Nabla.Compute;

/// <summary>Fork-join over numbered tasks. How work is cut into tasks is the caller's business: work that sums (a
/// product) must be cut by the problem size only, so that the thread count only decides who runs which task and results
/// never depend on it; element-wise work may be cut any way (<see cref="ForChunks"/>: one part per thread).</summary>
/// <remarks>The helpers are Nabla's own long-lived threads, not the .NET thread pool: a training step forks several
/// times within a millisecond, and the pool's wake-up latency, per-call allocations and changing set of threads
/// (each new one makes OpenBLAS set up its buffers again) showed up in epoch times. A helper spins briefly for the
/// next fork, then sleeps. One fork runs at a time; a fork that finds the helpers busy (another thread's, or a
/// nested one) runs its tasks on its own thread, which gives the same results.</remarks>
static class Workers
{
    static readonly Lock growing = new();
    static Helper[] helpers = [];
    static int busy;   // 1 while a fork owns the helpers

    // The fork in progress: its body, its task count and the next unclaimed task.
    static Action<int>? body;
    static int tasks, next, participants;
    static bool pinned;   // task t is participant t mod participants's (the caller is 0)
    static ExceptionDispatchInfo? failure;

    /// <summary>Runs body(0) … body(tasks − 1), on up to <paramref name="threads"/> threads (the caller's included).
    /// Tasks are claimed by whichever thread is free; <paramref name="pinned"/>: task t runs on participant t mod the
    /// number of threads (the caller is participant 0, a helper that has not started yet has its tasks run by the
    /// caller), so forks that cut the same arrays the same way find each part in the cache of the core that last
    /// wrote it.</summary>
    public static void Run(int tasks, int threads, Action<int> body, bool pinned = false)
    {
        // More threads than cores would only take turns (and spin against each other): the cores cap it.
        var workers = Math.Min(tasks, Math.Min(threads, Environment.ProcessorCount));
        if (workers <= 1 || Interlocked.CompareExchange(ref busy, 1, 0) != 0)
        {
            for (var t = 0; t < tasks; t++) body(t);
            return;
        }
        try
        {
            var team = Team(workers - 1);
            (Workers.body, Workers.tasks, next, failure, participants, Workers.pinned) = (body, tasks, -1, null, workers, pinned);
            for (var h = 0; h < workers - 1; h++) team[h].Assign();
            Claim(0);
            // A helper that has not started yet is called off: unpinned, its tasks were claimed by the others; pinned,
            // the caller runs them now. One that has started is waited for.
            for (var h = 0; h < workers - 1; h++)
                if (team[h].Finish() && pinned) Claim(h + 1);
            Workers.body = null;
            failure?.Throw();
        }
        finally
        {
            Volatile.Write(ref busy, 0);
        }
    }

    /// <summary>Element-wise work over [0, length), one contiguous part per thread of <see cref="Backend.Threads"/>,
    /// each part always on the same thread: body(start, count) per part. An optimizer's step then reads the half of a
    /// parameter that the same core wrote a step before (`bench profile`, alternated with the build before: the MLP's SGD
    /// step 19–21 µs against 26–29 with 32K-element chunks claimed by whichever thread was free). Element-wise, so the cut never changes a result. Small
    /// lengths run inline (a fork costs more than it saves).</summary>
    public static void ForChunks(int length, Action<int, int> body)
    {
        if (!Forks(length))
        {
            body(0, length);
            return;
        }
        var parts = Math.Min(Backend.Threads, Environment.ProcessorCount);
        var part = length / parts & ~63;   // whole cache lines and vectors of any width; the last part takes the rest
        Run(parts, parts, p => body(p * part, p == parts - 1 ? length - p * part : part), pinned: true);
    }

    const int ChunkLength = 32 * 1024;   // elements: below two of these a fork costs more than it saves

    /// <summary>Whether <see cref="ForChunks"/> forks for <paramref name="length"/> elements: a caller that runs its
    /// kernel directly when it would not saves building the closure (a training step's small tensors, every step).</summary>
    public static bool Forks(int length) => length >= 2 * ChunkLength && Backend.Threads > 1;

    /// <summary>Chunk [start, start + count) of <paramref name="values"/> for a <see cref="ForChunks"/> body; empty when
    /// <paramref name="values"/> is (an optional buffer, such as momentum, that is off).</summary>
    public static Span<T> Chunk<T>(T[] values, int start, int count) => values.Length == 0 ? [] : values.AsSpan(start, count);

    // Runs the participant's tasks: pinned, its own; else it claims unclaimed tasks until none is left (the caller and
    // every started helper do this). After a failure the others stop (next is set past the last task).
    static void Claim(int participant)
    {
        try
        {
            int t;
            if (pinned)
                for (t = participant; t < tasks && Volatile.Read(ref next) < tasks; t += participants) body!(t);
            else
                while ((t = Interlocked.Increment(ref next)) < tasks) body!(t);
        }
        catch (Exception e)
        {
            Interlocked.CompareExchange(ref failure, ExceptionDispatchInfo.Capture(e), null);
            Volatile.Write(ref next, tasks);   // the others stop claiming
        }
    }

    /// <summary>Starts a background thread without capturing the caller's ExecutionContext: a helper lives as long as the
    /// process, and a captured context would keep the first fork's async-locals alive with it (the first Fit's
    /// observers, and everything they reach).</summary>
    internal static Thread StartThread(string name, ThreadStart loop)
    {
        var thread = new Thread(loop) { IsBackground = true, Name = name };
        thread.UnsafeStart();
        return thread;
    }

    static Helper[] Team(int count)
    {
        if (helpers.Length >= count) return helpers;
        lock (growing)
        {
            if (helpers.Length < count) helpers = [.. helpers, .. Enumerable.Range(helpers.Length, count - helpers.Length).Select(i => new Helper(i))];
            return helpers;
        }
    }

    sealed class Helper
    {
        const int Idle = 0, Assigned = 1, Working = 2;
        // Spin this many rounds (about 1.5 ms, measured) before sleeping: a training step's forks come tens of
        // microseconds apart, and waking a sleeping thread costs more than that on a VM.
        const int SpinRounds = 2000;
        readonly ManualResetEventSlim wake = new(false, spinCount: 1);
        int state;

        readonly int participant;

        public Helper(int index)
        {
            participant = index + 1;
            StartThread($"Nabla worker {index + 1}", Loop);
        }

        public void Assign()
        {
            Volatile.Write(ref state, Assigned);
            wake.Set();
        }

        // True when it was called off before it started.
        public bool Finish()
        {
            if (Interlocked.CompareExchange(ref state, Idle, Assigned) == Assigned) return true;
            var spin = new SpinWait();
            while (Volatile.Read(ref state) != Idle) spin.SpinOnce(sleep1Threshold: -1);
            return false;
        }

        void Loop()
        {
            while (true)
            {
                for (var i = 0; i < SpinRounds && Volatile.Read(ref state) != Assigned; i++) Thread.SpinWait(20);
                while (Volatile.Read(ref state) != Assigned)
                {
                    wake.Wait();
                    wake.Reset();   // a stale Set only costs one more round of this loop
                }
                if (Interlocked.CompareExchange(ref state, Working, Assigned) != Assigned) continue;   // called off
                Claim(participant);
                Volatile.Write(ref state, Idle);
            }
        }
    }
}
