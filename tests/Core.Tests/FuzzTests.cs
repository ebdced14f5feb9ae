using System.Text;
using Nabla.Serialization;

namespace Nabla.Tests;

/// <summary>
/// Mutation fuzzing of every file reader: valid model, safetensors, IDX (raw and gzipped) and CSV files, each edited by
/// one to three seeded mutations (bit flips, byte sets, insertions, deletions, truncations, duplicated runs, numbers
/// swapped for extreme ones, the header length nudged). Each mutant must load or raise a DataFormatException; any other
/// exception fails the test, naming the case and the mutations and giving the input in base64.
/// </summary>
public sealed class FuzzTests(Xunit.Abstractions.ITestOutputHelper output)
{
    /// <summary>A file kind: valid seed files and the reader that must either load a mutant or refuse it.</summary>
    sealed record Kind(string Name, byte[][] Seeds, int Cases, Action<byte[]> Load);

    static readonly byte[] Interesting = [0, 1, 0x7F, 0x80, 0xFF, (byte)'"', (byte)'{', (byte)'}', (byte)'[', (byte)']', (byte)',',
        (byte)':', (byte)'-', (byte)'.', (byte)'e', (byte)'0', (byte)'9', (byte)' ', (byte)'\n', (byte)'\\', (byte)';', 0xC3, 0xED];

    static readonly string[] Numbers = ["0", "-1", "1", "255", "256", "2147483647", "2147483648", "4294967296", "-2147483649",
        "9223372036854775807", "18446744073709551616", "1e308", "1e39", "-0", "0.5", "NaN", "1e-400", "65536", "99999999999999999999999"];

    [Fact]
    public void Twenty_thousand_mutated_files_each_load_or_raise_a_data_format_exception()
    {
        var kinds = Kinds();
        var report = new StringBuilder();
        var failures = new List<string>();
        var total = 0;
        foreach (var kind in kinds)
        {
            var rng = new Rng(0x5EED ^ (ulong)kind.Name.Length);   // the project's generator: the same mutants on every machine
            int loaded = 0, refused = 0;
            for (var i = 0; i < kind.Cases; i++)
            {
                var seed = kind.Seeds[i % kind.Seeds.Length];
                var (bytes, mutations) = Mutate(seed, rng, kind.Name);
                try
                {
                    kind.Load(bytes);
                    loaded++;
                }
                catch (DataFormatException) { refused++; }
                catch (Exception e)
                {
                    if (failures.Count < 3)
                        failures.Add($"{kind.Name} case {i} ({string.Join("; ", mutations)}): {e.GetType().Name}: {e.Message}\n  input (base64): {Convert.ToBase64String(bytes)}\n{e.StackTrace}");
                    else failures.Add("");
                }
            }
            total += kind.Cases;
            report.AppendLine($"{kind.Name}: {kind.Cases} mutants, {loaded} loaded, {refused} refused");
            // Both outcomes must occur, or the mutations are not reaching the reader (or the reader refuses everything).
            Assert.True(loaded > 0 && refused > 0, $"{kind.Name}: {loaded} loaded, {refused} refused: the fuzzer does not exercise both paths");
        }
        output.WriteLine(report.ToString());
        Assert.True(total >= 20_000, $"{total} mutants");
        Assert.True(failures.Count == 0, $"{failures.Count} mutants raised something other than DataFormatException:\n" +
            string.Join("\n", failures.Where(f => f.Length > 0)) + "\n" + report);
    }

    static Kind[] Kinds()
    {
        var rng = new Rng(7);
        var model = Sequential.Of(
            Layer.Dense(4, 3, rng) with { WeightRegularizer = Regularizer.L2(1e-3) }, Layer.LeakyRelu(0.1), Layer.Dropout(0.25),
            Layer.Dense(3, 2, rng) with { BiasRegularizer = Regularizer.L1(1e-4) }, Layer.Softmax());
        // A CNN too: convolution settings (kernel pairs, "same" padding, bias flags), pooling, batch norm's state with
        // its int64 counter, and the input shape.
        var cnn = Sequential.Of(SampleShape.Image(1, 6, 6),
            Layer.Conv2D(1, 2, 3, rng, padding: "same"), Layer.BatchNorm(2), Layer.MaxPool2D(2), Layer.Conv2D(2, 2, 2, rng, bias: false),
            Layer.AvgPool2D(2, stride: 1, padding: 1), Layer.GlobalAveragePool2D(), Layer.Dense(2, 2, rng));
        var modelFile = Path.GetTempFileName();
        byte[] modelBytes, cnnBytes;
        try
        {
            model.Save(modelFile);
            modelBytes = File.ReadAllBytes(modelFile);
            cnn.Save(modelFile);
            cnnBytes = File.ReadAllBytes(modelFile);
        }
        finally { File.Delete(modelFile); }

        // A plain safetensors file with several dtypes, an empty tensor and a scalar, tensors out of offset order.
        var tensors = Serialization.SafeTensorsCorpus.File(
            """{"__metadata__": {"format": "pt"}, "b": {"dtype": "F16", "shape": [2, 2], "data_offsets": [8, 16]}, "a": {"dtype": "F64", "shape": [1], "data_offsets": [0, 8]}, "s": {"dtype": "I32", "shape": [], "data_offsets": [16, 20]}, "e": {"dtype": "BF16", "shape": [0, 3], "data_offsets": [20, 20]}}""",
            20);
        for (var i = 8 + tensors.Length - 28; i < tensors.Length; i++) tensors[i] = (byte)(i * 37);

        byte[] images = Data.IdxCorpus.Images(3, 4, 5), labels = Data.IdxCorpus.Labels(1, 2, 3, 4, 5, 6, 7);
        var csv = Encoding.UTF8.GetBytes(Data.CsvCorpus.Train + "7,1,2,3,4\n9,250,251,252,253\n");
        var csvHeaderless = Encoding.UTF8.GetBytes("5,0,0,128,255\n0,12,0,0,3\n3,1.5,2e2,0.25,9\n");
        var kaggle = Encoding.UTF8.GetBytes("pixel0,pixel1,pixel2\n0,0,128\n12,\"3\",0\n");
        return
        [
            new("model", [modelBytes, cnnBytes], 6000, b => ModelFile.Load<float>(new MemoryStream(b), "mutant")),
            new("safetensors", [tensors], 5000, b => SafeTensors.Read(new MemoryStream(b), "mutant")),
            new("idx", [images, labels, Data.IdxCorpus.Gzip(images)], 6000, b => Idx.Read(new MemoryStream(b), "mutant")),
            new("csv", [csv, csvHeaderless, kaggle], 6000, b =>
            {
                var text = Encoding.UTF8.GetString(b);   // as a StreamReader decodes a file: invalid UTF-8 becomes U+FFFD
                // Every loader sees every mutant; the mutant counts as loaded when one of them takes it.
                Action[] loaders =
                [
                    () => Csv.LoadClassification(new StringReader(text), "mutant"),
                    () => Csv.LoadClassification(new StringReader(text), "mutant", classes: 10, scale: 1 / 255f, features: 4, range: ValueRange.Bytes),
                    () => Csv.LoadFeatures(new StringReader(text), "mutant", range: ValueRange.Bytes),
                    () => Csv.Read(new StringReader(text), "mutant", header: false, separator: ';'),
                ];
                DataFormatException? refused = null;
                var loaded = false;
                foreach (var load in loaders)
                {
                    try { load(); loaded = true; }
                    catch (DataFormatException e) { refused = e; }
                }
                if (!loaded) throw refused!;
            }),
        ];
    }

    /// <summary>One to three mutations of <paramref name="seed"/>; for safetensors files, most land in the header.</summary>
    static (byte[] Bytes, List<string> Mutations) Mutate(byte[] seed, Rng rng, string kind)
    {
        var bytes = new List<byte>(seed);
        var done = new List<string>();
        var header = kind is "model" or "safetensors" ? (int)Math.Min(8 + BitConverter.ToUInt64(seed, 0), (ulong)seed.Length) : seed.Length;
        var count = 1 + rng.NextInt(3);
        for (var m = 0; m < count && bytes.Count > 0; m++)
        {
            // Positions: in the JSON header four times out of five for safetensors (that is where the parsing is).
            int At() => header < bytes.Count && rng.NextDouble() < 0.8 ? rng.NextInt(Math.Min(header, bytes.Count)) : rng.NextInt(bytes.Count);
            byte Byte() => rng.NextDouble() < 0.5 ? Interesting[rng.NextInt(Interesting.Length)] : (byte)rng.NextInt(256);
            switch (rng.NextInt(8))
            {
                case 0:
                    {
                        var at = At();
                        var bit = rng.NextInt(8);
                        bytes[at] ^= (byte)(1 << bit);
                        done.Add($"flip bit {bit} of byte {at}");
                        break;
                    }
                case 1:
                    {
                        var (at, value) = (At(), Byte());
                        bytes[at] = value;
                        done.Add($"byte {at} = {value:X2}");
                        break;
                    }
                case 2:
                    {
                        var at = At();
                        var inserted = Enumerable.Range(0, 1 + rng.NextInt(8)).Select(_ => Byte()).ToArray();
                        bytes.InsertRange(at, inserted);
                        done.Add($"insert {Convert.ToHexString(inserted)} at {at}");
                        break;
                    }
                case 3:
                    {
                        var at = At();
                        var n = Math.Min(1 + rng.NextInt(8), bytes.Count - at);
                        bytes.RemoveRange(at, n);
                        done.Add($"delete {n} at {at}");
                        break;
                    }
                case 4:
                    {
                        var at = rng.NextInt(bytes.Count);
                        bytes.RemoveRange(at, bytes.Count - at);
                        done.Add($"truncate at {at}");
                        break;
                    }
                case 5:
                    {
                        var at = At();
                        var n = Math.Min(1 + rng.NextInt(16), bytes.Count - at);
                        bytes.InsertRange(at, bytes.GetRange(at, n));
                        done.Add($"duplicate {n} at {at}");
                        break;
                    }
                case 6:
                    {
                        // A run of digits (a size, an offset, a pixel) replaced by an extreme number.
                        var at = At();
                        var start = bytes.FindIndex(at, b => b is >= (byte)'0' and <= (byte)'9');
                        if (start < 0) goto case 1;
                        var end = start;
                        while (end < bytes.Count && bytes[end] is >= (byte)'0' and <= (byte)'9') end++;
                        var number = Numbers[rng.NextInt(Numbers.Length)];
                        bytes.RemoveRange(start, end - start);
                        bytes.InsertRange(start, Encoding.ASCII.GetBytes(number));
                        done.Add($"number at {start} = {number}");
                        break;
                    }
                default:
                    {
                        if (kind is not ("model" or "safetensors") || bytes.Count < 8) goto case 1;
                        // The header length nudged: the JSON then ends early or runs into the data.
                        var length = BitConverter.ToUInt64(bytes.GetRange(0, 8).ToArray(), 0);
                        var nudged = length + (ulong)(rng.NextInt(17) - 8);
                        var word = BitConverter.GetBytes(nudged);
                        for (var k = 0; k < 8; k++) bytes[k] = word[k];
                        done.Add($"header length {length} → {nudged}");
                        break;
                    }
            }
        }
        return (bytes.ToArray(), done);
    }
}
