namespace Nabla.Tests.Optimizers;

/// <summary>The fused Sgd and Adam steps split a tensor of 64K elements or more into chunks across the worker threads:
/// every chunk is computed, each as the one-thread step computes it.</summary>
public class ThreadSplitTests
{
    const int Length = 2 * 32 * 1024 + 13;   // two whole chunks and a ragged scalar tail

    static Parameters<float> Random(Rng rng) => new(["0.weight"], [TestSupport.Random(rng, 1, Length, -1, 1).Map(v => (float)v)]);

    [Theory]
    [InlineData("sgd")]
    [InlineData("sgd_momentum")]
    [InlineData("adam")]
    [InlineData("adamw")]
    public void A_large_tensor_stepped_on_two_threads_equals_the_one_thread_step_bit_for_bit(string name)
    {
        IOptimizer optimizer = name switch
        {
            "sgd" => new Sgd(0.1),
            "sgd_momentum" => new Sgd(0.1, Momentum: 0.9),
            "adam" => new Adam(WeightDecay: 0.01),
            _ => new AdamW(),
        };
        var rng = Rng.Seeded(5);
        var (parameters, gradients) = (Random(rng), Random(rng));

        Parameters<float> TwoSteps(int threads)
        {
            using var _ = Backend.Using(Backend.Managed, threads);
            var (p, state) = optimizer.Apply(gradients, optimizer.Init(parameters), parameters);
            return optimizer.Apply(gradients, state, p).Parameters;
        }

        var (one, two) = (TestSupport.Snapshot(TwoSteps(1)[0]), TestSupport.Snapshot(TwoSteps(2)[0]));
        Assert.Equal(Length, one.Length);
        for (var i = 0; i < Length; i++)
            Assert.True(one[i].Equals(two[i]), $"{name}: element {i} is {two[i]} on two threads, {one[i]} on one");
    }
}
