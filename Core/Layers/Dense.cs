using MathNet.Numerics.LinearAlgebra;

namespace Nabla.Layers;

/// <summary>Fully connected layer: y = x·W + b. x: batch × Inputs, W: Inputs × Outputs, b: 1 × Outputs.</summary>
public sealed record Dense<T>(Matrix<T> Weights, Matrix<T> Bias) : IDescribedLayer<Dense<T>, T>, IRegularized where T : struct, IFloatingPointIeee754<T>
{
    /// <summary>Penalty on W added to the training loss (Keras's kernel_regularizer), e.g. <c>Regularizer.L2(1e-4)</c>; null for none.</summary>
    public IRegularizer? WeightRegularizer { get; init; }

    /// <summary>Penalty on b added to the training loss (Keras's bias_regularizer); null for none.</summary>
    public IRegularizer? BiasRegularizer { get; init; }

    /// <summary>[WeightRegularizer, BiasRegularizer], in <see cref="Parameters"/> order.</summary>
    public IReadOnlyList<IRegularizer?> Regularizers => [WeightRegularizer, BiasRegularizer];

    /// <summary>Input columns.</summary>
    public int Inputs => Weights.RowCount;

    /// <summary>Output columns.</summary>
    public int Outputs => Weights.ColumnCount;

    /// <summary>(Inputs) → (Outputs). An image must be flattened first, as in PyTorch: Flatten() before the Dense.</summary>
    public SampleShape OutputShape(SampleShape input)
    {
        if (input.IsImage)
            throw new ShapeException($"{this} takes feature vectors ({Inputs}), but its input is images {input}: did you forget Flatten()? " +
                (input.Size == Inputs ? "Put Flatten() before it." : $"Put Flatten() before it, and make it Dense({input.Size}, {Outputs}): the flattened image has {input.Size} values."));
        if (input.Size != Inputs)
            throw new ShapeException($"{this} expects {Inputs} input features, but its input has {input.Size}: " +
                $"make it Dense({input.Size}, {Outputs}), or check the previous layer's output or the dataset's feature count.");
        return SampleShape.Features(Outputs);
    }

    /// <summary>y = x·W + b; x: batch × Inputs, y: batch × Outputs (a ShapeException names both shapes when x does not
    /// fit).</summary>
    public Matrix<T> Forward(Matrix<T> x, SampleShape input)
    {
        Shape.RequireColumns(this, x, Inputs);
        OutputShape(input);
        if (Bias.RowCount != 1 || Bias.ColumnCount != Outputs)
            throw new ShapeException($"{this}: bias must be 1×{Outputs}, got {Shape.Of(Bias)}.");
        var y = Kernels.Uninitialized<T>(x.RowCount, Outputs);   // fresh: ours to change
        x.Multiply(Weights, y);                          // GEMM through the backend in force (Backend.Current)
        Kernels.AddRowInPlace(y, Bias);
        return y;
    }

    /// <summary>y = x·W + b ⇒ dW = xᵀ·dy (Inputs × Outputs), db = Σ_rows dy (1 × Outputs), dx = dy·Wᵀ (batch × Inputs), as
    /// transposed products without Transpose() copies; dy: batch × Outputs.</summary>
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

    /// <summary>[W, b]: Inputs × Outputs and 1 × Outputs.</summary>
    public IReadOnlyList<Matrix<T>> Parameters => [Weights, Bias];

    /// <summary>"weight" and "bias", as PyTorch's nn.Linear names them.</summary>
    public IReadOnlyList<string> ParameterNames => TensorNames.WeightAndBias;

    /// <summary>This layer with W = parameters[0] and b = parameters[1], regularizers kept.</summary>
    public ILayer<T> WithParameters(IReadOnlyList<Matrix<T>> parameters) => this with { Weights = parameters[0], Bias = parameters[1] };

    /// <inheritdoc/>
    public static string TypeName => "dense";

    /// <summary>inputs, outputs, and the regularizers when set (weight_regularizer, bias_regularizer).</summary>
    public LayerConfig Config => new([("inputs", Inputs), ("outputs", Outputs),
        .. WeightRegularizer is null ? [] : new[] { ("weight_regularizer", Regularizer.Describe(WeightRegularizer, this, nameof(WeightRegularizer))) },
        .. BiasRegularizer is null ? [] : new[] { ("bias_regularizer", Regularizer.Describe(BiasRegularizer, this, nameof(BiasRegularizer))) }]);

    /// <summary>weight (Outputs, Inputs) as PyTorch's nn.Linear stores it (the Inputs × Outputs matrix's storage), bias (Outputs).</summary>
    public static IReadOnlyList<TensorDescription> TensorsFor(LayerConfig config)
    {
        var (inputs, outputs) = (config.Size("inputs"), config.Size("outputs"));
        Regularizer.Read(config, "weight_regularizer");
        Regularizer.Read(config, "bias_regularizer");
        if ((long)inputs * outputs > int.MaxValue) throw config.Fail("outputs", $"at most {int.MaxValue / inputs} for {inputs} inputs (one matrix)");
        return [new("weight", [outputs, inputs], TensorRole.Parameter), new("bias", [outputs], TensorRole.Parameter)];
    }

    /// <inheritdoc/>
    public static Dense<T> Build(LayerConfig config, IReadOnlyList<Matrix<T>> tensors) => new(tensors[0], tensors[1])
    {
        WeightRegularizer = Regularizer.Read(config, "weight_regularizer"),
        BiasRegularizer = Regularizer.Read(config, "bias_regularizer"),
    };

    /// <summary>Prints "Dense(784 → 128)": the sizes, never the matrices.</summary>
    public override string ToString() => $"Dense({Inputs} → {Outputs})";   // never print the matrices
}

/// <summary>dL/dθ of a <see cref="Dense{T}"/> layer: dW (Inputs × Outputs) and db (1 × Outputs).</summary>
public sealed record DenseGradient<T>(Matrix<T> Weights, Matrix<T> Bias) : IGradient<T> where T : struct, IFloatingPointIeee754<T>
{
    /// <summary>[dW, db], in the layer's parameter order.</summary>
    public IReadOnlyList<Matrix<T>> Tensors => [Weights, Bias];

    /// <summary>Prints the shapes: "DenseGradient(784×128, 1×128)".</summary>
    public override string ToString() => $"DenseGradient({Shape.Of(Weights)}, {Shape.Of(Bias)})";
}

public static partial class Layer<T>
{
    /// <summary>Dense(inputs → outputs): weights drawn by <paramref name="init"/>, bias zero.</summary>
    public static Dense<T> Dense(int inputs, int outputs, Initializer init, Rng rng)
    {
        if (inputs <= 0 || outputs <= 0)
            throw new ArgumentOutOfRangeException(nameof(inputs), $"Dense({inputs} → {outputs}): sizes must be positive.");
        return new(init.Draw<T>(inputs, outputs, rng), Kernels.Zeros<T>(1, outputs));
    }

    /// <summary>Dense(inputs → outputs) with Xavier-uniform weights (Keras's default) and zero bias.</summary>
    public static Dense<T> Dense(int inputs, int outputs, Rng rng) => Dense(inputs, outputs, Init.Xavier, rng);
}

public static partial class Layer
{
    /// <inheritdoc cref="Layer{T}.Dense(int, int, Initializer, Rng)"/>
    public static Dense<float> Dense(int inputs, int outputs, Initializer init, Rng rng) => Layer<float>.Dense(inputs, outputs, init, rng);

    /// <inheritdoc cref="Layer{T}.Dense(int, int, Rng)"/>
    public static Dense<float> Dense(int inputs, int outputs, Rng rng) => Layer<float>.Dense(inputs, outputs, rng);
}
