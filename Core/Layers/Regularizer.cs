using System.Text.Json.Nodes;
using MathNet.Numerics.LinearAlgebra;

namespace Nabla.Layers;

/// <summary>A penalty R(w) on one parameter tensor, added to the training loss (Keras's regularizers), with dR/dw.</summary>
public interface IRegularizer
{
    /// <summary>R(w), accumulated in double.</summary>
    double Penalty<T>(Matrix<T> w) where T : struct, IFloatingPointIeee754<T>;

    /// <summary>dR/dw, a fresh matrix shaped like w.</summary>
    Matrix<T> Gradient<T>(Matrix<T> w) where T : struct, IFloatingPointIeee754<T>;
}

/// <summary>R(w) = L1·Σ|w| + L2·Σw², dR/dw = L1·sign(w) + 2·L2·w (Keras's L1L2; no ½ on the L2 term; sign(0) = 0 as
/// PyTorch's |w|' at 0).</summary>
public sealed record L1L2 : IRegularizer
{
    /// <summary>R(w) = <paramref name="L1"/>·Σ|w| + <paramref name="L2"/>·Σw².</summary>
    public L1L2(double L1 = 0, double L2 = 0) => (this.L1, this.L2) = (L1, L2);

    /// <summary>The coefficient of Σ|w|, ≥ 0.</summary>
    public double L1 { get; init => field = Hyper.NonNegative(value, this); }

    /// <summary>The coefficient of Σw², ≥ 0.</summary>
    public double L2 { get; init => field = Hyper.NonNegative(value, this); }

    /// <summary>R(w) = L1·Σ|w| + L2·Σw², accumulated in double; w any shape.</summary>
    public double Penalty<T>(Matrix<T> w) where T : struct, IFloatingPointIeee754<T>
    {
        double abs = 0, squares = 0;
        foreach (var v in Kernels.Values(w))
        {
            var d = double.CreateChecked(v);
            abs += Math.Abs(d);
            squares += d * d;
        }
        return L1 * abs + L2 * squares;
    }

    /// <summary>dR/dw = L1·sign(w) + 2·L2·w, a fresh matrix shaped like w.</summary>
    public Matrix<T> Gradient<T>(Matrix<T> w) where T : struct, IFloatingPointIeee754<T>
    {
        var (l1, twoL2) = (T.CreateChecked(L1), T.CreateChecked(2 * L2));
        var gradient = Kernels.UninitializedLike(w);   // every element written below
        var (ws, gs) = (Kernels.Values(w), Kernels.Values(gradient));
        for (var k = 0; k < ws.Length; k++) gs[k] = l1 * T.CreateChecked(T.Sign(ws[k])) + twoL2 * ws[k];
        return gradient;
    }

    /// <summary>Prints as Keras builds it: "L2(0.0001)", "L1(0.01)", or "L1L2(0.01, 0.0001)".</summary>
    public override string ToString() => L1 == 0 ? $"L2({L2})" : L2 == 0 ? $"L1({L1})" : $"L1L2({L1}, {L2})";
}

/// <summary>Regularizers by Keras's names: <c>Dense(…) with { WeightRegularizer = Regularizer.L2(1e-4) }</c>.</summary>
public static class Regularizer
{
    /// <summary>A layer setting for <paramref name="regularizer"/>: {"type": "l1l2", "l1": …, "l2": …}, or null for none; a
    /// regularizer Nabla cannot rebuild by name is an error that names the layer's property and says what to do.</summary>
    public static JsonNode? Describe(IRegularizer? regularizer, object layer, string property) => regularizer switch
    {
        null => null,
        L1L2 r => new JsonObject { ["type"] = "l1l2", ["l1"] = r.L1, ["l2"] = r.L2 },
        _ => throw new NotSupportedException(
            $"{layer}: its {property} {regularizer} ({regularizer.GetType().Name}) is not a built-in regularizer, so the model " +
            "cannot be saved by name. Use Regularizer.L1, L2 or L1L2, or save the weights with ModelFile.SaveWeights."),
    };

    /// <summary>The regularizer that setting <paramref name="name"/> of <paramref name="config"/> describes (absent or null:
    /// none); anything else is a <see cref="LayerConfigException"/> naming the setting.</summary>
    public static IRegularizer? Read(LayerConfig config, string name)
    {
        if (!config.Has(name)) return null;
        if (config.Node(name) is not JsonObject r || !(r.Count == 3 && r["type"] is JsonValue t && t.TryGetValue<string>(out var type) && type == "l1l2"))
            throw config.Fail(name, "null or a regularizer {\"type\": \"l1l2\", \"l1\": …, \"l2\": …}");
        var inner = LayerConfig.FromJson(r);
        try { return new L1L2(inner.Number("l1", x => x >= 0, "a penalty ≥ 0"), inner.Number("l2", x => x >= 0, "a penalty ≥ 0")); }
        catch (LayerConfigException e) { throw config.Fail(name, $"a regularizer whose {e.Message}"); }
    }

    /// <summary>R(w) = l1·Σ|w|.</summary>
    public static L1L2 L1(double l1 = 0.01) => new(L1: l1);

    /// <summary>R(w) = l2·Σw² (Keras's L2: no ½, so dR/dw = 2·l2·w).</summary>
    public static L1L2 L2(double l2 = 0.01) => new(L2: l2);

    /// <summary>R(w) = l1·Σ|w| + l2·Σw².</summary>
    public static L1L2 L1L2(double l1 = 0.01, double l2 = 0.01) => new(l1, l2);
}

/// <summary>A layer whose parameters may carry penalties: one regularizer (or null) per tensor, in the order of
/// <see cref="ILayer{T}.Parameters"/>. Training adds Σ R(θ) to the loss and dR/dθ to the gradient.</summary>
public interface IRegularized
{
    /// <summary>The regularizer of each parameter tensor, null for none.</summary>
    IReadOnlyList<IRegularizer?> Regularizers { get; }
}
