namespace Nabla.Tests.Compute;

/// <summary>Fit's workspace recycles a buffer only once nothing that survives a step can reach it.</summary>
public class WorkspaceTests
{
    sealed record Holder(object Held);

    [Fact]
    public void Recycle_takes_back_unreachable_matrices_and_keeps_reachable_ones_and_their_storage()
    {
        var workspace = new Workspace<float>();
        Matrix<float> kept, dead, viaStorage;
        using (workspace.Enter())
        {
            kept = Kernels.Uninitialized<float>(2, 3);
            dead = Kernels.Uninitialized<float>(2, 3);
            viaStorage = Kernels.Uninitialized<float>(2, 3);
        }
        // A different matrix object over viaStorage's array keeps it alive too.
        var alias = Matrix<float>.Build.Dense(2, 3, Kernels.Values(viaStorage));
        workspace.Recycle(new Holder(new object[] { kept, new Holder(alias) }));
        Assert.Equal(2, workspace.Lent);
        using (workspace.Enter())
        {
            Assert.Same(dead, Kernels.Uninitialized<float>(2, 3));                 // the dead one comes back
            Assert.NotSame(kept, Kernels.Uninitialized<float>(2, 3));              // the others do not
            Assert.Equal(new float[6], Kernels.Values(Kernels.Zeros<float>(2, 3)));
        }
        Assert.Null(Workspace<float>.Current);                             // only inside Enter
    }

    /// <summary>An optimizer that keeps last step's gradients (the workspace's own buffers) by reference in its state
    /// and uses them next step: recycling them too early would change the result.</summary>
    sealed record GradientAveragingSgd(double LearningRate) : IOptimizer
    {
        public IOptimizerState<T> Init<T>(Parameters<T> parameters) where T : struct, IFloatingPointIeee754<T> =>
            new Previous<T>(parameters.ZerosLike());

        public (Parameters<T> Updates, IOptimizerState<T> State) Update<T>(Parameters<T> gradients, IOptimizerState<T> state, Parameters<T> parameters)
            where T : struct, IFloatingPointIeee754<T>
        {
            var previous = ((Previous<T>)state).Gradients;
            var rate = T.CreateChecked(-LearningRate / 2);
            return (new Parameters<T>(gradients.Tensors.Select((g, i) => (g + previous[i]) * rate)), new Previous<T>(gradients));
        }
    }

    sealed record Previous<T>(Parameters<T> Gradients) : IOptimizerState<T> where T : struct, IFloatingPointIeee754<T>
    {
        public StateDict<T> ToStateDict() => StateDict<T>.Empty.With("previous", Gradients);

        public IOptimizerState<T> LoadStateDict(StateDict<T> contents) => new Previous<T>(contents.Slot("previous", Gradients)!);
    }

    [Fact]
    public void Fit_with_an_optimizer_that_keeps_gradients_by_reference_still_equals_a_fold_of_Step()
    {
        var rng = new Rng(2);
        var features = Enumerable.Range(0, 48 * 6).Select(_ => (float)rng.Uniform(-1, 1)).ToArray();
        var data = Dataset.Classification("noise", features, 6, Enumerable.Range(0, 48).Select(i => i % 3).ToArray(), 3);
        var model = Sequential.Of(Layer.Dense(6, 5, new Rng(1)), Layer.Relu(), Layer.Dense(5, 3, new Rng(2)));
        var optimizer = new GradientAveragingSgd(0.5);
        var fitted = model.Fit(data, Loss.SoftmaxCrossEntropy, optimizer, epochs: 3, batchSize: 8, validation: null, new Rng(9));

        var shuffle = new Rng(9);
        var state = TrainState<float>.Create(model, optimizer, shuffle.NextUInt64());
        for (var epoch = 0; epoch < 3; epoch++)
            foreach (var batch in Batches.Of<float>(data, 8, shuffle))
                (state, _) = Train.Step(state, batch.X, batch.Y, Loss.SoftmaxCrossEntropy);
        for (var i = 0; i < state.Model.Parameters.Count; i++)
            Assert.Equal(TestSupport.Snapshot(state.Model.Parameters[i]), TestSupport.Snapshot(fitted.Model.Parameters[i]));
    }

    [Fact]
    public void A_survivor_too_large_to_walk_makes_the_workspace_give_up_safely()
    {
        var workspace = new Workspace<float>();
        Matrix<float> m;
        using (workspace.Enter()) m = Kernels.Uninitialized<float>(1, 1);
        var huge = Enumerable.Range(0, Reachability.Limit + 10).Select(i => new Holder(i)).ToArray();
        workspace.Recycle(new Holder(huge));
        Assert.True(workspace.GaveUp);
        using (workspace.Enter()) Assert.NotSame(m, Kernels.Uninitialized<float>(1, 1));
    }
}
