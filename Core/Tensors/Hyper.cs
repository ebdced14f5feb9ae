using System.Runtime.CompilerServices;

namespace Nabla.Tensors;

/// <summary>
/// Hyperparameter checks: a bad hyperparameter fails at once, named. Each bound is written once, in the property's
/// init accessor, which both construction and a <c>with</c> expression go through:
/// <code>
/// public ScaleByAdam(double Beta1 = 0.9, …) => this.Beta1 = Beta1;            // the default, once
/// public double Beta1 { get; init => field = Hyper.UnitInterval(value, this); }   // the bound, once
/// </code>
/// (A positional record's properties are assigned without their accessors, so a primary constructor would need the
/// check a second time.) The property's name comes from the accessor, the owner's from its type.
/// </summary>
public static class Hyper
{
    /// <summary>Returns <paramref name="value"/>, or throws unless it is finite and ≥ 0.</summary>
    public static double NonNegative(double value, object owner, [CallerMemberName] string name = "") =>
        double.IsFinite(value) && value >= 0 ? value : throw Bad(value, owner, name, "a finite number ≥ 0");

    /// <summary>Returns <paramref name="value"/>, or throws unless it is finite and &gt; 0.</summary>
    public static double Positive(double value, object owner, [CallerMemberName] string name = "") =>
        double.IsFinite(value) && value > 0 ? value : throw Bad(value, owner, name, "a finite number > 0");

    /// <summary>Returns <paramref name="value"/>, or throws unless 0 ≤ value &lt; 1.</summary>
    public static double UnitInterval(double value, object owner, [CallerMemberName] string name = "") =>
        value is >= 0 and < 1 ? value : throw Bad(value, owner, name, "in [0, 1)");

    /// <summary>Returns <paramref name="value"/>, or throws unless 0 ≤ value ≤ 1.</summary>
    public static double Fraction(double value, object owner, [CallerMemberName] string name = "") =>
        value is >= 0 and <= 1 ? value : throw Bad(value, owner, name, "in [0, 1]");

    /// <summary>Returns <paramref name="value"/>, or throws unless it is finite.</summary>
    public static double Finite(double value, object owner, [CallerMemberName] string name = "") =>
        double.IsFinite(value) ? value : throw Bad(value, owner, name, "finite");

    /// <summary>Returns <paramref name="value"/>, or throws unless it is ≥ 0 (step counts).</summary>
    public static long NonNegative(long value, object owner, [CallerMemberName] string name = "") =>
        value >= 0 ? value : throw Bad(value, owner, name, "≥ 0");

    /// <summary>Returns <paramref name="value"/>, or throws unless it is &gt; 0 (step counts).</summary>
    public static long Positive(long value, object owner, [CallerMemberName] string name = "") =>
        value > 0 ? value : throw Bad(value, owner, name, "> 0");

    /// <summary>Returns <paramref name="value"/>, or throws unless it is given (not null).</summary>
    public static TValue Given<TValue>(TValue? value, object owner, [CallerMemberName] string name = "") where TValue : class =>
        value ?? throw new ArgumentNullException(name, $"{Name(owner)}: {name} must be given, got null.");

    static ArgumentOutOfRangeException Bad(object value, object owner, string name, string bound) =>
        new(name, value, $"{Name(owner)}: {name} must be {bound}, got {value}.");

    // The owner's type name ("ScaleByAdam"); a string is taken as the name itself.
    static string Name(object owner) => owner as string ?? owner.GetType().Name.Split('`')[0];

    /// <summary>Returns <paramref name="value"/>, or throws unless it is finite and ≥ 0 (for a property whose owner passes its name).</summary>
    public static double NonNegative(double value, string name, string owner) => NonNegative(value, (object)owner, name);

    /// <summary>Returns <paramref name="value"/>, or throws unless it is finite and &gt; 0 (for a property whose owner passes its name).</summary>
    public static double Positive(double value, string name, string owner) => Positive(value, (object)owner, name);

    /// <summary>Returns <paramref name="value"/>, or throws unless 0 ≤ value &lt; 1 (for a property whose owner passes its name).</summary>
    public static double UnitInterval(double value, string name, string owner) => UnitInterval(value, (object)owner, name);

    /// <summary>Returns <paramref name="value"/>, or throws unless it is ≥ 0 (for a property whose owner passes its name).</summary>
    public static long NonNegative(long value, string name, string owner) => NonNegative(value, (object)owner, name);

    /// <summary>Returns <paramref name="value"/>, or throws unless it is &gt; 0 (for a property whose owner passes its name).</summary>
    public static long Positive(long value, string name, string owner) => Positive(value, (object)owner, name);
}
