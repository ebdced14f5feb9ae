namespace Nabla.Tests.Golden;

/// <summary>Each loss case of losses.json: value and gradient against PyTorch in float64, 1e-9 relative.</summary>
[Trait("Category", TestSupport.KernelCategory)]
public class GoldenLossTests
{
    const double Tolerance = 1e-9;

    public static TheoryData<int, string> Cases() => Golden.Indices("losses.json",
        "softmax_cross_entropy", "categorical_cross_entropy", "mse", "mae", "binary_cross_entropy", "sigmoid_binary_cross_entropy");

    [Theory, MemberData(nameof(Cases))]
    public void Matches_pytorch(int index, string op)
    {
        var c = Golden.Cases("losses.json")[index];
        var (loss, predictionKey, targetKey, gradientKey) = op switch
        {
            "softmax_cross_entropy" => (Loss.SoftmaxCrossEntropy, "logits", "target_onehot", "logits_grad"),
            "categorical_cross_entropy" => (Loss.CategoricalCrossEntropy, "prediction", "target", "prediction_grad"),
            "mse" => (Loss.Mse, "prediction", "target", "prediction_grad"),
            "mae" => (Loss.Mae, "prediction", "target", "prediction_grad"),
            "binary_cross_entropy" => (Loss.BinaryCrossEntropy, "prediction", "target", "prediction_grad"),
            "sigmoid_binary_cross_entropy" => (Loss.SigmoidBinaryCrossEntropy, "logits", "target", "logits_grad"),
            _ => throw new NotSupportedException(op),
        };
        var result = loss.Evaluate(Golden.Matrix(c.GetProperty(predictionKey)), Golden.Matrix(c.GetProperty(targetKey)));
        TestSupport.AssertClose(c.GetProperty("loss").GetDouble(), result.Value, Tolerance, $"{op} #{index} loss");
        TestSupport.AssertClose(Golden.Matrix(c.GetProperty(gradientKey)), result.Gradient, Tolerance, $"{op} #{index} gradient");

        if (op == "softmax_cross_entropy")
        {
            // The same case through the integer-label form.
            var labels = c.GetProperty("labels").EnumerateArray().Select(e => (double)e.GetInt32()).ToArray();
            var sparse = Loss.SparseSoftmaxCrossEntropy.Evaluate(Golden.Matrix(c.GetProperty("logits")),
                Kernels.FromRowMajor<double>(labels.Length, 1, labels));
            TestSupport.AssertClose(c.GetProperty("loss").GetDouble(), sparse.Value, Tolerance, $"sparse #{index} loss");
            TestSupport.AssertClose(Golden.Matrix(c.GetProperty(gradientKey)), sparse.Gradient, Tolerance, $"sparse #{index} gradient");
        }
    }
}
