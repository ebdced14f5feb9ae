namespace Nabla.Tests.Losses;

/// <summary>Loss values at the edges the golden cases do not reach, computed by hand.</summary>
public class LossValueTests
{
    [Fact]
    public void Binary_cross_entropy_at_probabilities_0_and_1_is_large_and_finite_as_in_pytorch()
    {
        // PyTorch's BCELoss clamps each log at −100: p = 0 with y = 1 and p = 1 with y = 0 cost 100 each, p = 0.5 costs
        // ln 2, a right certain answer costs 0. Mean over the four elements.
        var p = Kernels.FromRowMajor<double>(2, 2, [0, 1, 0.5, 1]);
        var y = Kernels.FromRowMajor<double>(2, 2, [1, 0, 1, 1]);
        var result = Loss.BinaryCrossEntropy.Evaluate(p, y);
        TestSupport.AssertClose((200 + Math.Log(2)) / 4, result.Value, 1e-15, "loss");
        Assert.All(Kernels.Values(result.Gradient), g => Assert.True(double.IsFinite(g), $"gradient {g}"));
        TestSupport.AssertClose(-0.5 / 0.25 / 4, result.Gradient[1, 0], 1e-15, "dL/dp at p = 0.5, y = 1");
        Assert.True(result.Gradient[0, 0] < -1e9 && result.Gradient[0, 1] > 1e9, "the clamped ends still push the right way");
    }
}
