namespace Nabla.Tests;

/// <summary>Shared helpers: repository paths, random matrices, FsCheck configuration, bit-exact snapshots.</summary>
static class TestSupport
{
    /// <summary>The repository root (the folder holding Solution.sln), found from the test binary's folder.</summary>
    public static string RepoRoot { get; } = FindRoot();

    public static string DataPath(params string[] parts) => Path.Combine([RepoRoot, "data", .. parts]);

    static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Solution.sln"))) return dir.FullName;
        throw new InvalidOperationException("Solution.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>The replay seed of every [Property], so CI runs the same cases each time (a failure prints the seed and
    /// the shrunk counterexample; pass another Replay to explore).</summary>
    public const string Replay = "42,7";

    /// <summary>Property runs: 100 cases each, a fixed replay seed so CI is deterministic; a failure prints the
    /// seed and the shrunk counterexample.</summary>
    public static Config Properties(int maxTest = 100) =>
        Config.QuickThrowOnFailure.WithMaxTest(maxTest).WithReplay(new Replay(new Rnd(42UL, 7UL), null));

    /// <summary>The trait of tests that pin the element-wise kernels and the products to their definitions: .ci/run runs
    /// them a second time with hardware intrinsics off (DOTNET_EnableHWIntrinsic=0), so the scalar paths every
    /// non-SIMD CPU and every tensor tail takes are checked against PyTorch too.</summary>
    public const string KernelCategory = "Kernels";

    /// <summary>The matrix-product backends a test that multiplies runs on, by name (theory data).</summary>
    public static TheoryData<string> BackendNames() => ["managed", "openblas"];

    /// <summary>Runs this flow's products on backend <paramref name="name"/> until disposed. When OpenBLAS is not
    /// installed this returns null and the caller checks nothing, unless NABLA_REQUIRE_OPENBLAS=1 (.ci/run installs
    /// OpenBLAS and sets it), which makes a missing library a failure rather than a silent pass.</summary>
    public static IDisposable? OnBackend(string name)
    {
        if (name == "openblas" && Backend.OpenBlas is null)
        {
            Assert.False(Environment.GetEnvironmentVariable("NABLA_REQUIRE_OPENBLAS") == "1",
                "NABLA_REQUIRE_OPENBLAS=1 but OpenBLAS did not load (Debian: apt-get install libopenblas0-pthread).");
            return null;
        }
        return Backend.Using(Backend.Get(name));
    }

    /// <summary>rows × columns with entries uniform in [low, high), drawn from <paramref name="rng"/>.</summary>
    public static Matrix<double> Random(Rng rng, int rows, int columns, double low = -3, double high = 3) =>
        Matrix<double>.Build.Dense(rows, columns, (_, _) => rng.Uniform(low, high));

    /// <summary>A bit-exact copy of a matrix's values, for purity checks.</summary>
    public static T[] Snapshot<T>(Matrix<T> m) where T : struct, IEquatable<T>, IFormattable => (T[])Kernels.Values(m).Clone();

    public static void AssertClose(Matrix<double> expected, Matrix<double> actual, double relative, string what)
    {
        Assert.True(expected.RowCount == actual.RowCount && expected.ColumnCount == actual.ColumnCount,
            $"{what}: expected shape {Shape.Of(expected)}, got {Shape.Of(actual)}");
        for (var i = 0; i < expected.RowCount; i++)
            for (var j = 0; j < expected.ColumnCount; j++)
                AssertClose(expected[i, j], actual[i, j], relative, $"{what}[{i},{j}]");
    }

    public static void AssertClose(double expected, double actual, double relative, string what)
    {
        var error = Math.Abs(expected - actual) / Math.Max(Math.Abs(expected), 1e-12);
        Assert.True(error <= relative || Math.Abs(expected - actual) < 1e-15,
            $"{what}: expected {expected:R}, got {actual:R} (relative error {error:E2} > {relative:E0})");
    }
}

/// <summary>A random test case: a shape and a seed for the values. Shrinks toward smaller shapes.</summary>
public sealed record MatrixCase(int Rows, int Columns, int Outputs, ulong Seed)
{
    public static Arbitrary<MatrixCase> Arbitrary(int maxRows = 6, int maxColumns = 7) =>
        Arb.From(
            from rows in Gen.Choose(1, maxRows)
            from columns in Gen.Choose(1, maxColumns)
            from outputs in Gen.Choose(1, 5)
            from seed in Gen.Choose(0, int.MaxValue)
            select new MatrixCase(rows, columns, outputs, (ulong)seed),
            c => Shrink(c));

    static IEnumerable<MatrixCase> Shrink(MatrixCase c)
    {
        if (c.Rows > 1) yield return c with { Rows = c.Rows - 1 };
        if (c.Columns > 1) yield return c with { Columns = c.Columns - 1 };
        if (c.Outputs > 1) yield return c with { Outputs = c.Outputs - 1 };
    }

    public Rng Rng() => new(Seed);
}

/// <summary><see cref="MatrixCase"/> for FsCheck.Xunit: <c>[Property(Arbitrary = [typeof(MatrixCases)])]</c>.</summary>
public static class MatrixCases
{
    public static Arbitrary<MatrixCase> Cases() => MatrixCase.Arbitrary();
}
