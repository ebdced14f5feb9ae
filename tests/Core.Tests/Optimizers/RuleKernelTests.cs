using System.Runtime.InteropServices;
using FsCheck.Xunit;

namespace Nabla.Tests.Optimizers;

/// <summary>
/// Each optimizer's vector kernel against its scalar rule, element by element and bit for bit, in float and double, on
/// random lengths: lengths that are not a multiple of the vector width end in a scalar tail, and lengths below it have
/// only a tail. The values include zeros and numbers near the smallest normal, so the subnormal flush is exercised too.
/// </summary>
[Properties(Arbitrary = [typeof(SpanCases)], Replay = "(42,7)", MaxTest = 80)]
public class RuleKernelTests
{
    [Property]
    public void AddDecayedWeights_kernel_is_its_rule(SpanCase c)
    {
        Check<float>(c);
        Check<double>(c);
        static void Check<T>(SpanCase c) where T : struct, IFloatingPointIeee754<T>
        {
            var (g, p, decay) = (c.Values<T>(0), c.Values<T>(1), c.Number<T>(0.1));
            var u = new T[c.Length];
            AddDecayedWeights.Kernel<T>(g, p, u, decay);
            SpanCase.AssertBits(u, i => AddDecayedWeights.Rule(g[i], p[i], decay), c, "u");
        }
    }

    [Property]
    public void Trace_kernel_is_its_rule(SpanCase c)
    {
        Check<float>(c);
        Check<double>(c);
        static void Check<T>(SpanCase c) where T : struct, IFloatingPointIeee754<T>
        {
            var (g, t, mu) = (c.Values<T>(0), c.Values<T>(1), c.Number<T>(0.9));
            var (u, nt) = (new T[c.Length], new T[c.Length]);
            Trace.Kernel<T>(g, t, u, nt, mu, c.Flag);
            SpanCase.AssertBits(u, i => Trace.Rule(g[i], t[i], mu, c.Flag).U, c, "u");
            SpanCase.AssertBits(nt, i => Trace.Rule(g[i], t[i], mu, c.Flag).Trace, c, "t'");
        }
    }

    [Property]
    public void ScaleByLearningRate_kernel_is_its_rule(SpanCase c)
    {
        Check<float>(c);
        Check<double>(c);
        static void Check<T>(SpanCase c) where T : struct, IFloatingPointIeee754<T>
        {
            var (g, p, rate) = (c.Values<T>(0), c.Values<T>(1), c.Number<T>(-0.01));
            var result = new T[c.Length];
            ScaleByLearningRate.Kernel<T>(g, c.Flag ? p : [], result, rate);   // Flag: applied, θ + u
            SpanCase.AssertBits(result, i => c.Flag ? p[i] + ScaleByLearningRate.Rule(g[i], rate) : ScaleByLearningRate.Rule(g[i], rate), c, "result");
        }
    }

    [Property]
    public void ScaleByAdam_kernel_is_its_rule(SpanCase c)
    {
        Check<float>(c);
        Check<double>(c);
        static void Check<T>(SpanCase c) where T : struct, IFloatingPointIeee754<T>
        {
            var (g, m, v) = (c.Values<T>(0), c.Values<T>(1), c.Values<T>(2, positive: true));
            var k = new ScaleByAdam(0.9, 0.999, 1e-8).At<T>(c.Step);
            var (u, nm, nv) = (new T[c.Length], new T[c.Length], new T[c.Length]);
            ScaleByAdam.Kernel<T>(g, m, v, u, nm, nv, k);
            SpanCase.AssertBits(u, i => ScaleByAdam.Rule(g[i], m[i], v[i], k).U, c, "u");
            SpanCase.AssertBits(nm, i => ScaleByAdam.Rule(g[i], m[i], v[i], k).M, c, "m'");
            SpanCase.AssertBits(nv, i => ScaleByAdam.Rule(g[i], m[i], v[i], k).V, c, "v'");
        }
    }

    [Property]
    public void ScaleByRms_kernel_is_its_rule(SpanCase c)
    {
        Check<float>(c);
        Check<double>(c);
        static void Check<T>(SpanCase c) where T : struct, IFloatingPointIeee754<T>
        {
            // Flag: centered. m is kept small against v so that v − m² stays positive, as it does in training.
            var (g, v, m) = (c.Values<T>(0), c.Values<T>(1, positive: true, scale: 4), c.Values<T>(2, scale: 0.5));
            var k = new ScaleByRms.Constants<T>(T.CreateChecked(0.99), T.CreateChecked(0.01), T.CreateChecked(1e-8));
            var (u, nv, nm) = (new T[c.Length], new T[c.Length], c.Flag ? new T[c.Length] : []);
            ScaleByRms.Kernel<T>(g, v, c.Flag ? m : [], u, nv, nm, k);
            SpanCase.AssertBits(u, i => ScaleByRms.Rule(g[i], v[i], m[i], c.Flag, k).U, c, "u");
            SpanCase.AssertBits(nv, i => ScaleByRms.Rule(g[i], v[i], m[i], c.Flag, k).V, c, "v'");
            if (c.Flag) SpanCase.AssertBits(nm, i => ScaleByRms.Rule(g[i], v[i], m[i], true, k).M, c, "m'");
        }
    }

    [Property]
    public void ScaleByAdagrad_kernel_is_its_rule(SpanCase c)
    {
        Check<float>(c);
        Check<double>(c);
        static void Check<T>(SpanCase c) where T : struct, IFloatingPointIeee754<T>
        {
            var (g, s, epsilon) = (c.Values<T>(0), c.Values<T>(1, positive: true), T.CreateChecked(1e-10));
            var (u, ns) = (new T[c.Length], new T[c.Length]);
            ScaleByAdagrad.Kernel<T>(g, s, u, ns, epsilon);
            SpanCase.AssertBits(u, i => ScaleByAdagrad.Rule(g[i], s[i], epsilon).U, c, "u");
            SpanCase.AssertBits(ns, i => ScaleByAdagrad.Rule(g[i], s[i], epsilon).Sum, c, "s'");
        }
    }

    [Property]
    public void Fused_Sgd_kernel_is_its_rule(SpanCase c)
    {
        Check<float>(c);
        Check<double>(c);
        static void Check<T>(SpanCase c) where T : struct, IFloatingPointIeee754<T>
        {
            // Flag: momentum; the step picks decay and Nesterov.
            var (g, p, t) = (c.Values<T>(0), c.Values<T>(1), c.Values<T>(2));
            var k = new Sgd.Constants<T>(T.CreateChecked(0.05), T.CreateChecked(0.9), T.CreateChecked(-0.1),
                Decays: c.Step % 2 == 0, Traces: c.Flag, Nesterov: c.Flag && c.Step % 3 == 0);
            var (np, nt) = (new T[c.Length], c.Flag ? new T[c.Length] : []);
            Sgd.Kernel<T>(g, p, c.Flag ? t : [], np, nt, k);
            SpanCase.AssertBits(np, i => Sgd.Rule(g[i], p[i], t[i], k).Parameter, c, "θ'");
            if (c.Flag) SpanCase.AssertBits(nt, i => Sgd.Rule(g[i], p[i], t[i], k).Trace, c, "t'");
        }
    }

    [Property]
    public void Fused_Adam_kernel_is_its_rule(SpanCase c)
    {
        Check<float>(c);
        Check<double>(c);
        static void Check<T>(SpanCase c) where T : struct, IFloatingPointIeee754<T>
        {
            // Flag: AdamW's decoupled decay, else Adam's coupled one; no decay on every third step.
            var (g, p, m, v) = (c.Values<T>(0), c.Values<T>(1), c.Values<T>(2), c.Values<T>(3, positive: true));
            var decays = c.Step % 3 != 0;
            var k = new Adam.Constants<T>(new ScaleByAdam(0.9, 0.999, 1e-8).At<T>(c.Step), T.CreateChecked(0.01), T.CreateChecked(-1e-3),
                Coupled: decays && !c.Flag, Decoupled: decays && c.Flag);
            var (np, nm, nv) = (new T[c.Length], new T[c.Length], new T[c.Length]);
            Adam.Kernel<T>(g, p, m, v, np, nm, nv, k);
            SpanCase.AssertBits(np, i => Adam.Rule(g[i], p[i], m[i], v[i], k).Parameter, c, "θ'");
            SpanCase.AssertBits(nm, i => Adam.Rule(g[i], p[i], m[i], v[i], k).M, c, "m'");
            SpanCase.AssertBits(nv, i => Adam.Rule(g[i], p[i], m[i], v[i], k).V, c, "v'");
        }
    }
}

/// <summary>A kernel case: a length (0 to 80, so from tail-only to ten 8-float vectors and a tail), a seed for the values,
/// a flag that picks a kernel's variant, and an update index t.</summary>
public sealed record SpanCase(int Length, ulong Seed, bool Flag, int Step)
{
    /// <summary>Values for input <paramref name="index"/>: mostly uniform in ±scale, some exact zeros, and some within a
    /// factor of two of T's smallest normal number (whose products fall into the subnormals and must be flushed).</summary>
    public T[] Values<T>(int index, bool positive = false, double scale = 3) where T : struct, IFloatingPointIeee754<T>
    {
        var rng = new Rng(Seed + (ulong)index * 7919);
        // T's smallest normal number: 2⁻¹²⁶ for float, 2⁻¹⁰²² for double.
        var tiny = typeof(T) == typeof(float) ? BitConverter.Int32BitsToSingle(0x0080_0000) : BitConverter.Int64BitsToDouble(0x0010_0000_0000_0000);
        return [.. Enumerable.Range(0, Length).Select(_ =>
        {
            var pick = rng.Uniform(0, 1);
            var x = pick < 0.1 ? 0 : pick < 0.3 ? tiny * rng.Uniform(0.5, 2) : rng.Uniform(0, scale);
            return T.CreateChecked(positive || rng.Uniform(0, 1) < 0.5 ? x : -x);
        })];
    }

    /// <summary>A number near <paramref name="around"/> (within ±50%), from the seed.</summary>
    public T Number<T>(double around) where T : struct, IFloatingPointIeee754<T> => T.CreateChecked(around * new Rng(Seed ^ 0xABCDEF).Uniform(0.5, 1.5));

    /// <summary>Asserts that every element of <paramref name="actual"/> has the bits of <paramref name="expected"/>(i).</summary>
    public static void AssertBits<T>(T[] actual, Func<int, T> expected, SpanCase c, string what) where T : struct, IFloatingPointIeee754<T>
    {
        for (var i = 0; i < actual.Length; i++)
        {
            T[] e = [expected(i)], a = [actual[i]];
            Assert.True(MemoryMarshal.AsBytes(e.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(a.AsSpan())),
                $"{typeof(T).Name} {what}[{i}] of {c.Length} (vector width {System.Numerics.Vector<T>.Count}): the kernel gives {a[0]:R}, the rule {e[0]:R}");
        }
    }
}

/// <summary>FsCheck's generator of <see cref="SpanCase"/>s; shrinks toward shorter spans and earlier steps.</summary>
public static class SpanCases
{
    public static Arbitrary<SpanCase> Cases() =>
        Arb.From(
            from length in Gen.Choose(0, 80)
            from seed in Gen.Choose(0, int.MaxValue)
            from flag in Gen.Elements(false, true)
            from step in Gen.Choose(1, 50)
            select new SpanCase(length, (ulong)seed, flag, step),
            c => Shrink(c));

    static IEnumerable<SpanCase> Shrink(SpanCase c)
    {
        if (c.Length > 0) yield return c with { Length = c.Length / 2 };
        if (c.Length > 0) yield return c with { Length = c.Length - 1 };
        if (c.Step > 1) yield return c with { Step = 1 };
    }
}
