// The data API on one screen: a CSV file in, a dataset split and batched, initializers chosen, metrics out.
var rng = Rng.Seeded(Seed);

// A CSV whose first column is the label (the MNIST CSV layout), written here from 1,000 MNIST test images.
var (_, mnistTest) = Mnist.Load("data/mnist");
var csv = Path.Combine(OutDir, "digits.csv");
File.WriteAllLines(csv, Enumerable.Range(0, 1000).Select(i =>
    $"{mnistTest.Labels![i]}," + string.Join(",", mnistTest.Features.Skip(784 * i).Take(784).Select(v => (int)Math.Round(255 * v)))));

var table = Csv.Read(csv);                                                 // any numeric CSV; a header line is detected
var digits = Csv.LoadClassification(csv, classes: 10, scale: 1 / 255f);   // label first, pixels scaled to [0, 1]
Log($"{table.Rows} rows × {table.Columns} columns; {digits}");

var (train, validation) = digits.Split(0.2, rng);   // a seeded 80/20 split
foreach (var batch in Batches.Of<float>(train.Take(100), batchSize: 32, rng))   // shuffled; the last batch is partial
    Log($"{batch}: labels {string.Join(" ", batch.Labels!.Take(5))} …");

var model = Sequential.Of(
    Dense(784, 64, Init.HeNormal, rng), Relu(),   // also Init.Zeros, Uniform(a), Normal(σ), XavierNormal, HeUniform
    Dense(64, 10, Init.XavierUniform, rng));
var result = model.Fit(train, Loss.SoftmaxCrossEntropy, new Sgd(LearningRate: 0.1), epochs: 10, batchSize: 32, validation, rng);

var all = Batches.Gather<float>(validation, [.. Enumerable.Range(0, validation.Count)]);   // one batch of every sample
var probabilities = result.Model.Predict(all.X, Loss.SoftmaxCrossEntropy);
Log($"accuracy {100 * Metrics.Accuracy(probabilities, all.Labels!):F1}%, top-3 {100 * TopK.Accuracy(probabilities, all.Labels!, 3):F1}%");
var predicted = Metrics.PredictedClasses(probabilities);
Log(ClassificationReport.From(ConfusionMatrix.Of(all.Labels!, predicted, 10)).ToString(digits: 2));
