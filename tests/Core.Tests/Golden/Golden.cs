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
}
