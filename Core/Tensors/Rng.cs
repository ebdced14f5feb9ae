namespace Nabla.Tensors;

/// <summary>
/// Seeded pseudo-random generator (xoshiro256**, state seeded by SplitMix64). Nabla's own generator, so a seed gives
/// the same numbers on every .NET version; <see cref="System.Random"/> makes no such promise.
/// </summary>
public sealed class Rng
{
    ulong _s0, _s1, _s2, _s3;

    /// <summary>A generator whose whole sequence is fixed by <paramref name="seed"/>.</summary>
    public Rng(ulong seed)
    {
        var sm = seed;
        _s0 = SplitMix(ref sm); _s1 = SplitMix(ref sm); _s2 = SplitMix(ref sm); _s3 = SplitMix(ref sm);
    }

    /// <summary>A generator seeded with <paramref name="seed"/> (the name scripts read best).</summary>
    public static Rng Seeded(long seed) => new(unchecked((ulong)seed));

    /// <summary>The generator for training step <paramref name="step"/> of a run seeded with <paramref name="seed"/>:
    /// derived, not drawn, so a step's randomness (dropout masks) is a pure function of its inputs.</summary>
    public static Rng ForStep(ulong seed, long step) => new(Mix(seed ^ Mix(unchecked((ulong)step + 0x9E3779B97F4A7C15UL))));

    /// <summary>A generator that continues from <paramref name="state"/> (what <see cref="State"/> gave).</summary>
    public static Rng FromState(RngState state) => new(0) { State = state };

    /// <summary>The generator's whole state, xoshiro256**'s four 64-bit words: <c>var saved = rng.State; … rng.State = saved;</c>
    /// replays the same numbers from there (PyTorch's get_rng_state / set_rng_state). What a checkpoint saves, so a resumed
    /// run shuffles its next epoch as the uninterrupted run would have.</summary>
    public RngState State
    {
        get => new(_s0, _s1, _s2, _s3);
        set
        {
            // xoshiro's one forbidden state: from all zeros it yields zeros forever.
            if ((value.S0 | value.S1 | value.S2 | value.S3) == 0)
                throw new ArgumentException("Rng.State: all four words are zero, which is not a state of xoshiro256** (it would give only zeros).", nameof(value));
            (_s0, _s1, _s2, _s3) = (value.S0, value.S1, value.S2, value.S3);
        }
    }

    /// <summary>Uniform 64-bit value.</summary>
    public ulong NextUInt64()
    {
        var result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0; _s3 ^= _s1; _s1 ^= _s2; _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform double in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform double in [low, high).</summary>
    public double Uniform(double low, double high) => low + (high - low) * NextDouble();

    /// <summary>Standard normal N(0, 1) by Box–Muller (one value per call: no hidden cached second value).</summary>
    public double Normal()
    {
        var u1 = 1.0 - NextDouble();   // (0, 1]: log never sees 0
        var u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>Uniform integer in [0, n), unbiased (Lemire's multiply-and-reject).</summary>
    public int NextInt(int n)
    {
        if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n), n, "NextInt needs n > 0.");
        var bound = (ulong)n;
        var threshold = (0UL - bound) % bound;
        while (true)
        {
            var product = Math.BigMul(NextUInt64(), bound, out var low);
            if (low >= threshold) return (int)product;
        }
    }

    /// <summary>A uniformly random permutation of 0..n-1 (Fisher–Yates).</summary>
    public int[] Permutation(int n)
    {
        var p = new int[n];
        for (var i = 0; i < n; i++) p[i] = i;
        for (var i = n - 1; i > 0; i--)
        {
            var j = NextInt(i + 1);
            (p[i], p[j]) = (p[j], p[i]);
        }
        return p;
    }

    static ulong SplitMix(ref ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        return Mix(x);
    }

    static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}

/// <summary>The four 64-bit words of an <see cref="Rng"/>'s state; as text, four 16-digit hexadecimal words joined by '-'
/// (exact, unlike a JSON number, which many readers take as a double).</summary>
public readonly record struct RngState(ulong S0, ulong S1, ulong S2, ulong S3)
{
    /// <summary>Four 16-digit hexadecimal words joined by '-': exact, and read back by <see cref="TryParse"/>.</summary>
    public override string ToString() => $"{S0:x16}-{S1:x16}-{S2:x16}-{S3:x16}";

    /// <summary>The state written by <see cref="ToString"/>; null when <paramref name="text"/> is not one.</summary>
    public static RngState? TryParse(string text)
    {
        var words = text.Split('-');
        var values = new ulong[4];
        if (words.Length != 4) return null;
        for (var i = 0; i < 4; i++)
            if (words[i].Length != 16 || !ulong.TryParse(words[i], System.Globalization.NumberStyles.AllowHexSpecifier,
                    System.Globalization.CultureInfo.InvariantCulture, out values[i])) return null;
        return new RngState(values[0], values[1], values[2], values[3]);
    }
}
