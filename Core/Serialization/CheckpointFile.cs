using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;
using MathNet.Numerics.LinearAlgebra;
using Nabla.Data;
using Nabla.Optimizers;
using Nabla.Training;

namespace Nabla.Serialization;

/// <summary>
/// One Fit's progress (<see cref="FitProgress{T}"/>) as a safetensors file, exact to the bit: the tensors by name —
/// <c>model/0.weight</c> (Nabla's inputs × outputs layout, as the matrices are), <c>model_state/…</c> (batch norm's
/// running statistics), <c>optimizer/m/0.weight</c> (the optimizer's state dict), <c>best_model/…</c> (early stopping's
/// best epoch) — in float32 for a float model, float64 for a double one; and the rest as JSON in the metadata entry
/// "nabla.checkpoint": the Fit's identity, epoch and batch, step and seed, the shuffling generator's state (hex), the
/// optimizer's scalars, the epoch's running sums, the history, early stopping's figures. Numbers JSON cannot hold
/// exactly (64-bit words) are hex strings; ±∞ (early stopping's "best" before any epoch) are named.
/// </summary>
public static class CheckpointFile
{
    /// <summary>The metadata key of the checkpoint's JSON.</summary>
    public const string Key = "nabla.checkpoint";

    const string Format = "nabla-checkpoint";
    const int Version = 1;

    static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
        RespectNullableAnnotations = true,
    };

    /// <summary>The JSON part, as written. History entries use Keras's names (loss, val_accuracy, …).</summary>
    sealed record Contents(string Format, int Version, int Fit, string Fingerprint, int Epochs, int BatchSize, int InitialEpoch,
        string? EarlyStoppingSettings, int Epoch, int Batch, bool Finished, long Step, string Seed, string Shuffle,
        double LossSum, long Correct, long Seen, double Seconds, Dictionary<string, long> OptimizerScalars,
        IReadOnlyList<EpochMetrics> History, EarlyStoppingFigures? EarlyStopping);

    sealed record EarlyStoppingFigures(int BestEpoch, double Best, int Wait, int? StoppedEpoch, bool HasBestModel);

    /// <summary>Writes <paramref name="progress"/> of <paramref name="fit"/> into <paramref name="stream"/> (left open).</summary>
    public static void Write<T>(Stream stream, FitIdentity fit, FitProgress<T> progress) where T : struct, IFloatingPointIeee754<T>
    {
        var state = progress.State;
        var optimizer = state.OptimizerState.ToStateDict();
        var stopping = progress.EarlyStopping;
        var contents = new Contents(Format, Version, fit.Number, fit.Fingerprint, fit.Info.Epochs, fit.Info.BatchSize, fit.Info.InitialEpoch,
            fit.EarlyStopping, progress.Epoch, progress.Batch, progress.Finished, state.Step, $"{state.Seed:x16}", progress.Shuffle.ToString(),
            progress.LossSum, progress.Correct, progress.Seen, progress.Seconds,
            optimizer.Scalars.ToDictionary(s => s.Name, s => s.Value, StringComparer.Ordinal), progress.History,
            stopping is null ? null : new EarlyStoppingFigures(stopping.BestEpoch, stopping.Best, stopping.Wait, stopping.StoppedEpoch, stopping.BestModel is not null));

        var tensors = new List<(string, int[], double[])>();
        void Add(string prefix, Parameters<T> parameters)
        {
            for (var i = 0; i < parameters.Count; i++) tensors.Add(($"{prefix}/{parameters.Names[i]}", [parameters[i].RowCount, parameters[i].ColumnCount], RowMajor(parameters[i])));
        }
        Add("model", state.Model.Parameters);
        Add("model_state", state.Model.State);
        Add("optimizer", optimizer.Tensors);
        if (stopping?.BestModel is { } best)
        {
            Add("best_model", best.Parameters);
            Add("best_model_state", best.State);
        }
        SafeTensors.Write(stream, tensors, new Dictionary<string, string> { [Key] = JsonSerializer.Serialize(contents, Json) },
            doublePrecision: typeof(T) == typeof(double));
    }

    /// <summary>The progress saved in <paramref name="path"/> for <paramref name="fit"/>, rebuilt on the structure of
    /// <paramref name="start"/> (its model's layers, its optimizer, its early stopping). A file of another Fit (another
    /// fingerprint or other settings) or of another model or optimizer is refused with a <see cref="DataFormatException"/>
    /// that says what differs; so is a damaged file.</summary>
    public static FitProgress<T> Read<T>(string path, FitIdentity fit, FitProgress<T> start) where T : struct, IFloatingPointIeee754<T>
    {
        using var stream = SafeTensors.OpenRead(path);
        var (tensors, metadata) = SafeTensors.Read(stream, path);
        var contents = Parse(metadata, path);
        Require(path, "fit", fit.Number, contents.Fit);
        Require(path, "epochs", fit.Info.Epochs, contents.Epochs);
        Require(path, "batch size", fit.Info.BatchSize, contents.BatchSize);
        Require(path, "initial epoch", fit.Info.InitialEpoch, contents.InitialEpoch);
        Require(path, "early stopping", fit.EarlyStopping ?? "none", contents.EarlyStoppingSettings ?? "none");
        if (contents.Fingerprint != fit.Fingerprint)
            throw new DataFormatException(path, "fingerprint", $"Fit {fit.Number} starting from the same model, optimizer, seed and data ({fit.Fingerprint[..12]}…)",
                $"another starting point ({contents.Fingerprint[..Math.Min(12, contents.Fingerprint.Length)]}…): the script built something else before " +
                "this Fit than the interrupted run did (changed code, arguments or data, or randomness that is not seeded)");

        Parameters<T> Take(string prefix, Parameters<T> like)
        {
            var taken = new Matrix<T>[like.Count];
            for (var i = 0; i < like.Count; i++)
            {
                var name = $"{prefix}/{like.Names[i]}";
                if (!tensors.TryGetValue(name, out var stored))
                    throw new DataFormatException(path, $"tensor \"{name}\"", $"a tensor of shape [{like[i].RowCount}, {like[i].ColumnCount}]",
                        "none: the checkpoint is of another model or optimizer");
                if (stored.Shape is not [var rows, var columns] || rows != like[i].RowCount || columns != like[i].ColumnCount)
                    throw new DataFormatException(path, $"tensor \"{name}\"", $"shape [{like[i].RowCount}, {like[i].ColumnCount}]", $"shape {stored}");
                taken[i] = Kernels.FromRowMajor<T>(rows, columns, stored.Values);   // a checkpoint keeps Nabla's matrices, row-major
            }
            return like.WithTensors(taken);
        }

        var state = start.State;
        var model = state.Model.WithParameters(Take("model", state.Model.Parameters)).WithState(Take("model_state", state.Model.State));
        var like = state.OptimizerState.ToStateDict();
        IOptimizerState<T> optimizer;
        try
        {
            optimizer = state.OptimizerState.LoadStateDict(new StateDict<T>(Take("optimizer", like.Tensors),
                [.. like.Scalars.Select(s => (s.Name, contents.OptimizerScalars.TryGetValue(s.Name, out var v) ? v
                    : throw new DataFormatException(path, $"metadata \"{Key}\", optimizer_scalars", $"\"{s.Name}\"", "none")))]));
        }
        catch (ArgumentException e) { throw new DataFormatException(path, "optimizer state", "the state of this Fit's optimizer", e.Message); }

        var stopping = start.EarlyStopping;
        if (contents.EarlyStopping is { } figures)
        {
            if (stopping is null) throw new DataFormatException(path, $"metadata \"{Key}\", early_stopping", "none (this Fit has no early stopping)", "its state");
            var best = figures.HasBestModel
                ? model.WithParameters(Take("best_model", model.Parameters)).WithState(Take("best_model_state", model.State))
                : null;
            stopping = stopping with { BestEpoch = figures.BestEpoch, Best = figures.Best, BestModel = best, Wait = figures.Wait, StoppedEpoch = figures.StoppedEpoch };
        }
        var seed = ulong.Parse(contents.Seed, System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture);
        var shuffle = RngState.TryParse(contents.Shuffle)
            ?? throw new DataFormatException(path, $"metadata \"{Key}\", shuffle", "four 16-digit hex words joined by '-'", contents.Shuffle);
        return new FitProgress<T>(state with { Model = model, OptimizerState = optimizer, Seed = seed, Step = contents.Step },
            contents.Epoch, contents.Batch, shuffle, contents.LossSum, contents.Correct, contents.Seen, contents.Seconds,
            [.. contents.History], stopping, contents.Finished);
    }

    /// <summary>Where the checkpoint in <paramref name="path"/> stands (Fit, epoch, batch, step, finished), read from its
    /// metadata alone: what <c>nabla</c> shows about a run folder's checkpoints.</summary>
    public static CheckpointSummary Describe(string path)
    {
        using var stream = SafeTensors.OpenRead(path);
        var contents = Parse(SafeTensorsHeader.Read(stream, path).Metadata, path);
        return new CheckpointSummary(contents.Fit, contents.Epoch, contents.Batch, contents.Step, contents.Finished, contents.History.Count);
    }

    static Contents Parse(IReadOnlyDictionary<string, string> metadata, string path)
    {
        if (!metadata.TryGetValue(Key, out var json))
            throw new DataFormatException(path, "metadata", $"a \"{Key}\" entry (a checkpoint Nabla wrote)", "none");
        Contents? contents;
        try { contents = JsonSerializer.Deserialize<Contents>(json, Json); }
        catch (JsonException e) { throw new DataFormatException(path, $"metadata \"{Key}\"", "a checkpoint's JSON", e.Message); }
        if (contents is not { Format: Format })
            throw new DataFormatException(path, $"metadata \"{Key}\", format", $"\"{Format}\"", contents?.Format ?? "null");
        if (contents.Version < 1)
            throw new DataFormatException(path, $"metadata \"{Key}\", version", $"1 to {Version}", $"{contents.Version}");
        if (contents.Version > Version)
            throw new DataFormatException(path, $"metadata \"{Key}\", version", $"1 to {Version}", $"{contents.Version}: a checkpoint from a newer Nabla");
        return contents;
    }

    static void Require<TValue>(string path, string what, TValue expected, TValue found) where TValue : notnull
    {
        if (!expected.Equals(found))
            throw new DataFormatException(path, what, $"{expected} (as this Fit is called)", $"{found}: the script calls Fit differently than the interrupted run did");
    }

    static double[] RowMajor<T>(Matrix<T> m) where T : struct, IFloatingPointIeee754<T>
    {
        var values = new double[m.RowCount * m.ColumnCount];
        var columnMajor = Kernels.Values(m);
        for (var c = 0; c < m.ColumnCount; c++)
            for (var r = 0; r < m.RowCount; r++)
                values[r * m.ColumnCount + c] = double.CreateTruncating(columnMajor[c * m.RowCount + r]);
        return values;
    }
}

/// <summary>Where a saved checkpoint stands: its Fit (1, 2, … in call order), the epoch in progress (or next), how many of
/// its batches were done, the step count, whether the Fit had finished, and how many epochs its history holds.</summary>
public sealed record CheckpointSummary(int Fit, int Epoch, int Batch, long Step, bool Finished, int EpochsDone)
{
    /// <summary>Says where the Fit stands: "fit 1 at epoch 3, batch 120 (step 2000)" or "fit 1 finished: 5 epochs, step
    /// 4690".</summary>
    public override string ToString() => Finished
        ? $"fit {Fit} finished: {EpochsDone} epochs, step {Step}"
        : $"fit {Fit} at epoch {Epoch}, batch {Batch} (step {Step})";
}
