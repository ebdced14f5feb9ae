namespace Nabla.Tensors;

/// <summary>Hyperparameter checks shared by optimizers, layers and regularizers: a bad hyperparameter fails at once, named. A property calls
/// its check twice: in its initializer (construction) and in its init accessor (a <c>with</c> expression, which
/// bypasses the initializer).</summary>
public static class Hyper
{
    /// <summary>Returns <paramref name="value"/>, or throws unless it is finite and ≥ 0.</summary>
    public static double NonNegative(double value, string name, string owner) =>
        double.IsFinite(value) && value >= 0 ? value
            : throw new ArgumentOutOfRangeException(name, value, $"{owner}: {name} must be a finite number ≥ 0, got {value}.");

    /// <summary>Returns <paramref name="value"/>, or throws unless it is finite and &gt; 0.</summary>
    public static double Positive(double value, string name, string owner) =>
        double.IsFinite(value) && value > 0 ? value
            : throw new ArgumentOutOfRangeException(name, value, $"{owner}: {name} must be a finite number > 0, got {value}.");

    /// <summary>Returns <paramref name="value"/>, or throws unless 0 ≤ value &lt; 1.</summary>
    public static double UnitInterval(double value, string name, string owner) =>
        value is >= 0 and < 1 ? value
            : throw new ArgumentOutOfRangeException(name, value, $"{owner}: {name} must be in [0, 1), got {value}.");

    /// <summary>Returns <paramref name="value"/>, or throws unless it is ≥ 0 (step counts).</summary>
    public static long NonNegative(long value, string name, string owner) =>
        value >= 0 ? value : throw new ArgumentOutOfRangeException(name, value, $"{owner}: {name} must be ≥ 0, got {value}.");

    /// <summary>Returns <paramref name="value"/>, or throws unless it is &gt; 0 (step counts).</summary>
    public static long Positive(long value, string name, string owner) =>
        value > 0 ? value : throw new ArgumentOutOfRangeException(name, value, $"{owner}: {name} must be > 0, got {value}.");
}
