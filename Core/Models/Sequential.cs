using System.Collections.Immutable;
using MathNet.Numerics.LinearAlgebra;
using Nabla.Layers;

namespace Nabla.Models;

/// <summary>A stack of layers applied in order: y = f_n(…f_2(f_1(x))). x: batch × inputs of the first layer.</summary>
public sealed record Sequential<T>(ImmutableArray<ILayer<T>> Layers) where T : struct, IFloatingPointIeee754<T>
{
    /// <summary>Inference forward through every layer.</summary>
    public Matrix<T> Forward(Matrix<T> x)
    {
        for (var i = 0; i < Layers.Length; i++)
        {
            try
            {
                // A layer defined outside Nabla (a script's) may keep x: handed off, x is never recycled by Fit.
                using (StepPool<T>.HandOff(Layers[i], x)) x = Layers[i].Forward(x);
            }
            catch (ShapeException e) when (Unnamed(e)) { throw InLayer(i, e); }
        }
        return x;
    }

    /// <summary>Training forward: each layer's trace, first to last (the last trace's Output is the model output).</summary>
    public ImmutableArray<Trace<T>> ForwardTrain(Matrix<T> x, Rng rng)
    {
        var traces = ImmutableArray.CreateBuilder<Trace<T>>(Layers.Length);
        for (var i = 0; i < Layers.Length; i++)
        {
            Trace<T> trace;
            try
            {
                using (StepPool<T>.HandOff(Layers[i], x)) trace = Layers[i].ForwardTrain(x, rng);
            }
            catch (ShapeException e) when (Unnamed(e)) { throw InLayer(i, e); }
            traces.Add(trace);
            x = trace.Output;
        }
        return traces.MoveToImmutable();
    }

    /// <summary>Backward from dL/d(output) through every layer: dL/dθ in <see cref="Parameters"/> order. The first
    /// layer's input gradient is never computed: nothing needs it.</summary>
    public Parameters<T> Backward(IReadOnlyList<Trace<T>> traces, Matrix<T> dOutput)
    {
        if (traces.Count != Layers.Length)
            throw new ArgumentException($"Backward needs one trace per layer ({Layers.Length}), got {traces.Count}.");
        var perLayer = new IReadOnlyList<Matrix<T>>[Layers.Length];
        var dy = dOutput;
        for (var i = Layers.Length - 1; i >= 0; i--)
        {
            Backprop<T> step;
            try
            {
                using (StepPool<T>.HandOff(Layers[i], traces[i].Input, traces[i].Output, traces[i].Saved, dy))
                    step = Layers[i].Backward(traces[i], dy, needInputGradient: i > 0);
            }
            catch (ShapeException e) when (Unnamed(e)) { throw InLayer(i, e); }
            perLayer[i] = step.Gradient.Tensors;
            dy = step.InputGradient!;
        }
        return new(ParameterNames(), perLayer.SelectMany(g => g));
    }

    /// <summary>Every layer's trainable tensors, flat, in layer order, named "{layer index}.{name}" as PyTorch's
    /// nn.Sequential names them ("0.weight", "0.bias", "2.weight", …).</summary>
    public Parameters<T> Parameters => new(ParameterNames(), Layers.SelectMany(ParametersOf));

    /// <summary>layer.Parameters, with Fit's buffer pool suspended if the layer is a script's (it may compute them).</summary>
    internal static IReadOnlyList<Matrix<T>> ParametersOf(ILayer<T> layer)
    {
        using (StepPool<T>.HandOff(layer)) return layer.Parameters;
    }

    IEnumerable<string> ParameterNames() =>
        Layers.SelectMany((layer, i) => layer.ParameterNames.Select(name => $"{i}.{name}"));

    /// <summary>The same architecture with new parameters (as many tensors, in <see cref="Parameters"/> order).</summary>
    public Sequential<T> WithParameters(Parameters<T> parameters)
    {
        Parameters.RequireSameShapes(parameters, "Sequential.WithParameters");
        var layers = ImmutableArray.CreateBuilder<ILayer<T>>(Layers.Length);
        var next = 0;
        foreach (var layer in Layers)
        {
            var count = ParametersOf(layer).Count;
            if (count > 0)
            {
                var tensors = parameters.Tensors.AsSpan(next, count).ToArray();
                using (StepPool<T>.HandOff(layer, tensors)) layers.Add(layer.WithParameters(tensors));   // a script's layer keeps them
            }
            else layers.Add(layer);
            next += count;
        }
        return new(layers.MoveToImmutable());
    }

    /// <summary>Number of trainable scalars.</summary>
    public long ParameterCount => Parameters.ElementCount;

    /// <summary>Output columns for <paramref name="inputSize"/> input columns; a shape error names the layer.</summary>
    public int OutputSize(int inputSize)
    {
        for (var i = 0; i < Layers.Length; i++) inputSize = OutputSizeAfter(i, inputSize);
        return inputSize;
    }

    /// <summary>A Keras-style summary table: layer, output shape, parameter count, and the totals.</summary>
    public string Summary(int inputSize) => Describe(inputSize).ToString();

    /// <summary>The summary as data: each layer's output shape for an input of (batch, <paramref name="inputSize"/>) and
    /// its parameter count.</summary>
    public ModelSummary Describe(int inputSize)
    {
        var rows = new List<LayerSummary>();
        var size = inputSize;
        for (var i = 0; i < Layers.Length; i++)
        {
            size = OutputSizeAfter(i, size);
            rows.Add(new(Layers[i].ToString()!, size, Layers[i].Parameters.Sum(p => (long)p.RowCount * p.ColumnCount)));
        }
        return new(inputSize, rows, ParameterCount, ParameterCount * System.Runtime.CompilerServices.Unsafe.SizeOf<T>());
    }

    int OutputSizeAfter(int i, int inputSize)
    {
        try { return Layers[i].OutputSize(inputSize); }
        catch (ShapeException e) when (Unnamed(e)) { throw InLayer(i, e); }
    }

    // A shape error inside layer i says which layer of the model it was. (try/catch in the loops, not a lambda per
    // layer: Forward and Backward run every training step, and a closure per call is an allocation per layer.)
    static bool Unnamed(ShapeException e) => !e.Message.StartsWith("layer ", StringComparison.Ordinal);

    ShapeException InLayer(int i, ShapeException e) => new($"layer {i} of {Layers.Length}, {Layers[i]}: {e.Message}");

    public override string ToString() => $"Sequential({string.Join(", ", Layers)})";
}

/// <summary>Builds a <see cref="Sequential{T}"/> from a literal list of layers: <c>Sequential.Of(Dense(…), Relu(), …)</c>.</summary>
public static class Sequential
{
    public static Sequential<T> Of<T>(params ILayer<T>[] layers) where T : struct, IFloatingPointIeee754<T> =>
        new(layers.ToImmutableArray());
}
