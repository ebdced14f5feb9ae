using System.Text.Json;

namespace Nabla.Tests.Golden;

/// <summary>Reads the PyTorch reference values in tests/Core.Tests/golden/ (copied from shared/golden; see its README).</summary>
static class Golden
{
    public static IReadOnlyList<JsonElement> Cases(string file)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "golden", file);
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.GetProperty("cases").EnumerateArray().Select(c => c.Clone()).ToArray();
    }

    /// <summary>Case indices of <paramref name="file"/> whose op is one of <paramref name="ops"/>, as theory data.</summary>
    public static TheoryData<int, string> Indices(string file, params string[] ops)
    {
        var data = new TheoryData<int, string>();
        var cases = Cases(file);
        for (var i = 0; i < cases.Count; i++)
        {
            var op = cases[i].GetProperty("op").GetString()!;
            if (ops.Length == 0 || ops.Contains(op)) data.Add(i, op);
        }
        return data;
    }

    /// <summary>A tensor {"shape": [...], "data": [...]} (row-major) as a matrix: 2-D as is, 1-D as one row.</summary>
    public static Matrix<double> Matrix(JsonElement tensor)
    {
        var shape = tensor.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var data = tensor.GetProperty("data").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var (rows, columns) = shape.Length switch
        {
            1 => (1, shape[0]),
            2 => (shape[0], shape[1]),
            _ => throw new NotSupportedException($"tensor of rank {shape.Length}"),
        };
        return Kernels.FromRowMajor<double>(rows, columns, data);
    }

    /// <summary>A batch tensor (N, …) as Nabla holds it: the N × (product of the rest) matrix over the same row-major values,
    /// with the sample shape ((C, H, W) for rank 4, (F) for rank 2).</summary>
    public static (Matrix<double> Matrix, SampleShape Shape) Batch(JsonElement tensor)
    {
        var (shape, data) = Read(tensor);
        var sample = shape.Length switch
        {
            2 => SampleShape.Features(shape[1]),
            4 => SampleShape.Image(shape[1], shape[2], shape[3]),
            _ => throw new NotSupportedException($"a batch of rank {shape.Length}"),
        };
        return (Kernels.FromRowMajor<double>(shape[0], sample.Size, data), sample);
    }

    /// <summary>A layer's tensor of PyTorch shape (d0, d1, …) as Nabla keeps it (see TensorDescription): the (d1·…) × d0
    /// matrix whose column-major storage is PyTorch's row-major data (1 × d0 for a vector).</summary>
    public static Matrix<double> Tensor(JsonElement tensor)
    {
        var (shape, data) = Read(tensor);
        return shape.Length == 1 ? Matrix<double>.Build.Dense(1, shape[0], data)
            : Matrix<double>.Build.Dense(shape.Skip(1).Aggregate(1, (a, d) => a * d), shape[0], data);
    }

    static (int[] Shape, double[] Data) Read(JsonElement tensor) =>
        (tensor.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray(),
         tensor.GetProperty("data").EnumerateArray().Select(e => e.GetDouble()).ToArray());
}
