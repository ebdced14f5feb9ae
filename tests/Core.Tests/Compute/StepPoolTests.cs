namespace Nabla.Tests.Compute;

/// <summary>The step pool takes back only what Fit knows is dead: neither a tensor of the new state nor a buffer that
/// escaped to code outside Nabla.</summary>
public class StepPoolTests
{
    sealed class ScriptCode;   // stands for a layer, loss or optimizer defined outside Nabla.Core

    static Matrix<float> Rent(StepPool<float> pool)
    {
        using (pool.Enter()) return Kernels.Uninitialized<float>(2, 3);
    }

    [Fact]
    public void Recycle_takes_back_what_is_neither_state_nor_escaped()
    {
        var pool = new StepPool<float>();
        var (state, dead, escaped) = (Rent(pool), Rent(pool), Rent(pool));
        pool.Escape(escaped);
        // The state named through another matrix over the same storage still counts.
        pool.Recycle([Matrix<float>.Build.Dense(2, 3, Kernels.Values(state))]);
        Assert.Equal(1, pool.Rented);   // the state's, checked again at the next step
        Assert.Same(dead, Rent(pool));   // the dead one comes back
        var next = Rent(pool);
        Assert.NotSame(state, next);
        Assert.NotSame(escaped, next);
        Assert.Null(StepPool<float>.Current);   // only inside Enter
    }

    [Fact]
    public void A_state_tensor_comes_back_once_a_later_state_no_longer_holds_it_and_an_escaped_one_never()
    {
        var pool = new StepPool<float>();
        var first = Rent(pool);
        pool.Recycle([first]);
        var second = Rent(pool);
        Assert.NotSame(first, second);
        pool.Recycle([second]);   // the previous state is replaced: donated back
        Assert.Same(first, Rent(pool));

        pool.Escape(second);   // an observer kept the state
        pool.Recycle([]);
        using (pool.Enter())
            for (var i = 0; i < 4; i++) Assert.NotSame(second, Kernels.Uninitialized<float>(2, 3));
    }

    [Fact]
    public void Zeros_from_the_pool_are_cleared()
    {
        var pool = new StepPool<float>();
        Kernels.Values(Rent(pool)).AsSpan().Fill(7);
        pool.Recycle([]);
        using (pool.Enter()) Assert.Equal(new float[6], Kernels.Values(Kernels.Zeros<float>(2, 3)));
    }

    [Fact]
    public void Handing_buffers_to_code_outside_Nabla_suspends_the_pool_and_the_buffers_escape()
    {
        var pool = new StepPool<float>();
        using (pool.Enter())
        {
            var (given, kept) = (Kernels.Uninitialized<float>(2, 3), Kernels.Uninitialized<float>(2, 3));
            Matrix<float> made;
            using (StepPool<float>.HandOff(new ScriptCode(), given))
            {
                Assert.Null(StepPool<float>.Current);
                made = Kernels.Uninitialized<float>(2, 3);   // the script's own: new memory
            }
            Assert.Same(pool, StepPool<float>.Current);
            using (StepPool<float>.HandOff(new Relu<float>(), kept)) Assert.Same(pool, StepPool<float>.Current);   // Nabla's own
            pool.Recycle([]);
            Assert.Equal(0, pool.Rented);
            var again = new[] { Kernels.Uninitialized<float>(2, 3), Kernels.Uninitialized<float>(2, 3) };
            // (Matrix.Equals compares values: compare references.)
            Assert.Contains(again, m => ReferenceEquals(m, kept));
            Assert.DoesNotContain(again, m => ReferenceEquals(m, given));
            Assert.DoesNotContain(again, m => ReferenceEquals(m, made));
        }
    }
}
