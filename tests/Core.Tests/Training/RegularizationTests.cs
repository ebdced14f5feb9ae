namespace Nabla.Tests.Training;

/// <summary>The model-wide penalty's refusal of a layer that lists regularizers for the wrong number of tensors.</summary>
public sealed class RegularizationTests
{
    /// <summary>A layer of a script's with one parameter tensor and two regularizers.</summary>
    sealed record Miscounted : ILayer<double>, IRegularized
    {
        public IReadOnlyList<Matrix<double>> Parameters => [Matrix<double>.Build.Dense(1, 2, 1)];
        public IReadOnlyList<IRegularizer?> Regularizers => [Regularizer.L2(0.1), null];
        public Matrix<double> Forward(Matrix<double> x, SampleShape input) => x;
        public Backprop<double> Backward(Trace<double> trace, Matrix<double> dy, bool needInputGradient = true) => new(NoGradient<double>.Instance, dy);
        public override string ToString() => "Miscounted";
    }

    [Fact]
    public void A_layer_must_give_one_regularizer_or_null_per_tensor()
    {
        var model = Sequential.Of<double>(new Miscounted());
        var e = Assert.Throws<InvalidOperationException>(() => model.Penalty());
        Assert.Equal("Miscounted: 2 regularizers for 1 parameter tensors; give one (or null) per tensor.", e.Message);
    }
}
