using Nabla.Compute;

namespace Nabla.Tests.Compute;

/// <summary>Simd's element-wise arithmetic (the softmax's, the losses' and the bias add's) gives T's own operators'
/// bits for every element, in the vector body and the scalar tail, NaN, infinities and signed zeros included.</summary>
[Trait("Category", TestSupport.KernelCategory)]
public class SimdArithmeticTests
{
    delegate void Binary<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d);
    delegate void WithScalar<T>(ReadOnlySpan<T> x, T s, Span<T> d);

    static T[] Values<T>(int length, int seed) where T : struct, IFloatingPointIeee754<T>
    {
        T[] special = [T.NaN, T.PositiveInfinity, T.NegativeInfinity, T.Zero, T.NegativeZero, T.One, -T.One, T.Epsilon];
        var rng = new Random(seed);
        return [.. Enumerable.Range(0, length).Select(_ => rng.Next(4) == 0
            ? special[rng.Next(special.Length)] : T.CreateChecked((rng.NextDouble() - 0.5) * Math.Pow(10, rng.Next(-3, 4))))];
    }

    static void Same<T>(T[] expected, T[] actual, string what) where T : struct, IFloatingPointIeee754<T>
    {
        for (var i = 0; i < expected.Length; i++)
            Assert.True(expected[i].Equals(actual[i]) && T.IsNegative(expected[i]) == T.IsNegative(actual[i]),
                $"{what}[{i}] of {expected.Length}: {actual[i]}, expected {expected[i]}");
    }

    static void Verify<T>(int length, int seed) where T : struct, IFloatingPointIeee754<T>
    {
        var (x, y) = (Values<T>(length, seed), Values<T>(length, seed + 1));
        var s = Values<T>(1, seed + 2)[0];
        (string, Binary<T>, Func<T, T, T>)[] binaries =
        [
            ("Add", Simd.Add, (a, b) => a + b), ("Subtract", Simd.Subtract, (a, b) => a - b),
            ("Multiply", Simd.Multiply, (a, b) => a * b), ("Divide", Simd.Divide, (a, b) => a / b), ("Max", Simd.Max, T.Max),
        ];
        foreach (var (name, op, rule) in binaries)
        {
            var d = new T[length];
            op(x, y, d);
            Same(x.Zip(y, rule).ToArray(), d, $"{typeof(T).Name} {name}");
            op(x, y, x.AsSpan());   // in place, as the softmax does
            Same(d, x, $"{typeof(T).Name} {name} in place");
            x = Values<T>(length, seed);
        }
        (string, WithScalar<T>, Func<T, T, T>)[] scalars = [("Add", Simd.Add, (a, b) => a + b), ("Multiply", Simd.Multiply, (a, b) => a * b)];
        foreach (var (name, op, rule) in scalars)
        {
            var d = new T[length];
            op(x, s, d);
            Same(x.Select(a => rule(a, s)).ToArray(), d, $"{typeof(T).Name} {name} scalar {s}");
        }
    }

    [Fact]
    public void Element_wise_arithmetic_gives_the_scalar_operators_bits()
    {
        Check.One(TestSupport.Properties(200), Prop.ForAll(Arb.From(Gen.Choose(0, 70)), Arb.From(Gen.Choose(0, int.MaxValue - 3)), (length, seed) =>
        {
            Verify<float>(length, seed);
            Verify<double>(length, seed);
            return true;
        }));
    }

    [Fact]
    public void Spans_of_different_lengths_are_refused()
    {
        Assert.ThrowsAny<ArgumentException>(() => Simd.Add<float>(new float[3], new float[4], new float[3]));
        Assert.ThrowsAny<ArgumentException>(() => Simd.Multiply<float>(new float[3], 2f, new float[2]));
    }
}
