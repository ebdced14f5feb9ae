using System.Collections.Concurrent;
using System.Reflection;

namespace Nabla.Compute;

/// <summary>
/// Every object reachable from some roots through instance fields, public or private, at any depth: what
/// <see cref="Workspace{T}"/> uses to prove a buffer dead. Fields that cannot hold a reference (numbers, enums,
/// strings) are skipped by a per-type cache, and so is reflection metadata (types and members hold no matrices).
/// </summary>
sealed class Reachability
{
    /// <summary>Beyond this many objects the walk stops and reports <see cref="Overflowed"/>: a root that drags a large
    /// graph along (a closure over a whole program) would cost more to walk every step than the garbage it saves.</summary>
    public const int Limit = 20_000;

    static readonly ConcurrentDictionary<Type, FieldInfo[]> fieldsOf = new();

    readonly HashSet<object> seen = new(ReferenceEqualityComparer.Instance);
    readonly Stack<object> pending = new();

    /// <summary>True when a walk since <see cref="Clear"/> hit <see cref="Limit"/>: the seen set is then incomplete.</summary>
    public bool Overflowed { get; private set; }

    public void Clear()
    {
        seen.Clear();
        pending.Clear();
        Overflowed = false;
    }

    public bool Contains(object o) => seen.Contains(o);

    public void Walk(object? root)
    {
        Push(root);
        while (pending.TryPop(out var o))
        {
            if (seen.Count > Limit) { Overflowed = true; pending.Clear(); return; }
            if (o is Array array)
            {
                var element = array.GetType().GetElementType()!;
                if (!CanHoldReferences(element)) continue;
                foreach (var item in array) Push(item);
                continue;
            }
            foreach (var field in Fields(o.GetType())) Push(field.GetValue(o));
        }
    }

    void Push(object? o)
    {
        if (o is null || o is MemberInfo || o is Assembly || o is Module) return;
        if (seen.Add(o)) pending.Push(o);
    }

    static FieldInfo[] Fields(Type type) => fieldsOf.GetOrAdd(type, static t =>
    {
        var fields = new List<FieldInfo>();
        for (var level = t; level is not null; level = level.BaseType)
            foreach (var f in level.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
                if (CanHoldReferences(f.FieldType)) fields.Add(f);
        return fields.ToArray();
    });

    static bool CanHoldReferences(Type type) =>
        !(type.IsPrimitive || type.IsEnum || type.IsPointer || type == typeof(string) || type == typeof(decimal)
          || type == typeof(DateTime) || type == typeof(TimeSpan) || type == typeof(Guid));
}
