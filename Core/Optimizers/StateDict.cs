using System.Collections.Immutable;
using MathNet.Numerics.LinearAlgebra;

namespace Nabla.Optimizers;

/// <summary>
/// An optimizer state's contents by name, as PyTorch's <c>optimizer.state_dict()</c> lists them: tensors named
/// "slot/parameter" (<c>m/0.weight</c>, <c>v/0.weight</c>, <c>trace/2.bias</c>), each of its parameter's shape, and
/// scalars (<c>count</c>, the number of updates made). What a checkpoint saves and what <c>Fit</c> enumerates to know
/// which buffers a state holds; <see cref="IOptimizerState{T}.LoadStateDict"/> rebuilds an equal state from it.
/// </summary>
public sealed record StateDict<T> where T : struct, IFloatingPointIeee754<T>
{
    /// <summary>Named tensors and named scalars; names must be unique within each.</summary>
    public StateDict(Parameters<T> tensors, ImmutableArray<(string Name, long Value)> scalars)
    {
        Tensors = tensors;
        Scalars = scalars;
        if (scalars.Duplicate(static s => s.Name) is { } twice)
            throw new ArgumentException($"StateDict: the scalar \"{twice}\" is given twice.", nameof(scalars));
    }

    /// <summary>The tensors, in a fixed order, each named "slot/parameter".</summary>
    public Parameters<T> Tensors { get; }

    /// <summary>The scalars (step counts), in a fixed order.</summary>
    public ImmutableArray<(string Name, long Value)> Scalars { get; }

    /// <summary>Nothing: the contents of a stateless transform's state.</summary>
    public static StateDict<T> Empty { get; } = new(new Parameters<T>([], []), []);

    /// <summary>These contents plus the scalar <paramref name="name"/> = <paramref name="value"/>.</summary>
    public StateDict<T> With(string name, long value) => new(Tensors, Scalars.Add((name, value)));

    /// <summary>These contents plus one tensor per parameter of <paramref name="slot"/>, named "<paramref name="name"/>/parameter"
    /// (with m: <c>m/0.weight</c>, <c>m/0.bias</c>, …); nothing when <paramref name="slot"/> is null (an optional buffer that is off).</summary>
    public StateDict<T> With(string name, Parameters<T>? slot) => slot is null ? this
        : new(new Parameters<T>([.. Tensors.Names, .. slot.Names.Select(p => $"{name}/{p}")], [.. Tensors.Tensors, .. slot.Tensors]), Scalars);

    /// <summary>The scalar <paramref name="name"/>; a missing one is an error that lists the names.</summary>
    public long Scalar(string name)
    {
        foreach (var (n, value) in Scalars)
            if (n == name) return value;
        throw new KeyNotFoundException($"The optimizer state has no scalar named \"{name}\"; its scalars are {string.Join(", ", Scalars.Select(s => s.Name))}.");
    }

    /// <summary>The scalar "count" (updates made), which must be ≥ 0.</summary>
    public long Count() => Hyper.NonNegative(Scalar("count"), "count", "LoadStateDict");

    /// <summary>The slot <paramref name="name"/> shaped and named as <paramref name="like"/> (the state being loaded into):
    /// tensor "name/p" for each parameter p of it. A missing name or a different shape is an error naming both; null
    /// when <paramref name="like"/> is (an optional buffer that is off).</summary>
    public Parameters<T>? Slot(string name, Parameters<T>? like)
    {
        if (like is null) return null;
        var tensors = new Matrix<T>[like.Count];
        for (var i = 0; i < like.Count; i++)
        {
            var key = $"{name}/{like.Names[i]}";
            tensors[i] = Tensors[key];
            Shape.RequireSame("LoadStateDict", $"tensor {key}", tensors[i], $"the state's {key}", like[i]);
        }
        return like.WithTensors(tensors);
    }

    /// <summary>Throws unless these contents have exactly the names of <paramref name="expected"/> (the contents of the
    /// state being loaded into): a checkpoint of another optimizer, or of other parameters, is refused by name.</summary>
    public void RequireSameNames(StateDict<T> expected, object owner)
    {
        var (tensors, wanted) = (Tensors.Names.ToHashSet(StringComparer.Ordinal), expected.Tensors.Names.ToHashSet(StringComparer.Ordinal));
        var (scalars, wantedScalars) = (Scalars.Select(s => s.Name).ToHashSet(), expected.Scalars.Select(s => s.Name).ToHashSet());
        if (tensors.SetEquals(wanted) && scalars.SetEquals(wantedScalars)) return;
        var missing = wanted.Except(tensors).Concat(wantedScalars.Except(scalars)).ToArray();
        var extra = tensors.Except(wanted).Concat(scalars.Except(wantedScalars)).ToArray();
        throw new ArgumentException($"{owner}: the state to load does not fit this optimizer's state" +
            (missing.Length > 0 ? $"; missing {string.Join(", ", missing)}" : "") +
            (extra.Length > 0 ? $"; not part of it: {string.Join(", ", extra)}" : "") +
            ". Load a state saved from the same optimizer on parameters with the same names.");
    }

    /// <summary>Prints the scalars and the tensors' names and shapes: "StateDict(count = 3, m/0.weight: 784×128)", never the
    /// values.</summary>
    public override string ToString() =>
        $"StateDict({string.Join(", ", Scalars.Select(s => $"{s.Name} = {s.Value}").Concat(Tensors.Names.Select((n, i) => $"{n}: {Shape.Of(Tensors[i])}")))})";
}
