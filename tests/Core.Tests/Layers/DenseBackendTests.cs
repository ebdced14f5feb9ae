namespace Nabla.Tests.Layers;

/// <summary>The dense layer's gradient property on each matrix-product backend by name (the contract in
/// LayerContractTests runs on whichever backend is the default, OpenBLAS when installed).</summary>
[Trait("Category", TestSupport.KernelCategory)]
public class DenseBackendTests
{
    [Theory, MemberData(nameof(TestSupport.BackendNames), MemberType = typeof(TestSupport))]
    public void Dense_gradients_match_central_differences_on_each_backend(string backend)
    {
        using var products = TestSupport.OnBackend(backend);
        if (products is null) return;   // OpenBLAS not installed here (OnBackend explains)
        Assert.Equal(backend, Backend.Current.Name);
        var rng = new Rng(5);
        foreach (var (n, inputs, outputs) in new[] { (1, 1, 1), (3, 5, 2), (7, 13, 9), (4, 33, 17) })
        {
            var layer = new Dense<double>(Init.Uniform(1).Draw<double>(inputs, outputs, rng), TestSupport.Random(rng, 1, outputs));
            var result = GradientCheck.Layer(layer, TestSupport.Random(rng, n, inputs, -5, 5), SampleShape.Features(inputs), rng);
            Assert.True(result.Passed(1e-6), $"{backend}: {layer} on {n}×{inputs}: {result}");
        }
    }
}
