namespace Nabla.Tests.Compute;

/// <summary>
/// Every element-wise rule gives the same bits whether an element goes through the SIMD body or the scalar tail. A
/// tensor of n elements runs the vector body on all but n mod width of them; n tensors of one element each run the
/// scalar tail only. Both are computed through the public API (optimizers, layers), over random lengths that cover
/// every remainder of 4-, 8- and 16-lane vectors, in float and double. With SIMD off (.ci/run's second pass) both
/// sides are scalar and the golden tests carry the check.
/// </summary>
[Trait("Category", TestSupport.KernelCategory)]
public class VectorTailTests
{
    static readonly Dictionary<string, IOptimizer> Optimizers = new()
    {
        ["sgd"] = new Sgd(0.1),
        ["sgd_momentum_decay"] = new Sgd(0.1, Momentum: 0.9, WeightDecay: 0.05),
        ["sgd_nesterov_decay"] = new Sgd(0.1, Momentum: 0.8, Nesterov: true, WeightDecay: 0.05),
        ["adagrad_initial_decay"] = new Adagrad(0.1, Epsilon: 1e-3, InitialAccumulatorValue: 0.2, WeightDecay: 0.1),
        ["rmsprop"] = new RmsProp(0.01),
        ["rmsprop_centered_momentum_decay"] = new RmsProp(0.01, Rho: 0.9, Momentum: 0.7, Centered: true, WeightDecay: 0.2),
        ["adam_decay"] = new Adam(0.01, WeightDecay: 0.3),
        ["adamw"] = new AdamW(0.01, WeightDecay: 0.1),
    };

    public static TheoryData<string> OptimizerNames() => [.. Optimizers.Keys];

    static Arbitrary<(int Length, int Seed)> Cases() =>
        Arb.From(from length in Gen.Choose(1, 70) from seed in Gen.Choose(0, int.MaxValue) select (length, seed));

    [Theory, MemberData(nameof(OptimizerNames))]
    public void Optimizer_steps_are_the_same_in_the_vector_body_and_the_scalar_tail(string name)
    {
        Check.One(TestSupport.Properties(40), Prop.ForAll(Cases(), c =>
        {
            SameBits<float>(Optimizers[name], c.Length, c.Seed, name);
            SameBits<double>(Optimizers[name], c.Length, c.Seed, name);
            return true;
        }));
    }

    static void SameBits<T>(IOptimizer optimizer, int length, int seed, string name) where T : struct, IFloatingPointIeee754<T>
    {
        var rng = new Rng((ulong)seed);
        double[] Draw() => [.. Enumerable.Range(0, length).Select(_ => rng.Uniform(-2, 2))];
        var theta = Draw();
        Parameters<T> Whole(double[] v) => new([Kernels.FromRowMajor<T>(1, length, v)]);
        Parameters<T> Split(double[] v) => new(v.Select(x => Kernels.FromRowMajor<T>(1, 1, [x])));
        var (whole, split) = (Whole(theta), Split(theta));
        var (wholeState, splitState) = (optimizer.Init(whole), optimizer.Init(split));
        for (var step = 0; step < 3; step++)
        {
            var g = Draw();
            if (step == 1)
            {
                (var updates, wholeState) = optimizer.Update(Whole(g), wholeState, whole);
                whole = whole.Add(updates);
                (updates, splitState) = optimizer.Update(Split(g), splitState, split);
                split = split.Add(updates);
            }
            else
            {
                (whole, wholeState) = optimizer.Apply(Whole(g), wholeState, whole);
                (split, splitState) = optimizer.Apply(Split(g), splitState, split);
            }
            var vector = Kernels.Values(whole[0]);
            for (var i = 0; i < length; i++)
                Assert.True(vector[i].Equals(Kernels.Values(split[i])[0]),
                    $"{name} ({typeof(T).Name}), {length} elements, step {step + 1}, element {i}: vector body {vector[i]:R}, scalar tail {Kernels.Values(split[i])[0]:R}");
        }
    }

    public static TheoryData<string> LayerNames() => ["relu", "leaky_relu", "sigmoid", "tanh"];

    static ILayer<T> Build<T>(string name) where T : struct, IFloatingPointIeee754<T> => name switch
    {
        "relu" => new Relu<T>(),
        "leaky_relu" => new LeakyRelu<T>(0.1),
        "sigmoid" => new Sigmoid<T>(),
        _ => new Tanh<T>(),
    };

    [Theory, MemberData(nameof(LayerNames))]
    public void Activation_forward_and_backward_are_the_same_in_the_vector_body_and_the_scalar_tail(string name)
    {
        Check.One(TestSupport.Properties(40), Prop.ForAll(Cases(), c =>
        {
            SameActivation<float>(name, c.Length, c.Seed);
            SameActivation<double>(name, c.Length, c.Seed);
            return true;
        }));
    }

    // Bit for bit, except tanh: its forward is TensorPrimitives.Tanh, whose vector and scalar paths are different
    // approximations (measured: 1 ulp apart at x = 2.52 in float), and its backward starts from that output.
    static bool Same<T>(string name, T a, T b) where T : struct, IFloatingPointIeee754<T>
    {
        if (name != "tanh") return a.Equals(b);
        var unit = T.CreateChecked(typeof(T) == typeof(float) ? 1.2e-7 : 2.3e-16);   // the machine epsilon of T
        return T.Abs(a - b) <= T.CreateChecked(4) * unit * T.Max(T.Abs(a), T.One);
    }

    static void SameActivation<T>(string name, int length, int seed) where T : struct, IFloatingPointIeee754<T>
    {
        var rng = new Rng((ulong)seed);
        var x = Enumerable.Range(0, length).Select(_ => rng.Uniform(-4, 4)).ToArray();
        var dy = Enumerable.Range(0, length).Select(_ => rng.Uniform(-1, 1)).ToArray();
        var layer = Build<T>(name);
        var trace = layer.ForwardTrain(Kernels.FromRowMajor<T>(1, length, x), new Rng(0));
        var dx = layer.Backward(trace, Kernels.FromRowMajor<T>(1, length, dy)).InputGradient!;
        for (var i = 0; i < length; i++)
        {
            var one = layer.ForwardTrain(Kernels.FromRowMajor<T>(1, 1, [x[i]]), new Rng(0));
            var oneDx = layer.Backward(one, Kernels.FromRowMajor<T>(1, 1, [dy[i]])).InputGradient!;
            var what = $"{name} ({typeof(T).Name}), {length} elements, element {i} (x = {x[i]:R})";
            Assert.True(Same(name, trace.Output[0, i], one.Output[0, 0]), $"{what}: y {trace.Output[0, i]:R} in the vector body, {one.Output[0, 0]:R} alone");
            Assert.True(Same(name, dx[0, i], oneDx[0, 0]), $"{what}: dx {dx[0, i]:R} in the vector body, {oneDx[0, 0]:R} alone");
        }
    }
}
