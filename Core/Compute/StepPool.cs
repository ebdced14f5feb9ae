using System.Collections.Immutable;
using System.Reflection;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Storage;

namespace Nabla.Compute;

/// <summary>
/// The buffers of <c>Fit</c>'s training steps, with explicit owners, so a step does not churn the garbage collector (a
/// 784-128-10 step would otherwise allocate about 1.5 MB).
/// <list type="bullet">
/// <item>While a step runs inside <see cref="Enter"/>, <c>Kernels.Uninitialized</c> and <c>Kernels.Zeros</c> rent from
/// the pool.</item>
/// <item>A rented buffer handed to code that is not Nabla's own (a layer, loss, optimizer or regularizer whose type is
/// defined outside Nabla.Core: a script's) <em>escapes</em> (<see cref="HandOff(object, ReadOnlySpan{Matrix{T}?})"/>), and so
/// does one that <c>Fit</c> hands to anything that may keep it (an observer, early stopping). An escaped buffer is never
/// recycled. While such code runs the pool is suspended, so what its own <c>Kernels</c> calls return is new memory that
/// the pool never sees.</item>
/// <item>After the step, <see cref="Recycle"/> takes back everything rented that is neither escaped nor among the
/// tensors of the new training state, which <c>Fit</c> names. A tensor of the previous state is thereby donated back
/// at the first step whose new state no longer holds it.</item>
/// </list>
/// The pool in force is per thread: <c>Fit</c> is synchronous, and the helper threads a step forks onto allocate as
/// outside <c>Fit</c>. Not thread-safe: one pool serves one <c>Fit</c>.
/// </summary>
sealed class StepPool<T> where T : struct, IFloatingPointIeee754<T>
{
    [ThreadStatic] static StepPool<T>? current;

    static readonly Assembly own = typeof(StepPool<T>).Assembly;

    readonly Dictionary<(int Rows, int Columns), Stack<Matrix<T>>> free = [];
    readonly List<Matrix<T>> rented = [];   // handed out and not taken back: this step's, and the state's
    readonly List<Matrix<T>> keep = [];
    readonly HashSet<T[]> escaped = new(ReferenceEqualityComparer.Instance);
    readonly HashSet<T[]> live = new(ReferenceEqualityComparer.Instance);

    /// <summary>The pool of the step running on this thread, or null (outside a step, or while code that is not
    /// Nabla's own runs).</summary>
    public static StepPool<T>? Current => current;

    /// <summary>Buffers handed out and not taken back (the live state's included).</summary>
    public int Rented => rented.Count;

    /// <summary>Makes this the thread's pool until disposed: around a step, never around user callbacks.</summary>
    public Scope Enter()
    {
        var before = current;
        current = this;
        return new Scope(before);
    }

    /// <summary>A pooled rows × columns matrix (its values are left over from an earlier step), or a new one.</summary>
    public Matrix<T> Rent(int rows, int columns)
    {
        var m = free.TryGetValue((rows, columns), out var stack) && stack.Count > 0 ? stack.Pop() : Matrix<T>.Build.Dense(rows, columns);
        rented.Add(m);
        return m;
    }

    /// <summary>True for an object whose type Nabla.Core defines (its built-in layers, losses, optimizers): code that
    /// keeps no buffer past the step except in what it returns.</summary>
    public static bool IsOwn(object o) => o.GetType().Assembly == own;

    /// <summary>Before calling <paramref name="callee"/> with <paramref name="buffers"/>: when the callee is not Nabla's
    /// own, the buffers escape (are never recycled) and the pool is suspended until the returned scope is disposed:
    /// <c>using (StepPool&lt;T&gt;.HandOff(layer, x)) trace = layer.ForwardTrain(x, rng);</c>. Nothing happens for
    /// Nabla's own code or outside a step.</summary>
    public static Suspension HandOff(object callee, params ReadOnlySpan<Matrix<T>?> buffers)
    {
        if (current is not { } pool || IsOwn(callee)) return default;
        foreach (var m in buffers) pool.Escape(m);
        current = null;
        return new Suspension(pool);
    }

    /// <inheritdoc cref="HandOff(object, ReadOnlySpan{Matrix{T}?})"/>
    public static Suspension HandOff(object callee, ImmutableArray<Matrix<T>> buffers, ImmutableArray<Matrix<T>> more)
    {
        if (current is not { } pool || IsOwn(callee)) return default;
        foreach (var m in buffers) pool.Escape(m);
        foreach (var m in more) pool.Escape(m);
        current = null;
        return new Suspension(pool);
    }

    /// <summary>Marks <paramref name="m"/>'s storage as kept by someone the pool cannot see: it is never recycled.
    /// A matrix the pool did not rent is ignored.</summary>
    public void Escape(Matrix<T>? m)
    {
        if (m?.Storage is DenseColumnMajorMatrixStorage<T> dense) escaped.Add(dense.Data);
    }

    /// <summary>Ends a step: every rented buffer goes back to the pool except those that escaped (dropped, never
    /// seen again) and those whose storage one of <paramref name="state"/> uses (kept, and checked again at the next
    /// step). <paramref name="state"/> must name every tensor of the training state that outlives the step.</summary>
    public void Recycle(IEnumerable<Matrix<T>> state)
    {
        foreach (var m in state)
            if (m.Storage is DenseColumnMajorMatrixStorage<T> dense) live.Add(dense.Data);
        keep.Clear();
        foreach (var m in rented)
        {
            var data = ((DenseColumnMajorMatrixStorage<T>)m.Storage).Data;
            if (escaped.Contains(data)) continue;
            if (live.Contains(data)) { keep.Add(m); continue; }
            var key = (m.RowCount, m.ColumnCount);
            if (!free.TryGetValue(key, out var stack)) free[key] = stack = new Stack<Matrix<T>>();
            stack.Push(m);
        }
        rented.Clear();
        rented.AddRange(keep);
        keep.Clear();
        live.Clear();
        escaped.Clear();   // what escaped is no longer among the rented: nothing to remember
    }

    /// <summary>Restores the thread's previous pool.</summary>
    public readonly struct Scope(StepPool<T>? before) : IDisposable
    {
        public void Dispose() => current = before;
    }

    /// <summary>The pool set aside while code that is not Nabla's own runs; disposing puts it back.</summary>
    public readonly struct Suspension(StepPool<T>? pool) : IDisposable
    {
        public void Dispose()
        {
            if (pool is not null) current = pool;
        }
    }
}
