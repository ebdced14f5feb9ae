using System.CommandLine;
using System.Text;

namespace Nabla.ScriptHost.Commands;

/// <summary>A command's help: its description, the usage line, its arguments, options and subcommands in two
/// columns (from their System.CommandLine descriptions), then free notes (script arguments, exit codes, examples).</summary>
public sealed record CommandHelp(string Usage, string? Notes)
{
    /// <summary>The help text of <paramref name="command"/>, ending in a newline.</summary>
    public string Format(Command command)
    {
        var text = new StringBuilder();
        if (command.Description is { Length: > 0 } description) text.Append(description).Append("\n\n");
        text.Append("Usage: ").Append(Usage).Append('\n');
        Section(text, "Arguments", command.Arguments.Where(a => !a.Hidden).Select(a => ($"<{a.HelpName ?? a.Name}>", a.Description ?? "")));
        Section(text, "Options", command.Options.Concat(Inherited(command)).Where(o => !o.Hidden).Distinct().Select(o => (Label(o), Describe(o))));
        Section(text, "Commands", command.Subcommands.Where(c => !c.Hidden).Select(c => (c.Name, c.Description ?? "")));
        if (Notes is { Length: > 0 }) text.Append('\n').Append(Notes.TrimEnd()).Append('\n');
        return text.ToString();
    }

    static void Section(StringBuilder text, string title, IEnumerable<(string Label, string Description)> rows)
    {
        var list = rows.ToArray();
        if (list.Length == 0) return;
        text.Append('\n').Append(title).Append(":\n");
        var width = list.Max(r => r.Label.Length) + 2;
        foreach (var (label, description) in list)
            text.Append("  ").Append(label.PadRight(width)).Append(description).Append('\n');
    }

    // --help and --version are declared on the root and apply below it (Recursive).
    static IEnumerable<Option> Inherited(Command command) =>
        command.Parents.OfType<Command>().SelectMany(p => p.Options.Where(o => o.Recursive).Concat(Inherited(p)));

    static string Label(Option option)
    {
        var names = string.Join(", ", option.Aliases.Where(a => a.Length == 2).Order().Append(option.Name));
        return option.ValueType == typeof(bool) || option.Arity.MaximumNumberOfValues == 0 ? names : $"{names} {option.HelpName ?? "VALUE"}";
    }

    static string Describe(Option option) =>
        option is System.CommandLine.Help.HelpOption ? "this help" : option is VersionOption ? "the Nabla and .NET versions" : option.Description ?? "";
}
