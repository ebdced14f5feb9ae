namespace Nabla.Tests;

/// <summary>One malformed file of a corpus: what is wrong with it (its name), its bytes, and a fragment the error
/// must contain to show it names the right place. <see cref="Model"/>: a model file, loaded with ModelFile.Load.</summary>
public sealed record MalformedFile(string Name, byte[] Bytes, string Position, bool Model = false)
{
    public override string ToString() => Name;
}
