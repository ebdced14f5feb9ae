using System.Text.Json.Nodes;
using Nabla.Serialization;
using static Nabla.Tests.Training.FitContinuationTests;

namespace Nabla.Tests.Serialization;

/// <summary>CheckpointFile part by part, without a Fit: every figure of the progress comes back as written (early stopping's
/// with and without its best model), a float model's tensors are float32 and a double model's float64, and each refusal —
/// another Fit, other settings, another starting point, another model, a damaged or foreign file — is one message that
/// names the file, the place and what was expected and found.</summary>
public sealed class CheckpointFileTests : IDisposable
{
    readonly string _folder = Directory.CreateTempSubdirectory("nabla-checkpoint-file-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    const string Calls = "the script calls Fit differently than the interrupted run did.";

    static FitIdentity Identity(string? earlyStopping = null, string fingerprint = "0123456789abcdef0123456789abcdef") =>
        new(1, new FitInfo(6, 7, 8, 52, 30, "softmax cross-entropy", "Adam"), earlyStopping, fingerprint);

    static FitProgress<float> Start(Sequential<float>? model = null, EarlyStoppingState<float>? stopping = null) =>
        FitProgress<float>.Start(TrainState<float>.Create(model ?? Model(), Optimizer(), 77), 1, new Rng(9).State, stopping);

    // A progress where every figure differs from Start's.
    static FitProgress<float> Progress(EarlyStoppingState<float>? stopping) =>
        new(TrainState<float>.Create(Model(4), Optimizer(), 0xfedcba9876543210) with { Step = 17 }, 3, 4, new Rng(11).State, 1.5, 7, 9, 2.5,
            [new EpochMetrics(1, 0.75, 0.5, 0.625, 0.375, 1.25, 0.01), new EpochMetrics(2, 0.5, null, null, null, 1.0)], stopping, true);

    string Save<T>(FitProgress<T> progress, FitIdentity? fit = null, string name = "checkpoint.safetensors") where T : struct, IFloatingPointIeee754<T>
    {
        var path = Path.Combine(_folder, name);
        using var file = File.Create(path);
        CheckpointFile.Write(file, fit ?? Identity(), progress);
        return path;
    }

    // The checkpoint at path with its JSON replaced by what edit makes of it (null: no JSON entry at all).
    string Edited(string path, Func<JsonObject, string?> edit)
    {
        var (tensors, metadata) = SafeTensors.Read(path);
        var json = edit(JsonNode.Parse(metadata[CheckpointFile.Key])!.AsObject());
        var edited = Path.Combine(_folder, "edited.safetensors");
        SafeTensors.Write(edited, [.. tensors.Select(t => (t.Key, t.Value.Shape, t.Value.Values))],
            json is null ? new Dictionary<string, string>() : new Dictionary<string, string> { [CheckpointFile.Key] = json }, doublePrecision: false);
        return edited;
    }

    static string Refusal(Func<object> read) => Assert.Throws<DataFormatException>(read).Message;

    [Fact]
    public void Every_figure_comes_back_as_written_and_Describe_reads_where_it_stands()
    {
        var written = Progress(new EarlyStoppingState<float>(2, 0.25, null, 1, 5));
        var path = Save(written, Identity("EarlyStopping(val_loss, patience 3)"));
        var read = CheckpointFile.Read(path, Identity("EarlyStopping(val_loss, patience 3)"), Start(stopping: new(0, double.PositiveInfinity, null, 0, null)));

        AssertSameState(written.State, read.State);
        Assert.Equal((3, 4, written.Shuffle, 1.5, 7L, 9L, 2.5, true), (read.Epoch, read.Batch, read.Shuffle, read.LossSum, read.Correct, read.Seen, read.Seconds, read.Finished));
        Assert.Equal(written.History, read.History);
        Assert.Equal(written.EarlyStopping, read.EarlyStopping);   // no best model yet: none read, none asked for
        var summary = CheckpointFile.Describe(path);
        Assert.Equal(new CheckpointSummary(1, 3, 4, 17, true, 2), summary);
        Assert.Equal("fit 1 finished: 2 epochs, step 17", summary.ToString());
        Assert.Equal("fit 2 at epoch 3, batch 40 (step 500)", new CheckpointSummary(2, 3, 40, 500, false, 2).ToString());
    }

    [Fact]
    public void Early_stopping_s_best_model_comes_back_with_its_figures()
    {
        var best = Model(8);
        var path = Save(Progress(new EarlyStoppingState<float>(1, double.NegativeInfinity, best, 0, null)), Identity("es"));
        var read = CheckpointFile.Read(path, Identity("es"), Start(stopping: new(0, 0, null, 0, null))).EarlyStopping!;
        Assert.Equal((1, double.NegativeInfinity, 0, (int?)null), (read.BestEpoch, read.Best, read.Wait, read.StoppedEpoch));
        for (var i = 0; i < best.Parameters.Count; i++) Assert.Equal(TestSupport.Snapshot(best.Parameters[i]), TestSupport.Snapshot(read.BestModel!.Parameters[i]));
    }

    [Fact]
    public void A_float_model_is_saved_in_float32_and_a_double_model_in_float64()
    {
        var single = Save(Start());
        var rng = new Rng(1);
        var model = Sequential.Of(Layer<double>.Dense(2, 3, Init.He, rng));
        var dual = Save(FitProgress<double>.Start(TrainState<double>.Create(model, new Sgd(0.1), 1), 1, rng.State, null), name: "double.safetensors");
        Assert.Equal(["F32"], DTypes(single));
        Assert.Equal(["F64"], DTypes(dual));
    }

    static string[] DTypes(string path)
    {
        using var stream = File.OpenRead(path);
        return [.. SafeTensorsHeader.Read(stream, path).Tensors.Select(t => t.DType).Distinct()];
    }

    [Fact]
    public void A_Fit_called_differently_is_refused_naming_the_setting_and_both_values()
    {
        var path = Save(Start());
        var fit = Identity();
        Assert.Equal($"{path}: fit: expected 2 (as this Fit is called), found 1: {Calls}", Refusal(() => CheckpointFile.Read(path, fit with { Number = 2 }, Start())));
        Assert.Equal($"{path}: epochs: expected 5 (as this Fit is called), found 6: {Calls}",
            Refusal(() => CheckpointFile.Read(path, fit with { Info = fit.Info with { Epochs = 5 } }, Start())));
        Assert.Equal($"{path}: batch size: expected 16 (as this Fit is called), found 8: {Calls}",
            Refusal(() => CheckpointFile.Read(path, fit with { Info = fit.Info with { BatchSize = 16 } }, Start())));
        Assert.Equal($"{path}: initial epoch: expected 3 (as this Fit is called), found 0: {Calls}",
            Refusal(() => CheckpointFile.Read(path, fit with { Info = fit.Info with { InitialEpoch = 3 } }, Start())));
        Assert.Equal($"{path}: early stopping: expected patience 2 (as this Fit is called), found none: {Calls}",
            Refusal(() => CheckpointFile.Read(path, fit with { EarlyStopping = "patience 2" }, Start())));
        var stopped = Save(Start(), fit with { EarlyStopping = "patience 2" }, "stopped.safetensors");
        Assert.Equal($"{stopped}: early stopping: expected none (as this Fit is called), found patience 2: {Calls}",
            Refusal(() => CheckpointFile.Read(stopped, fit, Start())));
    }

    [Fact]
    public void Another_starting_point_is_refused_with_both_fingerprints_cut_to_12_digits()
    {
        var path = Save(Start(), Identity(fingerprint: "abc"));   // shorter than 12: shown whole
        Assert.Equal($"{path}: fingerprint: expected Fit 1 starting from the same model, optimizer, seed and data (0123456789ab…), found another " +
            "starting point (abc…): the script built something else before this Fit than the interrupted run did (changed code, arguments or " +
            "data, or randomness that is not seeded).", Refusal(() => CheckpointFile.Read(path, Identity(), Start())));
    }

    [Fact]
    public void Another_model_or_early_stopping_the_Fit_does_not_have_is_refused_naming_the_tensor_or_entry()
    {
        var path = Save(Start());
        var rng = new Rng(1);
        var deeper = Sequential.Of(Layer.Dense(6, 16, rng), Layer.Relu(), Layer.Dropout(0.25), Layer.Dense(16, 3, rng), Layer.Dense(3, 2, rng));
        Assert.Equal($"{path}: tensor \"model/4.weight\": expected a tensor of shape [3, 2], found none: the checkpoint is of another model or optimizer.",
            Refusal(() => CheckpointFile.Read(path, Identity(), Start(deeper))));
        var wider = Sequential.Of(Layer.Dense(6, 17, rng), Layer.Relu(), Layer.Dense(17, 3, rng));
        Assert.Equal($"{path}: tensor \"model/0.weight\": expected shape [6, 17], found shape [6, 16].",
            Refusal(() => CheckpointFile.Read(path, Identity(), Start(wider))));
        var stopping = Save(Start(stopping: new(0, 1, null, 0, null)), name: "stopping.safetensors");
        Assert.Equal($"{stopping}: metadata \"nabla.checkpoint\", early_stopping: expected none (this Fit has no early stopping), found its state.",
            Refusal(() => CheckpointFile.Read(stopping, Identity(), Start())));
    }

    [Fact]
    public void A_damaged_or_foreign_file_is_refused_naming_the_entry()
    {
        var path = Save(Start());
        string Read(string edited) => Refusal(() => CheckpointFile.Read(edited, Identity(), Start()));
        var noScalar = Edited(path, json => { json["optimizer_scalars"]!.AsObject().Remove("count"); return json.ToJsonString(); });
        Assert.Equal($"{noScalar}: metadata \"nabla.checkpoint\", optimizer_scalars: expected \"count\", found none.", Read(noScalar));
        var shuffle = Edited(path, json => { json["shuffle"] = "0-1"; return json.ToJsonString(); });
        Assert.Equal($"{shuffle}: metadata \"nabla.checkpoint\", shuffle: expected four 16-digit hex words joined by '-', found 0-1.", Read(shuffle));
        var none = Edited(path, _ => null);
        Assert.Equal($"{none}: metadata: expected a \"nabla.checkpoint\" entry (a checkpoint Nabla wrote), found none.", Read(none));
        Assert.Equal(Read(none), Refusal(() => CheckpointFile.Describe(none)));
        var broken = Edited(path, _ => "{");
        Assert.StartsWith($"{broken}: metadata \"nabla.checkpoint\": expected a checkpoint's JSON, found ", Read(broken));
        var nothing = Edited(path, _ => "null");
        Assert.Equal($"{nothing}: metadata \"nabla.checkpoint\", format: expected \"nabla-checkpoint\", found null.", Read(nothing));
        var other = Edited(path, json => { json["format"] = "other"; return json.ToJsonString(); });
        Assert.Equal($"{other}: metadata \"nabla.checkpoint\", format: expected \"nabla-checkpoint\", found other.", Read(other));
        foreach (var (version, found) in new[] { (0, "0"), (2, "2: a checkpoint from a newer Nabla") })
        {
            var edited = Edited(path, json => { json["version"] = version; return json.ToJsonString(); });
            Assert.Equal($"{edited}: metadata \"nabla.checkpoint\", version: expected 1 to 1, found {found}.", Read(edited));
        }
        // A null where the checkpoint has a value is refused as it is read, not met later as a NullReferenceException.
        var noSeed = Edited(path, json => { json["seed"] = null; return json.ToJsonString(); });
        Assert.StartsWith($"{noSeed}: metadata \"nabla.checkpoint\": expected a checkpoint's JSON, found ", Read(noSeed));
        var current = Edited(path, json => json.ToJsonString());
        Assert.Equal(0, CheckpointFile.Read(current, Identity(), Start()).State.Step);   // the edit itself damages nothing
    }
}
