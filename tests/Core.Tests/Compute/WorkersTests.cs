namespace Nabla.Tests.Compute;

public class WorkersTests
{
    [Theory]
    [InlineData(1, 2)]
    [InlineData(7, 2)]
    [InlineData(100, 3)]
    [InlineData(5, 1)]
    public void Every_task_runs_exactly_once(int tasks, int threads)
    {
        foreach (var pinned in new[] { false, true })
            for (var round = 0; round < 50; round++)
            {
                var runs = new int[tasks];
                Workers.Run(tasks, threads, t => Interlocked.Increment(ref runs[t]), pinned);
                Assert.All(runs, count => Assert.Equal(1, count));
            }
    }

    [Fact]   // the caller is participant 0: with two threads the even tasks are always its own
    public void Pinned_tasks_run_on_their_participant_and_a_late_helper_s_on_the_caller()
    {
        var caller = Environment.CurrentManagedThreadId;
        var helped = false;
        for (var round = 0; round < 200; round++)
        {
            var threads = new int[8];
            Workers.Run(8, 2, t => { threads[t] = Environment.CurrentManagedThreadId; Thread.SpinWait(200); }, pinned: true);
            Assert.All(threads.Where((_, t) => t % 2 == 0), id => Assert.Equal(caller, id));
            Assert.Single(threads.Where((_, t) => t % 2 == 1).Distinct());   // the odd ones on one thread, a helper's or (late) the caller's
            helped |= threads[1] != caller;
        }
        Assert.True(helped || Environment.ProcessorCount < 2, "no pinned task ever ran on the helper");
    }

    [Fact]   // Optimizers step their tensors through ForChunks: every element once, in parts of whole cache lines
    public void ForChunks_covers_every_element_once_in_one_part_per_thread()
    {
        using var two = Backend.Using(Backend.Current, threadCount: 2);
        foreach (var length in new[] { 65536, 65549, 100352, 1 << 20 })
        {
            var seen = new int[length];
            var parts = new System.Collections.Concurrent.ConcurrentBag<(int Start, int Count)>();
            Workers.ForChunks(length, (start, count) => { parts.Add((start, count)); for (var i = start; i < start + count; i++) seen[i]++; });
            Assert.All(seen, count => Assert.Equal(1, count));
            Assert.Equal(Math.Min(2, Environment.ProcessorCount), parts.Count);
            Assert.All(parts.Where(p => p.Start + p.Count < length), p => Assert.Equal(0, p.Count % 64));
        }
    }

    [Fact]
    public void Forks_from_several_threads_at_once_and_nested_forks_all_complete()
    {
        var total = 0L;
        Parallel.For(0, 8, _ =>
        {
            for (var round = 0; round < 100; round++)
                Workers.Run(4, 2, t => Workers.Run(3, 2, u => Interlocked.Add(ref total, t * 3 + u + 1)));
        });
        Assert.Equal(8L * 100 * Enumerable.Range(1, 12).Sum(), total);
    }

    [Fact]
    public void A_task_that_throws_fails_the_fork_with_its_exception_and_the_next_fork_works()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            Workers.Run(16, 2, t => { if (t == 9) throw new InvalidOperationException("task 9"); }));
        Assert.Equal("task 9", error.Message);
        var runs = new int[16];
        Workers.Run(16, 2, t => Interlocked.Increment(ref runs[t]));
        Assert.All(runs, count => Assert.Equal(1, count));
    }

    [Fact]
    public void Two_threads_really_share_the_work()
    {
        var threadIds = new System.Collections.Concurrent.ConcurrentDictionary<int, bool>();
        for (var round = 0; round < 200 && threadIds.Count < Math.Min(2, Environment.ProcessorCount); round++)
            Workers.Run(64, 2, _ => { threadIds[Environment.CurrentManagedThreadId] = true; Thread.SpinWait(2000); });
        Assert.Equal(Math.Min(2, Environment.ProcessorCount), threadIds.Count);
    }

    /// <summary>A helper thread lives as long as the process. Started with the ExecutionContext of the Fit that first
    /// forked, it would keep that Fit's async-locals alive (the host's progress display, and all it reaches).</summary>
    [Fact]
    public void A_helper_thread_does_not_keep_the_context_it_was_started_from()
    {
        using var release = new ManualResetEventSlim();
        var (kept, thread) = StartInAContext(release);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        try { Assert.False(kept.IsAlive, "the helper thread keeps the async-locals of the context that started it"); }
        finally
        {
            release.Set();
            thread.Join();
        }
    }

    sealed class Observer : IFitObserver;

    // Not inlined, so no local of the test method holds the observer.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    static (WeakReference Kept, Thread Thread) StartInAContext(ManualResetEventSlim release)
    {
        var observer = new Observer();
        using (FitObservers.Add(observer))   // an async-local, as the host sets around a script's Fit
            return (new WeakReference(observer), Workers.StartThread("test helper", () => release.Wait()));
    }
}
