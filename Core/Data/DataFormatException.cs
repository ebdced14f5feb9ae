namespace Nabla.Data;

/// <summary>A data file is not what it should be. The message names the file, the position (byte offset or
/// line:column), what was expected and what was found.</summary>
public sealed class DataFormatException(string path, string position, string expected, string found)
    : Exception($"{path}: {position}: expected {expected}, found {(found.EndsWith('?') ? found : found.TrimEnd('.') + ".")}")   // a found text may end a sentence of its own, or ask a question
{
    /// <summary>The file.</summary>
    public string Path { get; } = path;

    /// <summary>Where in the file: a byte offset or line:column.</summary>
    public string Position { get; } = position;
}
