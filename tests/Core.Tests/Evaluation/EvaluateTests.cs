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
            Assert.Equal(3, m.Top.Count);   // the best three of ten classes
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

    // Logits = features (a 3 → 3 identity layer). Rows 1 and 3 are equally confident mistakes, row 2 a less confident one.
    static readonly Sequential<double> Identity = Sequential.Of<double>(new Dense<double>(Matrix<double>.Build.DenseIdentity(3), Matrix<double>.Build.Dense(1, 3)));
    static readonly Dataset Toy = Dataset.Classification("toy", [2, 0, 0, 0, 3, 0, 1, 0, 0, 0, 3, 0, 0, 0, 1], 3, [0, 2, 1, 0, 2], 3);

    [Fact]
    public void A_hand_made_case_gives_accuracy_top_k_and_the_gallery_most_confident_first_ties_by_index()
    {
        var e = Identity.Evaluate(Toy, Loss.SoftmaxCrossEntropy, batchSize: 2, gallery: 2);
        Assert.Equal(("toy", 5, "softmax_cross_entropy"), (e.Dataset, e.Samples, e.LossName));
        Assert.Equal(0.4, e.Accuracy);
        var c = e.Classification!;
        Assert.Equal([0, 1, 0, 1, 2], c.Predicted);
        Assert.Equal([0.4, 0.8, 1.0], c.TopKAccuracy);   // the labels rank 0, 2, 1, 1, 0
        Assert.Equal(["0", "1", "2"], c.ClassNames);
        Assert.Equal(3, c.MistakeCount);
        Assert.Null(c.Images);   // 3 features: not an image
        Assert.Equal([(1, 2, 1), (3, 0, 1)], c.Mistakes.Select(m => (m.Index, m.Label, m.Predicted)));
        var p = Math.Exp(3) / (Math.Exp(3) + 2);
        Assert.Equal(p, c.Mistakes[0].Confidence, 12);
        Assert.Equal(1, c.Mistakes[0].Top[0].Class);
        Assert.Equal([0, 2], c.Mistakes[0].Top.Skip(1).Select(t => t.Class));
        Assert.Null(c.Mistakes[0].Pixels);
        var all = Identity.Evaluate(Toy, Loss.SoftmaxCrossEntropy, gallery: 3).Classification!;
        Assert.Equal([1, 3, 2], all.Mistakes.Select(m => m.Index));
        Assert.Equal(Math.E / (Math.E + 2), all.Mistakes[2].Confidence, 12);
        Assert.Empty(Identity.Evaluate(Toy, Loss.SoftmaxCrossEntropy, gallery: 0).Classification!.Mistakes);
        Assert.Equal(["x", "y", "z"], Identity.Evaluate(Toy, Loss.SoftmaxCrossEntropy, classNames: ["x", "y", "z"]).Classification!.ClassNames);
    }

    [Fact]
    public void Gallery_pixels_map_0_to_1_inputs_to_round_255_v_and_stretch_any_other_range()
    {
        // Every row is a mistake of equal confidence (logits 0, 1: class 1; every label 0), so the gallery keeps row order.
        float[][] rows = [[0, 0.5f, 0.25f, 0.2f], [1, 0.5f, 0.6f, 1], [-1, 3, 1, 0], [5, 5, 5, 5], [2, 0.5f, 0.5f, 0.5f], [-0.5f, 0, 0.5f, 0]];
        var data = Dataset.Classification("pixels", [.. rows.SelectMany(r => r)], 4, new int[rows.Length], 2);
        var model = Sequential.Of<double>(new Dense<double>(Matrix<double>.Build.Dense(4, 2), Matrix<double>.Build.DenseOfRowArrays([0.0, 1.0])));
        var c = model.Evaluate(data, Loss.SoftmaxCrossEntropy, imageShape: new ImageShape(2, 2)).Classification!;
        Assert.Equal(new ImageShape(2, 2), c.Images);
        Assert.Equal([0, 1, 2, 3, 4, 5], c.Mistakes.Select(m => m.Index));
        byte[][] expected =
        [
            [0, 128, 64, 51],     // min 0, max < 1: 255·v
            [255, 128, 153, 255], // min > 0, max 1: 255·v
            [0, 255, 128, 64],    // −1..3 stretched: 255·(v + 1)/4
            [0, 0, 0, 0],         // a constant row outside 0..1
            [255, 0, 0, 0],       // max > 1 only: 0.5..2 stretched
            [0, 128, 255, 128],   // min < 0 only: −0.5..0.5 stretched
        ];
        Assert.Equal(expected, c.Mistakes.Select(m => m.Pixels!));
        Assert.Equal([1, 0], c.Mistakes[0].Top.Select(t => t.Class));   // two classes: a top-2
        Assert.Equal(Math.E / (1 + Math.E), c.Mistakes[0].Confidence, 12);
    }

    [Fact]
    public void Refuses_an_empty_dataset_a_negative_gallery_a_wrong_name_count_and_images_of_another_size()
    {
        var empty = Dataset.Classification("none", [], 3, [], 3);
        Assert.Equal("Evaluate: the dataset none is empty.", Assert.Throws<ArgumentException>(() => Identity.Evaluate(empty, Loss.SoftmaxCrossEntropy)).Message);
        Assert.Equal("Evaluate: gallery must be ≥ 0. (Parameter 'gallery')\nActual value was -1.",
            Assert.Throws<ArgumentOutOfRangeException>(() => Identity.Evaluate(Toy, Loss.SoftmaxCrossEntropy, gallery: -1)).Message);
        Assert.Equal("Evaluate: 2 class names for the 3 classes of toy. (Parameter 'classNames')",
            Assert.Throws<ArgumentException>(() => Identity.Evaluate(Toy, Loss.SoftmaxCrossEntropy, classNames: ["x", "y"])).Message);
        Assert.Equal("Evaluate: images of 2×2 are 4 pixels, but toy has 3 features per row.",
            Assert.Throws<ShapeException>(() => Identity.Evaluate(Toy, Loss.SoftmaxCrossEntropy, imageShape: new ImageShape(2, 2))).Message);
        Assert.Equal(new ImageShape(1, 3), Identity.Evaluate(Toy, Loss.SoftmaxCrossEntropy, imageShape: new ImageShape(1, 3)).Classification!.Images);
        // 64 features would be guessed an 8 × 8 image; the shape given wins.
        var wide = Dataset.Classification("wide", new float[2 * 64], 64, [0, 1], 2);
        var linear = Sequential.Of<double>(new Dense<double>(Matrix<double>.Build.Dense(64, 2), Matrix<double>.Build.Dense(1, 2)));
        Assert.Equal(new ImageShape(8, 8), linear.Evaluate(wide, Loss.SoftmaxCrossEntropy).Classification!.Images);
        Assert.Equal(new ImageShape(4, 16), linear.Evaluate(wide, Loss.SoftmaxCrossEntropy, imageShape: new ImageShape(4, 16)).Classification!.Images);
        // Class names mean nothing to a regression: they are not checked against its (zero) classes.
        var regression = Dataset.Regression("r", [1, 2, 3], 3, [1, 2, 3], 3);
        Assert.NotNull(Identity.Evaluate(regression, Loss.Mse, classNames: ["x"]).Regression);
    }

    [Fact]
    public void A_regression_evaluation_averages_over_every_target_column()
    {
        var data = Dataset.Regression("r", [1, 2, 3, 4, 5, 6], 3, [1, 2, 4, 4, 5, 6], 3);   // one error of 1, in row 0
        var e = Identity.Evaluate(data, Loss.Mse, tolerance: 0.5);
        var r = e.Regression!;   // columns 0 and 1 exact (R² 1); column 2: y = 4, 6, errors −1, 0 (MAE ½, RMSE √½, R² 1 − 1/2)
        Assert.Equal(1 / 6.0, r.Mae, 12);
        Assert.Equal(Math.Sqrt(0.5) / 3, r.Rmse, 12);
        Assert.Equal(2.5 / 3, r.R2, 12);
        Assert.Equal((0.5, 5 / 6.0), (r.Tolerance, r.WithinTolerance));
        Assert.Equal(1 / 6.0, e.Loss, 12);
    }

    [Fact]
    public void Nested_observers_all_hear_until_each_leaves()
    {
        var (outer, inner) = (new List<string>(), new List<string>());
        using (EvaluationObservers.Add(r => outer.Add(r.Dataset)))
        {
            using (EvaluationObservers.Add(r => inner.Add(r.Dataset)))
            {
                Assert.Equal(2, EvaluationObservers.Ambient.Count);
                Identity.Evaluate(Toy, Loss.SoftmaxCrossEntropy);
            }
            Identity.Evaluate(Toy with { Name = "second" }, Loss.SoftmaxCrossEntropy);
        }
        Assert.Empty(EvaluationObservers.Ambient);
        Assert.Equal(["toy", "second"], outer);
        Assert.Equal(["toy"], inner);
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
