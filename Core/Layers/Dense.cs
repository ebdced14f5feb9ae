using MathNet.Numerics.LinearAlgebra;

namespace Nabla.Layers;

/// <summary>Fully connected layer: y = x·W + b. x: batch × Inputs, W: Inputs × Outputs, b: 1 × Outputs.</summary>
public sealed record Dense<T>(Matrix<T> Weights, Matrix<T> Bias) : ILayer<T>, IRegularized where T : struct, IFloatingPointIeee754<T>
{
    /// <summary>Penalty on W added to the training loss (Keras's kernel_regularizer), e.g. <c>Regularizer.L2(1e-4)</c>; null for none.</summary>
    public IRegularizer? WeightRegularizer { get; init; }

    /// <summary>Penalty on b added to the training loss (Keras's bias_regularizer); null for none.</summary>
    public IRegularizer? BiasRegularizer { get; init; }

    public IReadOnlyList<IRegularizer?> Regularizers => [WeightRegularizer, BiasRegularizer];

    /// <summary>Input columns.</summary>
    public int Inputs => Weights.RowCount;

    /// <summary>Output columns.</summary>
    public int Outputs => Weights.ColumnCount;

    public Matrix<T> Forward(Matrix<T> x)
    {
        Shape.RequireColumns(this, x, Inputs);
        if (Bias.RowCount != 1 || Bias.ColumnCount != Outputs)
            throw new ShapeException($"{this}: bias must be 1×{Outputs}, got {Shape.Of(Bias)}.");
        var y = Kernels.Uninitialized<T>(x.RowCount, Outputs);   // fresh: ours to change
        x.Multiply(Weights, y);                          // GEMM through the backend in force (Backend.Current)
        Kernels.AddRowInPlace(y, Bias);
        return y;
    }

    // y = x·W + b  ⇒  dW = xᵀ·dy,  db = Σ_rows dy,  dx = dy·Wᵀ  (transposed products, no Transpose() copies)
    public Backprop<T> Backward(Trace<T> trace, Matrix<T> dy, bool needInputGradient = true)
    {
        var x = trace.Input;
        Shape.RequireColumns(this, x, Inputs);
        if (dy.RowCount != x.RowCount || dy.ColumnCount != Outputs)
            throw new ShapeException($"{this}: dy must be {x.RowCount}×{Outputs} (batch × outputs), got {Shape.Of(dy)}.");
        var dW = Kernels.Uninitialized<T>(Inputs, Outputs);
        x.TransposeThisAndMultiply(dy, dW);
        var gradient = new DenseGradient<T>(dW, Kernels.ColumnSums(dy));
        if (!needInputGradient) return new(gradient, null);
        var dx = Kernels.Uninitialized<T>(x.RowCount, Inputs);
        dy.TransposeAndMultiply(Weights, dx);
        return new(gradient, dx);
    }

    public IReadOnlyList<Matrix<T>> Parameters => [Weights, Bias];

    public IReadOnlyList<string> ParameterNames => ["weight", "bias"];

    public ILayer<T> WithParameters(IReadOnlyList<Matrix<T>> parameters) => this with { Weights = parameters[0], Bias = parameters[1] };

    public int OutputSize(int inputSize)
    {
        if (inputSize != Inputs)
            throw new ShapeException($"{this} expects {Inputs} input columns, but the previous layer gives {inputSize}.");
        return Outputs;
    }

    public override string ToString() => $"Dense({Inputs} → {Outputs})";   // never print the matrices
}

/// <summary>dL/dθ of a <see cref="Dense{T}"/> layer: dW (Inputs × Outputs) and db (1 × Outputs).</summary>
public sealed record DenseGradient<T>(Matrix<T> Weights, Matrix<T> Bias) : IGradient<T> where T : struct, IFloatingPointIeee754<T>
{
    public IReadOnlyList<Matrix<T>> Tensors => [Weights, Bias];
    public override string ToString() => $"DenseGradient({Shape.Of(Weights)}, {Shape.Of(Bias)})";
}
