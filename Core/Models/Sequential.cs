using System.Collections.Immutable;
using MathNet.Numerics.LinearAlgebra;
using Nabla.Layers;

namespace Nabla.Models;

/// <summary>A stack of layers applied in order: y = f_n(…f_2(f_1(x))). x: batch × InputShape.Size, each row one sample.</summary>
public sealed record Sequential<T>(ImmutableArray<ILayer<T>> Layers) where T : struct, IFloatingPointIeee754<T>
{
    /// <summary>The shape of one input sample, when the model knows it: given to <see cref="Sequential.Of{T}(SampleShape, ILayer{T}[])"/>,
    /// or set by Fit from the training data. Null: each row of the input is taken as a feature vector.</summary>
    public SampleShape? InputShape
    {
        get;
        init
        {
            if (value is { } shape) OutputShape(shape);   // the chain must hold for it: fail here, naming the layer
            field = value;
        }
    }

    /// <summary>The sample shape of x's rows: <see cref="InputShape"/>, else a feature vector of x's width.</summary>
    SampleShape ShapeOf(Matrix<T> x) => InputShape ?? SampleShape.Features(x.ColumnCount);

    /// <summary>Inference forward through every layer, each row of x a sample of <see cref="InputShape"/> (or a feature vector).</summary>
    public Matrix<T> Forward(Matrix<T> x) => Forward(x, ShapeOf(x));

    /// <summary>Inference forward through every layer, each row of x a sample of shape <paramref name="input"/>.</summary>
    public Matrix<T> Forward(Matrix<T> x, SampleShape input)
    {
        Shape.Require("Sequential", x, input);
        for (var i = 0; i < Layers.Length; i++)
        {
            try
            {
                // A layer defined outside Nabla (a script's) may keep x: handed off, x is never recycled by Fit.
                using (StepPool<T>.HandOff(Layers[i], x)) x = Layers[i].Forward(x, input);   // checks x against the shape first
                input = Layers[i].OutputShape(input);
            }
            catch (ShapeException e) when (Unnamed(e)) { throw InLayer(i, e); }
        }
        return x;
    }

    /// <summary>Training forward: each layer's trace, first to last (the last trace's Output is the model output).</summary>
    public ImmutableArray<Trace<T>> ForwardTrain(Matrix<T> x, Rng rng) => ForwardTrain(x, ShapeOf(x), rng);

    /// <summary>Training forward with each row of x a sample of shape <paramref name="input"/>.</summary>
    public ImmutableArray<Trace<T>> ForwardTrain(Matrix<T> x, SampleShape input, Rng rng)
    {
        Shape.Require("Sequential", x, input);
        var traces = ImmutableArray.CreateBuilder<Trace<T>>(Layers.Length);
        for (var i = 0; i < Layers.Length; i++)
        {
            Trace<T> trace;
            try
            {
                using (StepPool<T>.HandOff(Layers[i], x)) trace = Layers[i].ForwardTrain(x, input, rng);
                input = Layers[i].OutputShape(input);
            }
            catch (ShapeException e) when (Unnamed(e)) { throw InLayer(i, e); }
            traces.Add(trace);
            x = trace.Output;
        }
        return traces.MoveToImmutable();
    }

    /// <summary>Backward from dL/d(output) through the layers: dL/dθ in <see cref="Parameters"/> order. It stops at the
    /// lowest layer with parameters, which is not asked for its input gradient: nothing below needs one.</summary>
    public Parameters<T> Backward(IReadOnlyList<Trace<T>> traces, Matrix<T> dOutput)
    {
        if (traces.Count != Layers.Length)
            throw new ArgumentException($"Backward needs one trace per layer ({Layers.Length}), got {traces.Count}.");
        // The layers below the lowest one with parameters (Flatten at the start of an MLP) have no dL/dθ to give: they
        // are not run backward, and that layer skips dx (for Flatten() then Dense(784 → 128), the dy·Wᵀ product of
        // 64 × 128 × 784, as costly as the layer's forward).
        var lowest = 0;
        while (lowest < Layers.Length - 1 && Layers[lowest].ParameterNames.Count == 0) lowest++;   // names: no list built
        var perLayer = new IReadOnlyList<Matrix<T>>[Layers.Length];
        for (var i = 0; i < lowest; i++) perLayer[i] = [];
        var count = 0;
        var dy = dOutput;
        for (var i = Layers.Length - 1; i >= lowest; i--)
        {
            Backprop<T> step;
            try
            {
                var trace = traces[i];
                using (StepPool<T>.IsOwn(Layers[i]) ? default : StepPool<T>.HandOff(Layers[i], [trace.Input, trace.Output, dy, .. trace.SavedTensors]))
                    step = Layers[i].Backward(trace, dy, needInputGradient: i > lowest);
            }
            catch (ShapeException e) when (Unnamed(e)) { throw InLayer(i, e); }
            perLayer[i] = step.Gradient.Tensors;
            count += perLayer[i].Count;
            dy = step.InputGradient!;
        }
        var gradients = ImmutableArray.CreateBuilder<Matrix<T>>(count);
        foreach (var g in perLayer)
            for (var k = 0; k < g.Count; k++) gradients.Add(g[k]);
        return Parameters<T>.Named(ParameterNames(), gradients.MoveToImmutable());
    }

    /// <summary>Every layer's trainable tensors, flat, in layer order, named "{layer index}.{name}" as PyTorch's
    /// nn.Sequential names them ("0.weight", "0.bias", "2.weight", …).</summary>
    public Parameters<T> Parameters
    {
        get
        {
            var tensors = ImmutableArray.CreateBuilder<Matrix<T>>();   // loops, not LINQ: read at every training step
            foreach (var layer in Layers)
            {
                var own = ParametersOf(layer);
                for (var k = 0; k < own.Count; k++) tensors.Add(own[k]);
            }
            return Parameters<T>.Named(ParameterNames(), tensors.ToImmutable());
        }
    }

    /// <summary>layer.Parameters, with Fit's buffer pool suspended if the layer is a script's (it may compute them).</summary>
    internal static IReadOnlyList<Matrix<T>> ParametersOf(ILayer<T> layer)
    {
        using (StepPool<T>.HandOff(layer)) return layer.Parameters;
    }

    ImmutableArray<string> ParameterNames()
    {
        var count = 0;
        foreach (var layer in Layers) count += layer.ParameterNames.Count;
        var names = ImmutableArray.CreateBuilder<string>(count);
        for (var i = 0; i < Layers.Length; i++)
        {
            var layerNames = Layers[i].ParameterNames;
            for (var k = 0; k < layerNames.Count; k++) names.Add(QualifiedName(i, layerNames[k]));   // no enumerator: every step
        }
        return names.MoveToImmutable();
    }

    // "{layer}.{name}" for the layer's first few positions made once: a training step names its tensors three times.
    static readonly string[][] commonNames = [.. Enumerable.Range(0, 16).Select(i => new[] { $"{i}.weight", $"{i}.bias" })];

    static string QualifiedName(int layer, string name) =>
        layer < commonNames.Length && name == "weight" ? commonNames[layer][0]
        : layer < commonNames.Length && name == "bias" ? commonNames[layer][1]
        : $"{layer}.{name}";

    /// <summary>The same architecture with new parameters (as many tensors, in <see cref="Parameters"/> order).</summary>
    public Sequential<T> WithParameters(Parameters<T> parameters)
    {
        var layers = ImmutableArray.CreateBuilder<ILayer<T>>(Layers.Length);
        var next = 0;
        foreach (var layer in Layers)
        {
            var current = ParametersOf(layer);
            var count = current.Count;
            for (var k = 0; k < count; k++)   // the shapes checked here, layer by layer (Parameters would name every tensor again)
                if (next + k >= parameters.Count || current[k].RowCount != parameters[next + k].RowCount || current[k].ColumnCount != parameters[next + k].ColumnCount)
                {
                    Parameters.RequireSameShapes(parameters, "Sequential.WithParameters");   // throws, naming the tensor
                    break;
                }
            if (count > 0)
            {
                var tensors = parameters.Tensors.AsSpan(next, count).ToArray();
                using (StepPool<T>.HandOff(layer, tensors)) layers.Add(layer.WithParameters(tensors));   // a script's layer keeps them
            }
            else layers.Add(layer);
            next += count;
        }
        if (next != parameters.Count) Parameters.RequireSameShapes(parameters, "Sequential.WithParameters");   // throws: too many
        return this with { Layers = layers.MoveToImmutable() };
    }

    /// <summary>Every layer's state tensors (batch norm's running statistics), flat, in layer order, named as PyTorch's
    /// state dict names the buffers ("1.running_mean", "1.running_var", "1.num_batches_tracked").</summary>
    public Parameters<T> State => new(Layers.SelectMany((layer, i) => layer.StateNames.Select(name => $"{i}.{name}")), Layers.SelectMany(l => l.State));

    /// <summary>The same model with new state tensors (as many, in <see cref="State"/> order).</summary>
    public Sequential<T> WithState(Parameters<T> state)
    {
        State.RequireSameShapes(state, "Sequential.WithState");
        var layers = ImmutableArray.CreateBuilder<ILayer<T>>(Layers.Length);
        var next = 0;
        foreach (var layer in Layers)
        {
            var count = layer.State.Count;
            layers.Add(count == 0 ? layer : layer.WithState(state.Tensors.Skip(next).Take(count).ToArray()));
            next += count;
        }
        return this with { Layers = layers.MoveToImmutable() };
    }

    /// <summary>The same model with each layer's state as its training forward left it (<see cref="Trace{T}.State"/>):
    /// how a training step carries batch norm's running statistics into the new model.</summary>
    public Sequential<T> WithStateOf(IReadOnlyList<Trace<T>> traces)
    {
        if (traces.Count != Layers.Length)
            throw new ArgumentException($"WithStateOf needs one trace per layer ({Layers.Length}), got {traces.Count}.");
        var changed = false;
        for (var i = 0; i < traces.Count && !changed; i++) changed = traces[i].State is not null;
        if (!changed) return this;
        var layers = ImmutableArray.CreateBuilder<ILayer<T>>(Layers.Length);
        for (var i = 0; i < Layers.Length; i++)
            layers.Add(traces[i].State is { } state ? Layers[i].WithState(state) : Layers[i]);
        return this with { Layers = layers.MoveToImmutable() };
    }

    /// <summary>Number of trainable scalars.</summary>
    public long ParameterCount => Parameters.ElementCount;

    /// <summary>The shape of each output sample for input samples of shape <paramref name="input"/>; a shape error names the layer.</summary>
    public SampleShape OutputShape(SampleShape input)
    {
        for (var i = 0; i < Layers.Length; i++) input = OutputShapeAfter(i, input);
        return input;
    }

    /// <summary>A Keras-style summary table for input samples of <see cref="InputShape"/>: layer, output shape, parameter
    /// count, and the totals. A model that does not know its input shape says how to give it.</summary>
    public string Summary() => InputShape is { } input ? Summary(input)
        : throw new InvalidOperationException("Summary: the model does not know its input shape. Call model.Summary(train.SampleShape), " +
                                              "or build it with Sequential.Of(shape, layers…).");

    /// <summary>A Keras-style summary table for input samples of shape <paramref name="input"/>: layer, output shape,
    /// parameter count, and the totals (state tensors, such as batch norm's running statistics, counted apart).</summary>
    public string Summary(SampleShape input) => Describe(input).ToString();

    /// <summary>The summary as data: each layer's output shape for input samples of shape <paramref name="input"/> and its
    /// parameter count.</summary>
    public ModelSummary Describe(SampleShape input)
    {
        var rows = new List<LayerSummary>();
        var shape = input;
        for (var i = 0; i < Layers.Length; i++)
        {
            shape = OutputShapeAfter(i, shape);
            rows.Add(new(Layers[i].ToString()!, shape, Layers[i].Parameters.Sum(p => (long)p.RowCount * p.ColumnCount)));
        }
        return new(input, rows, ParameterCount, ParameterCount * System.Runtime.CompilerServices.Unsafe.SizeOf<T>()) { StateValues = State.ElementCount };
    }

    SampleShape OutputShapeAfter(int i, SampleShape input)
    {
        try { return Layers[i].OutputShape(input); }
        catch (ShapeException e) when (Unnamed(e)) { throw InLayer(i, e); }
    }

    // A shape error inside layer i says which layer of the model it was. (try/catch in the loops, not a lambda per
    // layer: Forward and Backward run every training step, and a closure per call is an allocation per layer.)
    static bool Unnamed(ShapeException e) => !e.Message.StartsWith("layer ", StringComparison.Ordinal);

    ShapeException InLayer(int i, ShapeException e) => new($"layer {i} of {Layers.Length}, {Layers[i]}: {e.Message}");

    /// <summary>Prints the layers in order: "Sequential(Dense(784 → 128), ReLU, Dense(128 → 10))".</summary>
    public override string ToString() => $"Sequential({string.Join(", ", Layers)})";
}

/// <summary>Builds a <see cref="Sequential{T}"/> from a literal list of layers: <c>Sequential.Of(Dense(…), Relu(), …)</c>.</summary>
public static class Sequential
{
    /// <summary>The layers in order; the input shape is taken from the data (Fit) or each input's width.</summary>
    public static Sequential<T> Of<T>(params ILayer<T>[] layers) where T : struct, IFloatingPointIeee754<T> =>
        new(layers.ToImmutableArray());

    /// <summary>The layers in order, for input samples of shape <paramref name="input"/> (Keras's Input(shape)); the
    /// chain of shapes is checked here, so a mismatch fails at once, naming the layer.</summary>
    public static Sequential<T> Of<T>(SampleShape input, params ILayer<T>[] layers) where T : struct, IFloatingPointIeee754<T> =>
        new(layers.ToImmutableArray()) { InputShape = input };
}
