using System.Buffers;

namespace Nabla.Compute;

/// <summary>A temporary span from the shared array pool (per-row maxima, sums): no allocation per call in steady
/// state. Contents are undefined until written; dispose to return it (a default instance holds nothing and
/// disposes as a no-op, for code that rents only when the caller gave no buffer).</summary>
readonly struct Scratch<T> : IDisposable
{
    readonly T[] array;
    readonly int length;

    public Scratch(int length) => (array, this.length) = (ArrayPool<T>.Shared.Rent(length), length);

    public Span<T> Span => array.AsSpan(0, length);

    public void Dispose()
    {
        if (array is not null) ArrayPool<T>.Shared.Return(array);
    }
}
