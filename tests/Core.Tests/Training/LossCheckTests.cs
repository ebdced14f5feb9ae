namespace Nabla.Tests.Training;

/// <summary>The API's silent traps of issue 11, each now an error before training or a right result: a loss on
/// probabilities after logits, a from-logits loss after Softmax/Sigmoid, and sparse labels through Fit.</summary>
public sealed class LossCheckTests
{
    static readonly Lazy<(Dataset Train, Dataset Test)> Digits = new(() =>
    {
        var (train, test) = Mnist.Load(TestSupport.DataPath("mnist"), limit: 2000);
        return (train, test.Take(1000));
    });

    static Sequential<float> Mlp(Rng rng, params ILayer<float>[] head) =>
        Sequential.Of([Layer.Flatten(), Layer.Dense(784, 64, Init.He, rng), Layer.Relu(), Layer.Dense(64, 10, Init.Xavier, rng), .. head]);

    static FitResult<float> Fit(Sequential<float> model, ILoss loss, Rng rng, Dataset? train = null) =>
        model.Fit(train ?? Digits.Value.Train, loss, new Sgd(LearningRate: 0.1), epochs: 2, batchSize: 32, validation: Digits.Value.Test, rng);

    [Fact]
    public void Categorical_cross_entropy_without_a_softmax_layer_is_refused_at_fit_naming_both_and_the_fix()
    {
        // Issue 11: this trained, reporting a loss of −45.3, and ended at 10%. Refused before Fit starts (no observer hears of it).
        var rng = new Rng(1);
        var started = new Started();
        var e = Assert.Throws<ArgumentException>(() => Mlp(rng).Fit(Digits.Value.Train, Loss.CategoricalCrossEntropy, new Sgd(), 1, 32, null, rng, [started]));
        Assert.False(started.Yes);
        Assert.Contains("categorical_cross_entropy takes probabilities", e.Message);
        Assert.Contains("Dense(64 → 10)", e.Message);
        Assert.Contains("Add Softmax()", e.Message);
        Assert.Contains("Loss.SoftmaxCrossEntropy", e.Message);
    }

    sealed class Started : IFitObserver
    {
        public bool Yes;
        public void OnFitStart(FitInfo info) => Yes = true;
    }

    [Fact]
    public void A_softmax_layer_before_a_from_logits_loss_is_refused_at_fit_naming_both_and_the_fix()
    {
        // Issue 11: this trained to 77% where 90% was due (softmax applied twice).
        var rng = new Rng(1);
        var e = Assert.Throws<ArgumentException>(() => Fit(Mlp(rng, Layer.Softmax()), Loss.SoftmaxCrossEntropy, rng));
        Assert.Contains("softmax_cross_entropy takes logits", e.Message);
        Assert.Contains("Softmax", e.Message);
        Assert.Contains("Loss.CategoricalCrossEntropy", e.Message);
        var sparse = Assert.Throws<ArgumentException>(() => Fit(Mlp(rng, Layer.Softmax()), Loss.SparseSoftmaxCrossEntropy, rng));
        Assert.Contains("Remove the Softmax layer", sparse.Message);
    }

    [Fact]
    public void Binary_losses_are_checked_against_a_sigmoid_layer_too()
    {
        var rng = new Rng(2);
        var logits = Sequential.Of(Layer.Dense(3, 1, rng));
        var probabilities = Sequential.Of(Layer.Dense(3, 1, rng), Layer.Sigmoid());
        Assert.Contains("Loss.SigmoidBinaryCrossEntropy", Assert.Throws<ArgumentException>(() => LossCheck.Require(logits, Loss.BinaryCrossEntropy)).Message);
        Assert.Contains("Loss.BinaryCrossEntropy", Assert.Throws<ArgumentException>(() => LossCheck.Require(probabilities, Loss.SigmoidBinaryCrossEntropy)).Message);
        Assert.Contains("applies sigmoid itself", Assert.Throws<ArgumentException>(() => LossCheck.Require(probabilities, Loss.SigmoidBinaryCrossEntropy)).Message);
    }

    sealed record Squash : ILayer<float>
    {
        public Matrix<float> Forward(Matrix<float> x, SampleShape input) => x;
        public Backprop<float> Backward(Trace<float> trace, Matrix<float> dy, bool needInputGradient = true) => new(NoGradient<float>.Instance, dy);
    }

    [Fact]
    public void Matching_pairs_pass_and_a_last_layer_of_your_own_is_not_judged()
    {
        var rng = new Rng(3);
        Sequential<float> Head(params ILayer<float>[] layers) => Sequential.Of([Layer.Dense(3, 2, rng), .. layers]);
        LossCheck.Require(Head(), Loss.SoftmaxCrossEntropy);
        LossCheck.Require(Head(), Loss.SparseSoftmaxCrossEntropy);
        LossCheck.Require(Head(Layer.Softmax()), Loss.CategoricalCrossEntropy);
        LossCheck.Require(Head(Layer.Softmax(), Layer.Dropout(0.1)), Loss.CategoricalCrossEntropy);   // dropout is the identity at inference
        LossCheck.Require(Head(Layer.Sigmoid()), Loss.BinaryCrossEntropy);
        LossCheck.Require(Head(), Loss.SigmoidBinaryCrossEntropy);
        LossCheck.Require(Head(Layer.LogSoftmax()), Loss.SoftmaxCrossEntropy);                       // log-probabilities are logits
        LossCheck.Require(Head(Layer.Tanh()), Loss.Mse);
        LossCheck.Require(Head(Layer.Softmax()), Loss.Mse);
        LossCheck.Require(Head(new Squash()), Loss.CategoricalCrossEntropy);
    }

    /// <summary>A loss on probabilities that is neither of the built-in cross-entropies.</summary>
    sealed record ProbabilityLoss : ILoss
    {
        public string Name => "my_loss";
        public LossInput Input => LossInput.Probabilities;
        public LossResult<T> Evaluate<T>(Matrix<T> prediction, Matrix<T> target) where T : struct, IFloatingPointIeee754<T> =>
            throw new NotSupportedException("only checked, never evaluated");
    }

    static string Refusal(ILoss loss, params ILayer<float>[] layers) =>
        Assert.Throws<ArgumentException>(() => LossCheck.Require(Sequential.Of(layers), loss)).Message;

    [Fact]
    public void A_probability_loss_after_logits_names_the_squashing_layer_its_own_kind_needs()
    {
        var rng = new Rng(9);
        const string logits = " takes probabilities, but the model's last layer, Dense(3 → 2), gives unbounded values (logits). ";
        Assert.Equal("categorical_cross_entropy" + logits + "Add Softmax() as the last layer, or use Loss.SoftmaxCrossEntropy, which takes logits.",
            Refusal(Loss.CategoricalCrossEntropy, Layer.Dense(3, 2, rng)));
        Assert.Equal("binary_cross_entropy" + logits + "Add Sigmoid() as the last layer, or use Loss.SigmoidBinaryCrossEntropy, which takes logits.",
            Refusal(Loss.BinaryCrossEntropy, Layer.Dense(3, 2, rng)));
        Assert.Equal("my_loss" + logits + "Add Softmax() or Sigmoid() as the last layer, or use a loss that takes logits.",
            Refusal(new ProbabilityLoss(), Layer.Dense(3, 2, rng), Layer.Dropout(0.5)));
    }

    [Fact]
    public void A_logit_loss_after_a_squashing_layer_names_what_it_applies_and_suggests_the_probability_loss_only_for_its_own_pair()
    {
        static string Twice(string loss, string applies, string layer, string ending) =>
            $"{loss} takes logits and applies {applies} itself, but the model's last layer, {layer}, already gives probabilities: " +
            $"they would be squashed twice. Remove the {layer} layer (Predict with this loss still gives probabilities){ending}";
        Assert.Equal(Twice("softmax_cross_entropy", "softmax", "Softmax", ", or use Loss.CategoricalCrossEntropy, which takes probabilities."),
            Refusal(Loss.SoftmaxCrossEntropy, Layer.Softmax()));
        Assert.Equal(Twice("softmax_cross_entropy", "softmax", "Sigmoid", "."), Refusal(Loss.SoftmaxCrossEntropy, Layer.Sigmoid()));
        Assert.Equal(Twice("sigmoid_binary_cross_entropy", "sigmoid", "Sigmoid", ", or use Loss.BinaryCrossEntropy, which takes probabilities."),
            Refusal(Loss.SigmoidBinaryCrossEntropy, Layer.Sigmoid()));
        Assert.Equal(Twice("sigmoid_binary_cross_entropy", "sigmoid", "Softmax", "."), Refusal(Loss.SigmoidBinaryCrossEntropy, Layer.Softmax()));
        Assert.Equal(Twice("sparse_softmax_cross_entropy", "softmax", "Softmax", "."), Refusal(Loss.SparseSoftmaxCrossEntropy, Layer.Softmax()));
    }

    [Fact]
    public void A_model_with_no_layer_but_dropout_is_not_judged()
    {
        // Nothing decides what it outputs (dropout is the identity at inference), whatever the loss takes.
        var dropout = Sequential.Of(Layer.Dropout(0.5));
        LossCheck.Require(dropout, Loss.CategoricalCrossEntropy);
        LossCheck.Require(dropout, Loss.SoftmaxCrossEntropy);
        LossCheck.Require(dropout, Loss.Mse);
    }

    [Fact]
    public void The_first_train_step_checks_too()
    {
        var rng = new Rng(4);
        var model = Sequential.Of(Layer.Dense(3, 2, rng), Layer.Softmax());
        var state = TrainState<float>.Create(model, new Sgd());
        var (x, y) = (Matrix<float>.Build.Dense(4, 3, 0.5f), Matrix<float>.Build.Dense(4, 2, 0.5f));
        Assert.Contains("softmax_cross_entropy", Assert.Throws<ArgumentException>(() => Train.Step(state, x, y, Loss.SoftmaxCrossEntropy)).Message);
        var (next, _) = Train.Step(state, x, y, Loss.CategoricalCrossEntropy);
        Assert.Equal(1, next.Step);
    }

    [Fact]
    public void Sparse_labels_train_with_fit_as_one_hot_targets_do()
    {
        // Issue 11: Loss.SparseSoftmaxCrossEntropy, listed in README.md, could not be used with Fit.
        var dense = Fit(Mlp(new Rng(5)), Loss.SoftmaxCrossEntropy, new Rng(6));
        var sparse = Fit(Mlp(new Rng(5)), Loss.SparseSoftmaxCrossEntropy, new Rng(6));
        Assert.True(sparse.Last.ValAccuracy >= 0.80, $"sparse labels: test accuracy {sparse.Last.ValAccuracy:P2} (2 epochs of 2,000 images)");
        // The same gradient, (p − onehot)/B, computed in another order: the same training up to rounding.
        Assert.InRange(sparse.Last.ValAccuracy!.Value - dense.Last.ValAccuracy!.Value, -0.005, 0.005);
        Assert.InRange(sparse.Last.Loss - dense.Last.Loss, -1e-3, 1e-3);
    }

    [Fact]
    public void Labels_in_one_column_report_their_real_class_count()
    {
        // A dataset whose targets are its labels as one column (what the sparse loss's batch × 1 suggests building).
        var rng = new Rng(7);
        int[] labels = [0, 3, 9, 4, 1, 2];
        var data = new Dataset("digits", Enumerable.Range(0, 12).Select(i => (float)i).ToArray(), 6, 2, labels.Select(l => (float)l).ToArray(), 1, labels);
        Assert.Equal(10, data.Classes);
        var three = Sequential.Of(Layer.Dense(2, 3, rng));
        Assert.Contains("10 classes", Assert.Throws<ShapeException>(() => three.Fit(data, Loss.SparseSoftmaxCrossEntropy, new Sgd(), 1, 2, null, rng)).Message);
        var dense = Assert.Throws<ShapeException>(() => three.Fit(data, Loss.SoftmaxCrossEntropy, new Sgd(), 1, 2, null, rng));
        Assert.Contains("10 classes", dense.Message);
        Assert.Contains("Loss.SparseSoftmaxCrossEntropy", dense.Message);
        var ten = Sequential.Of(Layer.Dense(2, 10, rng));
        Assert.Single(ten.Fit(data, Loss.SparseSoftmaxCrossEntropy, new Sgd(), 1, 2, null, rng).History);
    }

    [Fact]
    public void Sparse_losses_need_labels_and_unlabelled_data_cannot_train()
    {
        var rng = new Rng(8);
        var regression = Dataset.Regression("sine", [0f, 1f, 2f, 3f], 1, [0f, 1f, 0f, -1f], 1);
        var model = Sequential.Of(Layer.Dense(1, 2, rng));
        Assert.Contains("takes class labels", Assert.Throws<ArgumentException>(() => model.Fit(regression, Loss.SparseSoftmaxCrossEntropy, new Sgd(), 1, 2, null, rng)).Message);
        var unlabelled = Dataset.Unlabeled("test.csv", [0f, 1f, 2f, 3f], 1);
        Assert.Contains("no targets", Assert.Throws<ArgumentException>(() => model.Fit(unlabelled, Loss.Mse, new Sgd(), 1, 2, null, rng)).Message);
    }
}
