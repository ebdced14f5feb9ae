using MathNet.Numerics.LinearAlgebra;

namespace Nabla.Compute;

/// <summary>
/// The buffers <c>Fit</c> recycles from one training step to the next, so a step does not churn the garbage collector
/// (a 784-128-10 step would otherwise allocate about 1.5 MB). While a step runs inside <see cref="Enter"/>,
/// <see cref="Kernels.Uninitialized{T}(int, int)"/> and <see cref="Kernels.Zeros{T}(int, int)"/> hand out pooled matrices.
/// After the step, <see cref="Recycle"/> takes back every matrix it handed out that is no longer reachable from what
/// survives the step (the new training state and the loss): by Core's purity contract nothing else can hold one, so
/// its old value is provably dead. Matrices still reachable (the new weights) are kept and checked again next step.
/// Not thread-safe for concurrent steps; renting is, for layers that parallelize internally.
/// </summary>
sealed class Workspace<T> where T : struct, IFloatingPointIeee754<T>
{
    static readonly AsyncLocal<Workspace<T>?> current = new();

    readonly Dictionary<(int Rows, int Columns), Stack<Matrix<T>>> free = [];
    readonly List<Matrix<T>> lent = [];
    readonly List<Matrix<T>> stillLent = [];
    readonly Reachability reachable = new();

    /// <summary>The workspace of the step running in this async flow, or null outside a step.</summary>
    public static Workspace<T>? Current => current.Value;

    /// <summary>Matrices handed out and not yet proven dead.</summary>
    public int Lent => lent.Count;

    /// <summary>Set when a survivor's object graph was too large to walk (<see cref="Reachability.Limit"/>): the workspace
    /// then forgets what it lent and hands out new matrices only, as if there were none.</summary>
    public bool GaveUp { get; private set; }

    /// <summary>Makes this the flow's workspace until disposed: only around a step, never around user callbacks.</summary>
    public Scope Enter()
    {
        var before = current.Value;
        current.Value = this;
        return new Scope(before);
    }

    /// <summary>A pooled rows × columns matrix (its values are left over from an earlier step), or a new one.</summary>
    public Matrix<T> Rent(int rows, int columns)
    {
        if (GaveUp) return Matrix<T>.Build.Dense(rows, columns);
        lock (lent)
        {
            var m = free.TryGetValue((rows, columns), out var stack) && stack.Count > 0 ? stack.Pop() : Matrix<T>.Build.Dense(rows, columns);
            lent.Add(m);
            return m;
        }
    }

    /// <summary>Returns to the pool every lent matrix that none of <paramref name="survivors"/> reaches (through any
    /// field, at any depth, sharing storage included). Everything that outlives the step must be among them: the new
    /// training state, the loss, and anything kept across steps such as early stopping's best model.</summary>
    public void Recycle(params ReadOnlySpan<object?> survivors)
    {
        reachable.Clear();
        foreach (var survivor in survivors) reachable.Walk(survivor);
        lock (lent)
        {
            if (reachable.Overflowed)
            {
                GaveUp = true;
                lent.Clear();
                free.Clear();
                reachable.Clear();
                return;
            }
            stillLent.Clear();
            foreach (var m in lent)
            {
                if (reachable.Contains(m) || reachable.Contains(((MathNet.Numerics.LinearAlgebra.Storage.DenseColumnMajorMatrixStorage<T>)m.Storage).Data)) { stillLent.Add(m); continue; }
                var key = (m.RowCount, m.ColumnCount);
                if (!free.TryGetValue(key, out var stack)) free[key] = stack = new Stack<Matrix<T>>();
                stack.Push(m);
            }
            lent.Clear();
            lent.AddRange(stillLent);
        }
        reachable.Clear();
    }

    /// <summary>Restores the flow's previous workspace.</summary>
    public readonly struct Scope(Workspace<T>? before) : IDisposable
    {
        public void Dispose() => current.Value = before;
    }
}
