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
        for (var round = 0; round < 50; round++)
        {
            var runs = new int[tasks];
            Workers.Run(tasks, threads, t => Interlocked.Increment(ref runs[t]));
            Assert.All(runs, count => Assert.Equal(1, count));
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
}
