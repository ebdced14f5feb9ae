namespace Nabla.Tests.Tensors;

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

    [Fact]
    public void A_models_parameters_and_gradients_carry_PyTorch_state_dict_names_through_a_training_step()
    {
        var rng = new Rng(3);
        var model = Sequential.Of<double>(Layer<double>.Dense(4, 3, rng), new Relu<double>(), Layer<double>.Dense(3, 2, rng));
        string[] expected = ["0.weight", "0.bias", "2.weight", "2.bias"];
        Assert.Equal(expected, model.Parameters.Names);
        var x = TestSupport.Random(rng, 5, 4);
        var gradients = model.Backward(model.ForwardTrain(x, rng), TestSupport.Random(rng, 5, 2));
        Assert.Equal(expected, gradients.Names);
        var adam = new Adam();
        var (updates, state) = adam.Update(gradients, adam.Init(model.Parameters), model.Parameters);
        Assert.Equal(expected, updates.Names);
        Assert.Equal(expected.Select(n => $"m/{n}").Concat(expected.Select(n => $"v/{n}")), state.ToStateDict().Tensors.Names);
        Assert.Same(model.Parameters["2.weight"], model.Layers[2].Parameters[0]);
    }

    [Fact]
    public void Names_must_be_unique_and_one_per_tensor_and_a_missing_name_lists_the_names()
    {
        var m = Matrix<float>.Build.Dense(1, 1);
        Assert.Contains("given twice", Assert.Throws<ArgumentException>(() => new Parameters<float>(["a", "a"], [m, m])).Message);
        Assert.Contains("1 names for 2 tensors", Assert.Throws<ArgumentException>(() => new Parameters<float>(["a"], [m, m])).Message);
        var e = Assert.Throws<KeyNotFoundException>(() => new Parameters<float>(["0.weight"], [m])["0.bias"]);
        Assert.Contains("0.weight", e.Message);
        Assert.Equal(new[] { "0", "1" }, new Parameters<float>([m, m]).Names);
    }
}
