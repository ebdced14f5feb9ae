using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using Nabla.Data;

namespace Nabla.Serialization;

/// <summary>One tensor's entry in a safetensors header: dtype, shape, the byte range [Begin, End) in the data section
/// (which starts right after the header), and the file offset where the entry is written (for messages).</summary>
public sealed record TensorEntry(string Name, string DType, int[] Shape, long Begin, long End, long HeaderOffset)
{
    /// <summary>Number of elements: the product of the shape (1 for a scalar, 0 for an empty tensor).</summary>
    public long Count => Shape.Aggregate(1L, (a, d) => a * d);   // validated: cannot overflow

    /// <summary>Prints the name, type and shape: "0.weight" F32 [128, 784].</summary>
    public override string ToString() => $"\"{Name}\" {DType} [{string.Join(", ", Shape)}]";
}

/// <summary>
/// A validated safetensors header. The rules are the reference implementation's (huggingface/safetensors): an 8-byte
/// little-endian length N ≤ 100,000,000, then N bytes of UTF-8 JSON — an object of tensor entries
/// {"dtype", "shape", "data_offsets": [begin, end]} and an optional "__metadata__" object of strings, padded with
/// spaces — then the data, which the tensors cover exactly: no gap, no overlap, no trailing byte, each range as
/// long as dtype × shape says, every product overflow-checked. Beyond the reference: duplicate keys, unknown fields
/// and non-string metadata are refused, and every fault is a <see cref="DataFormatException"/> naming the byte offset
/// and, inside an entry, the tensor and field. Nothing but the header itself is allocated.
/// </summary>
public sealed class SafeTensorsHeader
{
    /// <summary>The reference implementation's limit on the header's size in bytes.</summary>
    public const long MaxBytes = 100_000_000;

    /// <summary>The metadata key.</summary>
    const string MetadataKey = "__metadata__";

    SafeTensorsHeader(IReadOnlyList<TensorEntry> tensors, IReadOnlyDictionary<string, string> metadata, long dataStart) =>
        (Tensors, Metadata, DataStart) = (tensors, metadata, dataStart);

    /// <summary>The tensor entries in the order of their data.</summary>
    public IReadOnlyList<TensorEntry> Tensors { get; }

    /// <summary>The "__metadata__" strings (empty when there are none).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>File offset of the data section: 8 + N.</summary>
    public long DataStart { get; }

    /// <summary>The entry named <paramref name="name"/>, or null.</summary>
    public TensorEntry? Find(string name) => Tensors.FirstOrDefault(t => t.Name == name);

    /// <summary>Element size in bytes of each safetensors dtype (the reference's list); null for an unknown dtype.</summary>
    public static int? ElementSize(string dtype) => dtype switch
    {
        "BOOL" or "U8" or "I8" or "F8_E5M2" or "F8_E4M3" => 1,
        "I16" or "U16" or "F16" or "BF16" => 2,
        "I32" or "U32" or "F32" => 4,
        "I64" or "U64" or "F64" => 8,
        _ => null,
    };

    const string DTypes = "F64, F32, F16, BF16, F8_E5M2, F8_E4M3, I64, I32, I16, I8, U64, U32, U16, U8 or BOOL";

    /// <summary>Reads and validates the header of the safetensors file open in <paramref name="stream"/> (seekable);
    /// <paramref name="path"/> names it in errors.</summary>
    public static SafeTensorsHeader Read(Stream stream, string path)
    {
        var length = stream.Length;
        if (length < 8)
            throw new DataFormatException(path, "byte 0", "an 8-byte header length (safetensors)", $"a file of {length} bytes");
        Span<byte> word = stackalloc byte[8];
        stream.Position = 0;
        stream.ReadExactly(word);
        var n = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(word);
        if (n > MaxBytes)
            throw new DataFormatException(path, "byte 0", $"a header length of at most {MaxBytes:N0} bytes (the format's limit)",
                $"{n}: not a safetensors file");
        if (n > (ulong)(length - 8))
            throw new DataFormatException(path, "byte 0", $"a header length of at most {length - 8} (the rest of the file)",
                $"{n}: the file is truncated or not a safetensors file");
        var json = new byte[n];
        stream.ReadExactly(json);
        return Parse(path, json, length - 8 - (long)n);
    }

    /// <summary>Validates header bytes <paramref name="json"/> (file offset 8) against a data section of
    /// <paramref name="dataLength"/> bytes.</summary>
    public static SafeTensorsHeader Parse(string path, ReadOnlySpan<byte> json, long dataLength)
    {
        // The reference refuses a header that is not UTF-8 before parsing; name the first bad byte.
        if (!Utf8.IsValid(json))
        {
            var at = 0;
            while (Rune.DecodeFromUtf8(json[at..], out _, out var consumed) == OperationStatus.Done) at += consumed;
            throw new DataFormatException(path, $"byte {8 + at}", "a UTF-8 JSON header", $"byte {json[at]:X2}, which is not valid UTF-8 there");
        }
        var parser = new Parser(path, json);
        var (entries, metadata) = parser.Parse();
        var ordered = CheckLayout(path, entries, dataLength, 8 + json.Length);
        return new SafeTensorsHeader(ordered, metadata, 8 + json.Length);
    }

    // The tensors must tile the data section: sorted by offsets, each starts where the one before ends, the first at 0,
    // the last at the end of the file (the reference's validate(), with the fault named).
    static TensorEntry[] CheckLayout(string path, List<TensorEntry> entries, long dataLength, long dataStart)
    {
        var ordered = entries.OrderBy(e => e.Begin).ThenBy(e => e.End).ToArray();
        long next = 0;
        TensorEntry? previous = null;
        // A range past the end first: a cut-off file is the likeliest fault, and it would otherwise read as a gap.
        if (ordered.FirstOrDefault(e => e.End > dataLength) is { } beyond)
            throw new DataFormatException(path, $"byte {beyond.HeaderOffset} (tensor \"{beyond.Name}\", data_offsets)",
                $"a range within the {dataLength} data bytes after the header", $"[{beyond.Begin}, {beyond.End}]: the file is truncated, or the offsets are wrong");
        foreach (var e in ordered)
        {
            if (e.Begin > next)
                throw new DataFormatException(path, $"byte {e.HeaderOffset} (tensor \"{e.Name}\", data_offsets)",
                    $"its data to start at data byte {next}, where {(previous is null ? "the data section begins" : $"tensor \"{previous.Name}\" ends")}",
                    $"[{e.Begin}, {e.End}]: data bytes {next}..{e.Begin} belong to no tensor (a gap)");
            if (e.Begin < next)
                throw new DataFormatException(path, $"byte {e.HeaderOffset} (tensor \"{e.Name}\", data_offsets)",
                    $"its data to start at data byte {next}, where tensor \"{previous!.Name}\" ends",
                    $"[{e.Begin}, {e.End}], which overlaps \"{previous.Name}\" [{previous.Begin}, {previous.End}]");
            next = e.End;
            previous = e;
        }
        if (next != dataLength)
            throw new DataFormatException(path, $"byte {dataStart + next}",
                previous is null ? "the end of the file (the header lists no tensor)" : $"the end of the file after tensor \"{previous.Name}\"",
                $"{dataLength - next} more bytes that belong to no tensor");
        return ordered;
    }

    /// <summary>Walks the header's JSON once with a Utf8JsonReader, so every fault has its byte offset.</summary>
    ref struct Parser(string path, ReadOnlySpan<byte> json)
    {
        // No depth limit is needed beyond the reader's default: the parser refuses a value nested deeper than an
        // entry's arrays at its first token, before the reader goes further.
        Utf8JsonReader _reader = new(json);
        readonly ReadOnlySpan<byte> _json = json;

        long At => 8 + _reader.TokenStartIndex;   // file offset of the current token

        public (List<TensorEntry>, Dictionary<string, string>) Parse()
        {
            var entries = new List<TensorEntry>();
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var names = new HashSet<string>(StringComparer.Ordinal);
            Next();
            if (_reader.TokenType != JsonTokenType.StartObject)
                throw Fail(At, "the header to be a JSON object of tensor entries", Found());
            while (Next() != JsonTokenType.EndObject)
            {
                var keyAt = At;
                var name = String(keyAt, "the header");
                if (!names.Add(name))
                    throw Fail(keyAt, "each tensor named once", $"\"{Clip(name)}\" a second time (a duplicate key)");
                Next();
                if (name == MetadataKey) ReadMetadata(metadata);
                else entries.Add(ReadEntry(name, keyAt));
            }
            // After the object only the space padding may follow.
            try
            {
                // Stryker disable once Statement,String : equivalent; without AllowMultipleValues the reader throws on any token after the object, so Read() never returns true here
                if (_reader.Read()) throw Fail(At, "only spaces after the header's JSON object", Found());
            }
            catch (JsonException e) { throw Fail(e); }
            return (entries, metadata);
        }

        void ReadMetadata(Dictionary<string, string> metadata)
        {
            if (_reader.TokenType == JsonTokenType.Null) return;   // serde's Option: null means none
            if (_reader.TokenType != JsonTokenType.StartObject)
                throw Fail(At, $"\"{MetadataKey}\" to be an object of strings", Found());
            while (Next() != JsonTokenType.EndObject)
            {
                var keyAt = At;
                var key = String(keyAt, MetadataKey);
                if (metadata.ContainsKey(key))
                    throw Fail(keyAt, $"each {MetadataKey} key once", $"\"{Clip(key)}\" a second time (a duplicate key)");
                Next();
                if (_reader.TokenType != JsonTokenType.String)
                    throw Fail(At, $"a string value for {MetadataKey} \"{Clip(key)}\" (metadata maps strings to strings)", Found());
                metadata[key] = String(At, MetadataKey);
            }
        }

        TensorEntry ReadEntry(string name, long keyAt)
        {
            string Where(long at, string field) => $"byte {at} (tensor \"{Clip(name)}\"{(field.Length > 0 ? $", {field}" : "")})";
            if (_reader.TokenType != JsonTokenType.StartObject)
                throw new DataFormatException(path, Where(At, ""), "an entry {\"dtype\": …, \"shape\": […], \"data_offsets\": [begin, end]}", Found());
            string? dtype = null;
            int[]? shape = null;
            long[]? offsets = null;
            long dtypeAt = 0, shapeAt = 0, offsetsAt = 0;
            while (Next() != JsonTokenType.EndObject)
            {
                var fieldAt = At;
                var field = String(fieldAt, $"tensor \"{Clip(name)}\"");
                Next();
                var valueAt = At;
                switch (field)
                {
                    case "dtype" when dtype is null:
                        if (_reader.TokenType != JsonTokenType.String)
                            throw new DataFormatException(path, Where(valueAt, "dtype"), $"a dtype ({DTypes})", Found());
                        (dtype, dtypeAt) = (String(valueAt, "dtype"), valueAt);
                        break;
                    case "shape" when shape is null:
                        (shape, shapeAt) = (Shape(valueAt, Where), valueAt);
                        break;
                    case "data_offsets" when offsets is null:
                        (offsets, offsetsAt) = (Offsets(valueAt, Where), valueAt);
                        break;
                    case "dtype" or "shape" or "data_offsets":
                        throw new DataFormatException(path, Where(fieldAt, field), $"\"{field}\" once", "it a second time (a duplicate key)");
                    default:
                        throw new DataFormatException(path, Where(fieldAt, ""), "only the fields dtype, shape and data_offsets", $"\"{Clip(field)}\"");
                }
            }
            var missing = new[] { ("dtype", dtype is null), ("shape", shape is null), ("data_offsets", offsets is null) }.Where(m => m.Item2).Select(m => m.Item1).ToArray();
            if (missing.Length > 0)
                throw new DataFormatException(path, Where(keyAt, ""), "the fields dtype, shape and data_offsets", $"no {string.Join(" or ", missing)}");

            if (ElementSize(dtype!) is not { } size)
                throw new DataFormatException(path, Where(dtypeAt, "dtype"), $"a dtype ({DTypes})", $"\"{Clip(dtype!)}\"");
            ulong count = 1;
            foreach (var d in shape!)
                if (!TryMultiply(count, (ulong)d, out count))
                    throw new DataFormatException(path, Where(shapeAt, "shape"), "a shape whose element count fits in 64 bits",
                        $"[{string.Join(", ", shape)}] (the product overflows)");
            if (!TryMultiply(count, (ulong)size, out var bytes))
                throw new DataFormatException(path, Where(shapeAt, "shape"), "a tensor whose byte count fits in 64 bits",
                    $"[{string.Join(", ", shape)}] × {size} bytes of {dtype} (the product overflows)");
            var (begin, end) = (offsets![0], offsets[1]);
            if (end < begin)
                throw new DataFormatException(path, Where(offsetsAt, "data_offsets"), "[begin, end] with begin ≤ end", $"[{begin}, {end}]");
            if ((ulong)(end - begin) != bytes)
                throw new DataFormatException(path, Where(offsetsAt, "data_offsets"),
                    $"a range of {bytes} bytes ({dtype} [{string.Join(", ", shape)}]: {count} elements × {size} bytes)",
                    $"[{begin}, {end}], {end - begin} bytes");
            return new TensorEntry(name, dtype!, shape, begin, end, offsetsAt);
        }

        int[] Shape(long at, Func<long, string, string> where)
        {
            if (_reader.TokenType != JsonTokenType.StartArray)
                throw new DataFormatException(path, where(at, "shape"), "an array of dimension sizes, e.g. [128, 784]", Found());
            var dims = new List<int>();
            while (Next() != JsonTokenType.EndArray)
            {
                var dimAt = At;
                if (_reader.TokenType != JsonTokenType.Number || !_reader.TryGetInt64(out var d) || d < 0)
                    throw new DataFormatException(path, where(dimAt, $"shape[{dims.Count}]"), "a dimension size, a whole number ≥ 0", Found());
                if (d > int.MaxValue)
                    throw new DataFormatException(path, where(dimAt, $"shape[{dims.Count}]"), $"a dimension size of at most {int.MaxValue} (Nabla's limit)", $"{d}");
                dims.Add((int)d);
            }
            return dims.ToArray();
        }

        long[] Offsets(long at, Func<long, string, string> where)
        {
            if (_reader.TokenType != JsonTokenType.StartArray)
                throw new DataFormatException(path, where(at, "data_offsets"), "two byte offsets [begin, end]", Found());
            var offsets = new List<long>();
            while (Next() != JsonTokenType.EndArray)
            {
                if (offsets.Count == 2)
                    throw new DataFormatException(path, where(at, "data_offsets"), "two byte offsets [begin, end]", "more than two values");
                var valueAt = At;
                if (_reader.TokenType != JsonTokenType.Number || !_reader.TryGetInt64(out var offset) || offset < 0)
                    throw new DataFormatException(path, where(valueAt, $"data_offsets[{offsets.Count}]"), "a byte offset, a whole number ≥ 0", Found());
                offsets.Add(offset);
            }
            if (offsets.Count != 2)
                throw new DataFormatException(path, where(at, "data_offsets"), "two byte offsets [begin, end]", $"{offsets.Count} value{(offsets.Count == 1 ? "" : "s")}");
            return offsets.ToArray();
        }

        static bool TryMultiply(ulong a, ulong b, out ulong product)
        {
            product = a * b;
            return b == 0 || product / b == a;
        }

        JsonTokenType Next()
        {
            try
            {
                // Stryker disable once Statement,String,Arithmetic : equivalent; the whole header is one final block, so the reader throws on JSON cut short inside the object rather than returning false
                if (!_reader.Read()) throw Fail(8 + _json.Length, "the rest of the header's JSON object", "the end of the header");
            }
            catch (JsonException e) { throw Fail(e); }
            return _reader.TokenType;
        }

        // A JSON string's value; an escape that is not valid UTF-16 (a lone surrogate, "\uD800") is a format error too.
        string String(long at, string within)
        {
            try { return _reader.GetString()!; }
            catch (InvalidOperationException e)
            {
                throw new DataFormatException(path, $"byte {at} ({within})", "a valid JSON string", $"one that cannot be decoded ({e.Message})");
            }
        }

        // The current token as a reader would name it: a string in quotes, a number as written, or the kind of value.
        string Found() => _reader.TokenType switch
        {
            JsonTokenType.String or JsonTokenType.PropertyName => $"\"{Clip(Encoding.UTF8.GetString(_reader.ValueSpan))}\"",
            JsonTokenType.Number => Clip(Encoding.UTF8.GetString(_reader.ValueSpan)),
            JsonTokenType.True => "true",
            JsonTokenType.False => "false",
            JsonTokenType.Null => "null",
            JsonTokenType.StartObject => "an object",
            JsonTokenType.StartArray => "an array",
            _ => _reader.TokenType.ToString(),
        };

        DataFormatException Fail(long at, string expected, string found) => new(path, $"byte {at}", expected, found);

        // System.Text.Json reports line and byte-in-line; a header can span lines (a pretty-printed one), so count them.
        DataFormatException Fail(JsonException e)
        {
            var line = e.LineNumber ?? 0;
            long start = 0;
            // Stryker disable once Equality : equivalent; the error's line has its newline before it in the header, so the count stops before start passes the end
            for (long seen = 0; seen < line && start < _json.Length; start++)
                if (_json[(int)start] == (byte)'\n') seen++;
            var at = 8 + start + (e.BytePositionInLine ?? 0);
            var reason = e.Message.Split(" LineNumber:")[0].TrimEnd('.');
            return new DataFormatException(path, $"byte {at}", "a JSON header", $"malformed JSON ({reason})");
        }
    }

    static string Clip(string text) => text.Length <= 60 ? text : text[..57] + "…";
}
