namespace Nabla.Tests.Models;

public class ParametersTests
{
    [Fact]   // float tensors are summed in double (vectorized), so the norm matches a plain double loop
    public void Global_norm_of_float_tensors_is_summed_in_double()
    {
        var rng = new Rng(8);
        var tensors = new[] { (1, 1), (3, 7), (784, 128), (1, 10) }
            .Select(s => Matrix<float>.Build.Dense(s.Item1, s.Item2, (_, _) => (float)rng.Uniform(-3, 3))).ToArray();
        var expected = Math.Sqrt(tensors.Sum(t => Kernels.Values(t).Sum(v => (double)v * v)));
        var norm = new Parameters<float>(tensors).GlobalNorm();
        Assert.True(Math.Abs(norm - expected) <= 1e-12 * expected, $"{norm} vs {expected}");
        // A float accumulator would be off by far more than that over 100,000 squares.
        var floatSum = MathF.Sqrt(tensors.Sum(t => Kernels.Values(t).Aggregate(0f, (s, v) => s + v * v)));
        Assert.True(Math.Abs(floatSum - expected) > 1e-9 * expected, "the check above must be able to tell float from double sums");
    }

    [Fact]
    public void Scaled_multiplies_every_tensor_and_leaves_the_original_alone()
    {
        var p = new Parameters<float>([Matrix<float>.Build.Dense(2, 3, 2f), Matrix<float>.Build.Dense(1, 3, -1f)]);
        var scaled = p.Scaled(0.5f);
        Assert.All(Kernels.Values(scaled[0]), v => Assert.Equal(1f, v));
        Assert.All(Kernels.Values(scaled[1]), v => Assert.Equal(-0.5f, v));
        Assert.All(Kernels.Values(p[0]), v => Assert.Equal(2f, v));
    }
}
