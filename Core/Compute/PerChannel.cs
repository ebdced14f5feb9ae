using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Nabla.Compute;

/// <summary>Per-channel passes over a CHWN batch, whose channel c is the contiguous block [c·L, (c + 1)·L): the bias add
/// of a convolution and the bias gradient. Channels are split into tasks by size; each channel's sum is one vectorized
/// sum in a fixed order, so results do not depend on the thread count.</summary>
sealed unsafe class PerChannel<T> : Fork where T : struct, IFloatingPointIeee754<T>
{
    public enum Op { AddBias, SumInto }

    [ThreadStatic] static PerChannel<T>? cached;

    Op op;
    byte* blocks, values;
    int channels, length, tasks;

    /// <summary>AddBias: blocks[c·L + i] += values[c]. SumInto: values[c] = Σ_i blocks[c·L + i]. For i &lt; L, c &lt; channels.</summary>
    public static void Run(Op op, ReadOnlySpan<T> blocks, ReadOnlySpan<T> values, int channels, int length)
    {
        var job = cached ??= new();
        fixed (byte* b = MemoryMarshal.AsBytes(blocks), v = MemoryMarshal.AsBytes(values))
        {
            (job.op, job.channels, job.length) = (op, channels, length);
            job.blocks = b;
            job.values = v;
            job.tasks = TasksFor(channels, length);
            job.Start(job.tasks);
        }
    }

    protected override void Run(int task)
    {
        var (start, end) = Range(task, tasks, channels);
        var all = new Span<T>(blocks, channels * length);
        var perChannel = new Span<T>(values, channels);
        for (var c = start; c < end; c++)
        {
            var block = all.Slice(c * length, length);
            if (op == Op.AddBias) Add(block, perChannel[c]);
            else perChannel[c] = Sum(block);
        }
    }

    static void Add(Span<T> block, T value)
    {
        if (typeof(T) == typeof(float))
        {
            var b = MemoryMarshal.Cast<T, float>(block);
            TensorPrimitives.Add(b, Unsafe.As<T, float>(ref value), b);
        }
        else if (typeof(T) == typeof(double))
        {
            var b = MemoryMarshal.Cast<T, double>(block);
            TensorPrimitives.Add(b, Unsafe.As<T, double>(ref value), b);
        }
        else TensorPrimitives.Add(block, value, block);
    }

    static T Sum(ReadOnlySpan<T> block)
    {
        if (typeof(T) == typeof(float))
        {
            var sum = TensorPrimitives.Sum(MemoryMarshal.Cast<T, float>(block));
            return Unsafe.As<float, T>(ref sum);
        }
        if (typeof(T) == typeof(double))
        {
            var sum = TensorPrimitives.Sum(MemoryMarshal.Cast<T, double>(block));
            return Unsafe.As<double, T>(ref sum);
        }
        return TensorPrimitives.Sum<T>(block);
    }
}
