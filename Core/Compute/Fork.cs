namespace Nabla.Compute;

/// <summary>
/// A kernel's parallel loop whose arguments live in fields, so a call allocates nothing: each kernel keeps one instance
/// per calling thread (<c>[ThreadStatic]</c>), fills the fields, and calls <see cref="Start"/>. Tasks must be cut by
/// problem size only (see <see cref="Workers"/>); operands are pinned by the caller for the duration of the fork and
/// reached through raw addresses.
/// </summary>
abstract class Fork
{
    readonly Action<int> body;

    protected Fork() => body = Run;

    /// <summary>Runs task <paramref name="task"/> of the fork.</summary>
    protected abstract void Run(int task);

    /// <summary>Runs tasks 0 … tasks − 1 on up to <see cref="Backend.Threads"/> threads and returns when all are done.</summary>
    protected void Start(int tasks)
    {
        if (tasks == 1) Run(0);
        else Workers.Run(tasks, Backend.Threads, body);
    }

    /// <summary>Tasks for <paramref name="units"/> independent units of <paramref name="unitSize"/> values each, about
    /// <paramref name="perTask"/> values per task (a size rule, never a thread-count rule): at least 1, at most
    /// <paramref name="units"/>.</summary>
    public static int TasksFor(int units, long unitSize, long perTask = 32 * 1024) =>
        (int)Math.Clamp(units * unitSize / perTask, 1, units);

    /// <summary>Unit range [start, end) of task <paramref name="task"/> when <paramref name="units"/> are spread evenly over
    /// <paramref name="tasks"/> tasks.</summary>
    public static (int Start, int End) Range(int task, int tasks, int units) =>
        ((int)((long)task * units / tasks), (int)((long)(task + 1) * units / tasks));
}
