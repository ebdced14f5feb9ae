namespace Nabla.Tests.Evaluation;

/// <summary>model.Evaluate: the figures Fit reports, the details a report needs, and evaluation.json.</summary>
public class EvaluateTests
{
    static readonly Lazy<(FitResult<float> Result, Dataset Test)> Trained = new(() =>
    {
        var (train, test) = Mnist.Load(TestSupport.DataPath("mnist"), limit: 2000);
        var rng = Rng.Seeded(3);
        var model = Sequential.Of(Layer.Flatten(), Layer.Dense(784, 32, Init.He, rng), Layer.Relu(), Layer.Dense(32, 10, Init.Xavier, rng));
        var small = test.Take(500);
        return (model.Fit(train, Loss.SoftmaxCrossEntropy, new Sgd(LearningRate: 0.1), 2, 32, small, rng), small);
    });

    [Fact]
    public void Loss_and_accuracy_are_fits_val_loss_and_val_accuracy_and_the_details_agree_with_them()
    {
        var (result, test) = Trained.Value;
        var evaluation = result.Model.Evaluate(test, Loss.SoftmaxCrossEntropy);
        Assert.Equal(result.Last.ValLoss, evaluation.Loss);
        Assert.Equal(result.Last.ValAccuracy, evaluation.Accuracy);
        var (loss, accuracy) = evaluation;   // as Keras's evaluate returns them
        Assert.Equal((evaluation.Loss, evaluation.Accuracy), (loss, accuracy));

        var c = evaluation.Classification!;
        Assert.Equal(test.Labels, c.Labels);
        Assert.Equal(result.Model.PredictClasses(test, Loss.SoftmaxCrossEntropy), c.Predicted);
        Assert.Equal(evaluation.Accuracy!.Value, c.TopKAccuracy[0], 12);
        Assert.Equal(evaluation.Accuracy!.Value, c.Report.Accuracy, 12);
        Assert.Equal(5, c.TopKAccuracy.Count);
        Assert.True(c.TopKAccuracy.Zip(c.TopKAccuracy.Skip(1)).All(p => p.First <= p.Second), "top-k accuracy must not fall as k grows");
        Assert.Equal(test.Count - c.ConfusionMatrix.Correct, c.MistakeCount);
        Assert.Contains("macro avg", evaluation.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_gallery_holds_the_most_confident_mistakes_with_their_pixels()
    {
        var (result, test) = Trained.Value;
        var c = result.Model.Evaluate(test, Loss.SoftmaxCrossEntropy, gallery: 5).Classification!;
        Assert.Equal(new ImageShape(28, 28), c.Images);
        Assert.Equal(Math.Min(5, c.MistakeCount), c.Mistakes.Count);
        Assert.True(c.Mistakes.Zip(c.Mistakes.Skip(1)).All(p => p.First.Confidence >= p.Second.Confidence), "most confident first");
        var probabilities = result.Model.Predict(Batches.Gather<float>(test, [c.Mistakes[0].Index]).X, Loss.SoftmaxCrossEntropy);
        foreach (var m in c.Mistakes)
        {
            Assert.NotEqual(m.Label, m.Predicted);
            Assert.Equal(test.Labels![m.Index], m.Label);
            Assert.Equal(m.Predicted, m.Top[0].Class);
            Assert.Equal(m.Confidence, m.Top[0].Probability);
            Assert.Equal(784, m.Pixels!.Length);
            Assert.Equal((byte)Math.Round(255 * test.Features[m.Index * 784 + 350]), m.Pixels[350]);   // 0..1 inputs map to 0..255
        }
        Assert.Equal((double)probabilities[0, c.Mistakes[0].Predicted], c.Mistakes[0].Confidence);
        // The most confident mistake is at least as confident as any other wrong prediction.
        var all = result.Model.Evaluate(test, Loss.SoftmaxCrossEntropy, gallery: 1000).Classification!;
        Assert.Equal(all.Mistakes.Max(m => m.Confidence), c.Mistakes[0].Confidence);
    }

    [Fact]
    public void Regression_evaluations_carry_mae_rmse_r2_and_the_tolerance_figure()
    {
        var rng = Rng.Seeded(1);
        var x = Enumerable.Range(0, 64).Select(_ => (float)rng.Uniform(-1, 1)).ToArray();
        var data = Dataset.Regression("line", x, 1, x.Select(v => 2 * v + 1).ToArray(), 1);
        var model = Sequential.Of(Layer.Dense(1, 1, rng));
        var evaluation = model.Evaluate(data, Loss.Mse, tolerance: 0.25);
        Assert.Null(evaluation.Accuracy);
        Assert.Null(evaluation.Classification);
        var r = evaluation.Regression!;
        var predicted = model.Forward(Batches.Gather<float>(data, Enumerable.Range(0, 64).ToArray()).X);
        var errors = Enumerable.Range(0, 64).Select(i => (double)predicted[i, 0] - data.Targets[i]).ToArray();
        Assert.Equal(errors.Average(e => e * e), evaluation.Loss, 6);
        Assert.Equal(Math.Sqrt(errors.Average(e => e * e)), r.Rmse, 6);
        Assert.Equal(errors.Average(Math.Abs), r.Mae, 6);
        Assert.Equal(errors.Count(e => Math.Abs(e) <= 0.25) / 64.0, r.WithinTolerance);
    }

    [Fact]
    public void Every_evaluate_is_heard_by_the_observers_of_its_flow_until_they_leave()
    {
        var (result, test) = Trained.Value;
        var heard = new List<EvaluationResult>();
        using (EvaluationObservers.Add(heard.Add))
            result.Model.Evaluate(test.Take(50), Loss.SoftmaxCrossEntropy);
        result.Model.Evaluate(test.Take(50), Loss.SoftmaxCrossEntropy);
        Assert.Single(heard);
        Assert.Equal(50, heard[0].Samples);
    }

    [Fact]
    public void Evaluation_json_round_trips_everything_the_report_reads()
    {
        var (result, test) = Trained.Value;
        var classification = result.Model.Evaluate(test, Loss.SoftmaxCrossEntropy, gallery: 4, classNames: Enumerable.Range(0, 10).Select(k => $"digit {k}").ToArray());
        var rng = Rng.Seeded(2);
        var x = Enumerable.Range(0, 8).Select(_ => (float)rng.Uniform(-1, 1)).ToArray();
        var regression = Sequential.Of(Layer.Dense(1, 1, rng)).Evaluate(Dataset.Regression("r", x, 1, x, 1), Loss.Mse, tolerance: 0.1);
        var path = Path.Combine(Path.GetTempPath(), $"nabla-eval-{Guid.NewGuid():N}.json");
        try
        {
            EvaluationFile.Write([classification, regression], path);
            var back = EvaluationFile.Read(path);
            Assert.Equal(2, back.Count);
            var (a, b) = (classification.Classification!, back[0].Classification!);
            Assert.Equal((classification.Dataset, classification.Loss, classification.Accuracy), (back[0].Dataset, back[0].Loss, back[0].Accuracy));
            Assert.Equal(a.ClassNames, b.ClassNames);
            Assert.Equal(a.Labels, b.Labels);
            Assert.Equal(a.Predicted, b.Predicted);
            Assert.Equal(a.TopKAccuracy, b.TopKAccuracy);
            Assert.Equal(a.Images, b.Images);
            Assert.Equal(a.MistakeCount, b.MistakeCount);
            Assert.Equal(a.Mistakes.Select(m => (m.Index, m.Label, m.Predicted, m.Confidence)), b.Mistakes.Select(m => (m.Index, m.Label, m.Predicted, m.Confidence)));
            Assert.Equal(a.Mistakes[0].Top, b.Mistakes[0].Top);
            Assert.Equal(a.Mistakes[0].Pixels, b.Mistakes[0].Pixels);
            Assert.Equal(regression.Regression, back[1].Regression);
            File.WriteAllText(path, """{"format": "something else"}""");
            Assert.Contains("expected \"nabla-evaluation\"", Assert.Throws<DataFormatException>(() => EvaluationFile.Read(path)).Message);
        }
        finally { File.Delete(path); }
    }
}
