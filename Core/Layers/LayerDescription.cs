namespace Nabla.Layers;

/// <summary>
/// What a layer says about itself, for saving and export (<see cref="ILayer{T}.Describe"/>): its type name ("conv2d"), its
/// settings ({"in_channels": 1, "out_channels": 32, …}) and its named tensors with the shapes PyTorch gives them. A
/// saved architecture is the list of (Type, Config); the tensors go to the file under "{layer index}.{name}".
/// </summary>
public sealed record LayerDescription(string Type, LayerConfig Config, IReadOnlyList<TensorDescription> Tensors)
{
    /// <summary>Prints the type, settings and tensors: dense {"inputs":2,"outputs":3} [weight: [3, 2], bias: [3]].</summary>
    public override string ToString() => $"{Type} {Config} [{string.Join(", ", Tensors)}]";
}

/// <summary>Whether training changes a tensor by its gradient (a parameter) or otherwise (state: PyTorch's buffers).</summary>
public enum TensorRole
{
    /// <summary>Trained by its gradient (PyTorch's parameters).</summary>
    Parameter,

    /// <summary>Updated by training without a gradient (PyTorch's buffers: running statistics, counters).</summary>
    State,
}

/// <summary>
/// One named tensor of a layer: its name in PyTorch's state dict ("weight", "running_mean"), its shape there ((out, in) for
/// a dense weight, (out, in, kh, kw) for a convolution's, (C) for a bias, () for a counter), its role, and whether PyTorch
/// keeps it as an integer (batch norm's num_batches_tracked, int64). Nabla holds every tensor as a matrix of shape
/// <see cref="MatrixShape"/>: (d1·d2·…) × d0 for shape (d0, d1, …), 1 × d0 for (d0), 1 × 1 for (); its column-major
/// storage then holds exactly PyTorch's row-major values, so files and exports copy values and never transpose.
/// </summary>
public sealed record TensorDescription(string Name, IReadOnlyList<int> Shape, TensorRole Role, bool Integer = false)
{
    /// <summary>The matrix Nabla keeps it in: (d1·d2·…) × d0, 1 × d0 for a vector, 1 × 1 for a scalar.</summary>
    public (int Rows, int Columns) MatrixShape => Shape.Count switch
    {
        0 => (1, 1),
        1 => (1, Shape[0]),
        _ => (checked(Shape.Skip(1).Aggregate(1, (a, d) => a * d)), Shape[0]),
    };

    /// <summary>Number of values: the product of the dimensions (1 for a scalar).</summary>
    public long ElementCount => Shape.Aggregate(1L, (a, d) => a * d);

    /// <summary>Prints the name and PyTorch's shape: "weight: [3, 2]", with " int64" and " (state)" when so.</summary>
    public override string ToString() => $"{Name}: [{string.Join(", ", Shape)}]{(Integer ? " int64" : "")}{(Role == TensorRole.State ? " (state)" : "")}";
}
