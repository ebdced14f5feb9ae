using System.Text.Json;

namespace Nabla.Tests.Optimizers;

/// <summary>
/// Each case of golden/optimizer_steps.json (make_optimizer_steps.py): PyTorch's parameters after each of four steps,
/// for every optimizer variant and hyperparameter, in float64 and float32, on four tensors of 12, 10, 13 and 37
/// elements, so that both the SIMD body and the scalar tail of every rule are compared with PyTorch. Written against
/// the public behaviour only (construct, Init, Update or Apply, compare parameters): it is the specification any
/// reimplementation of the optimizers must keep passing.
/// </summary>
[Trait("Category", TestSupport.KernelCategory)]
public class OptimizerStepsGoldenTests
{
    const string File = "optimizer_steps.json";

    // Errors are measured against max(|expected|, 1), as parameters are of order 1 and some pass near 0.
    // float64: PyTorch and Nabla evaluate the same formulas in a slightly different order. float32: a few ulps of
    // rounding, amplified by 1/√v where v is small; every term of every rule moves the parameters by ≥ ~1e-3 (see the
    // generator), far above either tolerance.
    static double Tolerance(string dtype) => dtype == "float64" ? 1e-12 : 1e-5;

    static readonly Lazy<JsonElement> Document = new(() =>
        JsonDocument.Parse(System.IO.File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "golden", File))).RootElement.Clone());

    public static TheoryData<string, string, bool> Cases()
    {
        var data = new TheoryData<string, string, bool>();
        foreach (var c in Document.Value.GetProperty("cases").EnumerateArray())
            foreach (var apply in new[] { false, true })
                data.Add(c.GetProperty("name").GetString()!, c.GetProperty("dtype").GetString()!, apply);
        return data;
    }

    /// <summary>The Nabla optimizer for PyTorch's class and keyword arguments; an argument Nabla does not map fails the
    /// test (so the generator cannot add a case this reader silently ignores). Missing arguments take Nabla's
    /// defaults, which the *_defaults cases pin to PyTorch's.</summary>
    static IOptimizer Build(string kind, JsonElement hyper)
    {
        var given = hyper.EnumerateObject().ToDictionary(p => p.Name, p => p.Value);
        var used = new HashSet<string>();
        JsonElement? Read(string name)
        {
            if (!given.TryGetValue(name, out var value)) return null;
            used.Add(name);
            return value;
        }
        double? Number(string name) => Read(name)?.GetDouble();
        bool Flag(string name) => Read(name)?.GetBoolean() ?? false;
        double? Beta(int i) => Read("betas")?[i].GetDouble();
        LearningRateSchedule? Rate() => Number("lr") is { } lr ? lr : null;

        IOptimizer optimizer = kind switch
        {
            "SGD" => new Sgd(Rate(), Momentum: Number("momentum") ?? 0, Nesterov: Flag("nesterov"), WeightDecay: Number("weight_decay") ?? 0),
            "Adagrad" => With(new Adagrad(Rate()), a => a with
            {
                Epsilon = Number("eps") ?? a.Epsilon,
                InitialAccumulatorValue = Number("initial_accumulator_value") ?? a.InitialAccumulatorValue,
                WeightDecay = Number("weight_decay") ?? a.WeightDecay,
            }),
            "RMSprop" => With(new RmsProp(Rate()), r => r with
            {
                Rho = Number("alpha") ?? r.Rho,
                Epsilon = Number("eps") ?? r.Epsilon,
                Momentum = Number("momentum") ?? r.Momentum,
                Centered = Flag("centered"),
                WeightDecay = Number("weight_decay") ?? r.WeightDecay,
            }),
            "Adam" => With(new Adam(Rate()), a => a with
            {
                Beta1 = Beta(0) ?? a.Beta1,
                Beta2 = Beta(1) ?? a.Beta2,
                Epsilon = Number("eps") ?? a.Epsilon,
                WeightDecay = Number("weight_decay") ?? a.WeightDecay,
            }),
            "AdamW" => With(new AdamW(Rate()), a => a with
            {
                Beta1 = Beta(0) ?? a.Beta1,
                Beta2 = Beta(1) ?? a.Beta2,
                Epsilon = Number("eps") ?? a.Epsilon,
                WeightDecay = Number("weight_decay") ?? a.WeightDecay,
            }),
            _ => throw new NotSupportedException($"{File}: no Nabla optimizer for PyTorch's {kind}"),
        };
        var ignored = given.Keys.Except(used).ToArray();
        Assert.True(ignored.Length == 0, $"{File}: {kind} arguments {string.Join(", ", ignored)} are not mapped to Nabla");
        return optimizer;
    }

    static TOptimizer With<TOptimizer>(TOptimizer start, Func<TOptimizer, TOptimizer> set) => set(start);

    [Theory, MemberData(nameof(Cases))]
    public void Every_step_matches_pytorch(string name, string dtype, bool apply)
    {
        if (dtype == "float64") Run<double>(name, dtype, apply);
        else Run<float>(name, dtype, apply);
    }

    static void Run<T>(string name, string dtype, bool apply) where T : struct, IFloatingPointIeee754<T>
    {
        var root = Document.Value;
        var c = root.GetProperty("cases").EnumerateArray().Single(e => e.GetProperty("name").GetString() == name && e.GetProperty("dtype").GetString() == dtype);
        var inputs = root.GetProperty("inputs").GetProperty(dtype);
        var optimizer = Build(c.GetProperty("optimizer").GetString()!, c.GetProperty("hyper"));
        var parameters = Tensors<T>(inputs.GetProperty("initial"));
        var state = optimizer.Init(parameters);
        var grads = inputs.GetProperty("grads").EnumerateArray().ToArray();
        var expected = c.GetProperty("params_after_each_step").EnumerateArray().ToArray();
        Assert.Equal(grads.Length, expected.Length);
        for (var step = 0; step < grads.Length; step++)
        {
            var g = Tensors<T>(grads[step]);
            if (apply)
                (parameters, state) = optimizer.Apply(g, state, parameters);
            else
            {
                (var updates, state) = optimizer.Update(g, state, parameters);
                parameters = parameters.Add(updates);
            }
            var want = Tensors<double>(expected[step]);
            for (var i = 0; i < want.Count; i++)
            {
                var (e, a) = (Kernels.Values(want[i]), Kernels.Values(parameters[i]));
                for (var k = 0; k < e.Length; k++)
                {
                    var error = Math.Abs(double.CreateChecked(a[k]) - e[k]) / Math.Max(Math.Abs(e[k]), 1);
                    Assert.True(error <= Tolerance(dtype), $"{name} ({dtype}, {(apply ? "Apply" : "Update + Add")}) after step {step + 1}: " +
                        $"tensor {i} ({e.Length} elements), element {k}: expected {e[k]:R}, got {a[k]:R} (error {error:E2})");
                }
            }
        }
    }

    /// <summary>A list of {"shape", "data"} tensors; a 1-D tensor of n elements is a 1 × n row (the rules are
    /// element-wise, so the layout does not matter, only the element count does).</summary>
    static Parameters<T> Tensors<T>(JsonElement list) where T : struct, IFloatingPointIeee754<T> =>
        new(list.EnumerateArray().Select(t =>
        {
            var shape = t.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            var data = t.GetProperty("data").EnumerateArray().Select(e => e.GetDouble()).ToArray();
            var (rows, columns) = shape.Length == 1 ? (1, shape[0]) : (shape[0], shape[1]);
            return Kernels.FromRowMajor<T>(rows, columns, data);
        }));

    [Fact]
    public void The_golden_file_covers_every_optimizer_variant_in_both_precisions()
    {
        var cases = Document.Value.GetProperty("cases").EnumerateArray().ToArray();
        var names = cases.Select(c => c.GetProperty("name").GetString()!).ToHashSet();
        Assert.Superset(new HashSet<string>
        {
            "sgd", "sgd_momentum", "sgd_nesterov", "sgd_weight_decay", "adagrad_initial_accumulator", "adagrad_weight_decay",
            "rmsprop_centered", "rmsprop_momentum", "rmsprop_centered_momentum", "rmsprop_weight_decay", "adam_weight_decay",
            "adamw", "adagrad_defaults", "rmsprop_defaults", "adam_defaults", "adamw_defaults",
        }, names);
        foreach (var name in names)
            Assert.Equal(["float32", "float64"], cases.Where(c => c.GetProperty("name").GetString() == name)
                .Select(c => c.GetProperty("dtype").GetString()!).Order().ToArray());
        // Lengths that leave a scalar tail after 8-float, 16-float, 4-double and 8-double vectors.
        var lengths = Document.Value.GetProperty("inputs").GetProperty("float32").GetProperty("initial").EnumerateArray()
            .Select(t => t.GetProperty("data").GetArrayLength()).ToArray();
        Assert.Contains(lengths, n => n % 16 != 0 && n % 8 != 0 && n % 4 != 0 && n > 16);
    }
}
