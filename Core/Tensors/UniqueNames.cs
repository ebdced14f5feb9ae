using System.Collections.Immutable;

namespace Nabla.Tensors;

/// <summary>The check that a list of names has no repeat, without allocating for the short lists a training step builds
/// several times (a model's parameter names, an optimizer's scalars): pairwise up to 32 names, a set beyond.</summary>
static class UniqueNames
{
    /// <summary>The first name that appears twice in <paramref name="items"/>, or null.</summary>
    public static string? Duplicate<TItem>(this ImmutableArray<TItem> items, Func<TItem, string> nameOf)
    {
        if (items.Length <= 32)
        {
            for (var i = 1; i < items.Length; i++)
                for (var j = 0; j < i; j++)
                    if (string.Equals(nameOf(items[i]), nameOf(items[j]), StringComparison.Ordinal)) return nameOf(items[i]);
            return null;
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in items)
            if (!seen.Add(nameOf(item))) return nameOf(item);
        return null;
    }

    /// <inheritdoc cref="Duplicate{TItem}(ImmutableArray{TItem}, Func{TItem, string})"/>
    public static string? Duplicate(this ImmutableArray<string> names) => names.Duplicate(static name => name);
}
