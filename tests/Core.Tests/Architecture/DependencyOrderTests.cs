using System.Reflection;
using System.Reflection.Emit;

namespace Nabla.Tests.Architecture;

/// <summary>
/// Core's folders depend one way: Compute ← Tensors ← Layers, Losses (and Data) ← Optimizers ← Models ← Training ←
/// Evaluation ← Serialization, Reporting, Diagnostics. A reader learns them bottom-up. This test reads every type of Nabla.Core —
/// signatures and method bodies (IL), compiler-generated closures included — and fails on any reference that runs
/// against that order, naming the member that makes it.
/// </summary>
public class DependencyOrderTests
{
    // A folder may use folders of a lower rank only. Folders of equal rank are independent of each other.
    static readonly Dictionary<string, int> Rank = new()
    {
        ["Compute"] = 0,
        ["Tensors"] = 1,
        ["Data"] = 2, ["Layers"] = 2, ["Losses"] = 2,
        ["Optimizers"] = 3,
        ["Models"] = 4,
        ["Training"] = 5,
        ["Evaluation"] = 6,
        ["Serialization"] = 7, ["Reporting"] = 7, ["Diagnostics"] = 7,
    };

    static readonly Assembly Core = typeof(Nabla.Models.Sequential).Assembly;

    [Fact]
    public void Every_reference_in_Core_follows_the_folder_order()
    {
        var violations = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var type in Core.GetTypes())
        {
            var from = FolderOf(type);
            if (from is null) continue;
            Assert.True(Rank.ContainsKey(from), $"{type.FullName} is in folder {from}, which has no place in the order: add it to {nameof(Rank)}.");
            foreach (var (used, where) in References(type))
            {
                var to = FolderOf(used);
                if (to is null || to == from) continue;
                Assert.True(Rank.ContainsKey(to), $"{used.FullName} is in folder {to}, which has no place in the order: add it to {nameof(Rank)}.");
                if (Rank[to] >= Rank[from])
                    violations.Add($"{Name(type)} ({from}) uses {Name(used)} ({to}) in {where}");
            }
        }
        Assert.True(violations.Count == 0,
            "References against the folder order Compute ← Tensors ← Layers, Losses, Data ← Optimizers ← Models ← Training ← Evaluation ← Serialization, Reporting, Diagnostics:\n"
            + string.Join("\n", violations));
    }

    [Fact]
    public void The_check_sees_references_in_method_bodies_and_closures()
    {
        // Guards the guard: a lambda inside Fit allocates and calls things from lower folders; the walk must find them.
        var found = References(typeof(Nabla.Training.FitExtensions)).Select(r => FolderOf(r.Type)).ToHashSet();
        Assert.Contains("Data", found);
        Assert.Contains("Models", found);
        Assert.Contains("Compute", found);
    }

    /// <summary>The folder of a Nabla.Core type (the namespace segment after "Nabla."), or null for other assemblies.</summary>
    static string? FolderOf(Type type)
    {
        while (type.IsNested) type = type.DeclaringType!;
        if (type.Assembly != Core || type.Namespace is not { } ns || !ns.StartsWith("Nabla.", StringComparison.Ordinal)) return null;
        return ns["Nabla.".Length..].Split('.')[0];
    }

    static string Name(Type type) => type.FullName ?? type.Name;

    /// <summary>Every type that <paramref name="type"/> names: base and interfaces, fields, signatures, and every type,
    /// method or field token in its method bodies, with the member where it appears.</summary>
    static IEnumerable<(Type Type, string Where)> References(Type type)
    {
        const BindingFlags all = BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;
        var found = new List<(Type, string)>();
        void Add(Type? t, string where)
        {
            foreach (var part in Parts(t)) found.Add((part, where));
        }
        Add(type.BaseType, "its base type");
        foreach (var i in type.GetInterfaces()) Add(i, "its interfaces");
        foreach (var f in type.GetFields(all)) Add(f.FieldType, f.Name);
        foreach (var p in type.GetProperties(all)) Add(p.PropertyType, p.Name);
        foreach (var m in type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all)))
        {
            if (m is MethodInfo mi) Add(mi.ReturnType, m.Name);
            foreach (var p in m.GetParameters()) Add(p.ParameterType, m.Name);
            foreach (var t in BodyTokens(m)) Add(t, m.Name);
        }
        return found;
    }

    /// <summary>A type and everything inside its name: element types, generic arguments, declaring types.</summary>
    static IEnumerable<Type> Parts(Type? t)
    {
        if (t is null || t.IsGenericParameter) yield break;
        if (t.HasElementType) { foreach (var p in Parts(t.GetElementType())) yield return p; yield break; }
        yield return t;
        if (t.IsGenericType)
            foreach (var a in t.GetGenericArguments())
                foreach (var p in Parts(a)) yield return p;
    }

    static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    /// <summary>The types named by the type, method and field tokens of a method body.</summary>
    static IEnumerable<Type> BodyTokens(MethodBase method)
    {
        var il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null) yield break;
        var typeArgs = method.DeclaringType!.IsGenericType ? method.DeclaringType.GetGenericArguments() : null;
        var methodArgs = method.IsGenericMethod ? method.GetGenericArguments() : null;
        for (var i = 0; i < il.Length;)
        {
            short value = il[i++];
            if (value == 0xFE) value = (short)(0xFE00 | il[i++]);
            var op = OpCodesByValue[value];
            var operand = op.OperandType;
            if (operand is OperandType.InlineMethod or OperandType.InlineField or OperandType.InlineType or OperandType.InlineTok)
            {
                var token = BitConverter.ToInt32(il, i);
                MemberInfo? member = null;
                try { member = method.Module.ResolveMember(token, typeArgs, methodArgs); }
                catch (ArgumentException) { }
                switch (member)
                {
                    case Type t: foreach (var p in Parts(t)) yield return p; break;
                    case FieldInfo f: foreach (var p in Parts(f.DeclaringType)) yield return p; foreach (var p in Parts(f.FieldType)) yield return p; break;
                    case MethodBase m:
                        foreach (var p in Parts(m.DeclaringType)) yield return p;
                        if (m is MethodInfo { IsGenericMethod: true } g)
                            foreach (var a in g.GetGenericArguments()) foreach (var p in Parts(a)) yield return p;
                        if (m is MethodInfo mi) foreach (var p in Parts(mi.ReturnType)) yield return p;
                        break;
                }
            }
            i += operand switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il, i),
                _ => 4,
            };
        }
    }
}
