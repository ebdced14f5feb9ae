using System.Collections.Concurrent;
using System.Reflection;
using MathNet.Numerics.LinearAlgebra;

namespace Nabla.Layers;

/// <summary>
/// Every layer type that can be rebuilt by name: the <see cref="IDescribedLayer{TSelf, T}"/> implementations in Nabla,
/// found once by reflection. What a file reader calls, so no list of layer types is kept anywhere by hand.
/// </summary>
public static class LayerTypes
{
    static readonly Lazy<IReadOnlyDictionary<string, Type>> byName = new(Scan);
    static readonly ConcurrentDictionary<(string, Type), Entry> entries = new();

    /// <summary>The type names, sorted.</summary>
    public static IReadOnlyList<string> Names => [.. byName.Value.Keys.Order(StringComparer.Ordinal)];

    /// <summary>True when <paramref name="type"/> names a layer type.</summary>
    public static bool Exists(string type) => byName.Value.ContainsKey(type);

    /// <summary>The tensors a layer of <paramref name="type"/> with settings <paramref name="config"/> has; a bad setting
    /// is a <see cref="LayerConfigException"/>, an unknown type an <see cref="ArgumentException"/> listing the known ones.</summary>
    public static IReadOnlyList<TensorDescription> TensorsFor(string type, LayerConfig config) => Get<double>(type).TensorsFor(config);

    /// <summary>The layer of <paramref name="type"/> with settings <paramref name="config"/> and <paramref name="tensors"/>,
    /// each checked against the shape <see cref="TensorsFor"/> gives it.</summary>
    public static ILayer<T> Build<T>(string type, LayerConfig config, IReadOnlyList<Matrix<T>> tensors) where T : struct, IFloatingPointIeee754<T>
    {
        var entry = Get<T>(type);
        var expected = entry.TensorsFor(config);
        if (tensors.Count != expected.Count)
            throw new ArgumentException($"{type}: {tensors.Count} tensors given; it has {expected.Count} ({string.Join(", ", expected)}).");
        for (var i = 0; i < expected.Count; i++)
        {
            var (rows, columns) = expected[i].MatrixShape;
            if (tensors[i].RowCount != rows || tensors[i].ColumnCount != columns)
                throw new ShapeException($"{type}: tensor {expected[i].Name} must be a {rows}×{columns} matrix (PyTorch shape [{string.Join(", ", expected[i].Shape)}]), got {Shape.Of(tensors[i])}.");
        }
        return ((Func<LayerConfig, IReadOnlyList<Matrix<T>>, ILayer<T>>)entry.Build)(config, tensors);
    }

    sealed record Entry(Func<LayerConfig, IReadOnlyList<TensorDescription>> TensorsFor, Delegate Build);

    static Entry Get<T>(string type) where T : struct, IFloatingPointIeee754<T> => entries.GetOrAdd((type, typeof(T)), static key =>
    {
        if (!byName.Value.TryGetValue(key.Item1, out var definition))
            throw new ArgumentException($"\"{key.Item1}\" is not a layer type; the layer types are {string.Join(", ", Names)}.");
        var statics = typeof(Statics<,>).MakeGenericType(definition.MakeGenericType(typeof(T)), typeof(T));
        return new Entry(
            statics.GetMethod(nameof(Statics<,>.TensorsFor))!.CreateDelegate<Func<LayerConfig, IReadOnlyList<TensorDescription>>>(),
            statics.GetMethod(nameof(Statics<,>.Build))!.CreateDelegate<Func<LayerConfig, IReadOnlyList<Matrix<T>>, ILayer<T>>>());
    });

    static Dictionary<string, Type> Scan() => Scan(typeof(LayerTypes).Assembly.GetTypes());

    // The layer types among `types` by name. Apart from Scan() so a test can run it afresh (Scan()'s result is cached for the
    // process) and on types of its own (two layers with one name).
    internal static Dictionary<string, Type> Scan(IEnumerable<Type> types)
    {
        var found = new Dictionary<string, Type>(StringComparer.Ordinal);
        // Stryker disable once Logical : equivalent; || also admits generic types of two or more parameters, and none in Core is a layer
        var generic = types.Where(t => t.IsGenericTypeDefinition && t.GetGenericArguments().Length == 1);
        foreach (var definition in generic)
        {
            if (!definition.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDescribedLayer<,>))) continue;
            var statics = typeof(Statics<,>).MakeGenericType(definition.MakeGenericType(typeof(double)), typeof(double));
            var name = (string)statics.GetMethod(nameof(Statics<,>.TypeName))!.Invoke(null, null)!;
            if (!found.TryAdd(name, definition))
                throw new InvalidOperationException($"Two layer types are named \"{name}\": {found[name].Name} and {definition.Name}.");
        }
        return found;
    }

    // The static members of one closed layer type, callable through delegates.
    static class Statics<TLayer, T> where TLayer : IDescribedLayer<TLayer, T> where T : struct, IFloatingPointIeee754<T>
    {
        public static string TypeName() => TLayer.TypeName;
        public static IReadOnlyList<TensorDescription> TensorsFor(LayerConfig config) => TLayer.TensorsFor(config);
        public static ILayer<T> Build(LayerConfig config, IReadOnlyList<Matrix<T>> tensors) => TLayer.Build(config, tensors);
    }
}
