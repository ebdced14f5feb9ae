using System.Reflection;

namespace Nabla.Tests.Optimizers;

/// <summary>A bad hyperparameter fails at construction, with an error naming the parameter and the value given.</summary>
public class HyperparameterTests
{
    public static TheoryData<string, string, string> BadOnes() => new()
    {
        { "Sgd(-0.1)", "LearningRate", "-0.1" },
        { "Adam(-0.001)", "LearningRate", "-0.001" },
        { "Adam(Beta1: 1)", "Beta1", "1" },
        { "Adam(Beta1: -0.1)", "Beta1", "-0.1" },
        { "Adam(Beta2: 1.5)", "Beta2", "1.5" },
        { "Adam(Epsilon: 0)", "Epsilon", "0" },
        { "Adam(Epsilon: -1e-8)", "Epsilon", "-1E-08" },
        { "AdamW(Beta2: 1)", "Beta2", "1" },
        { "AdamW(WeightDecay: -0.01)", "WeightDecay", "-0.01" },
        { "Adagrad(Epsilon: 0)", "Epsilon", "0" },
        { "RmsProp(Rho: 1)", "Rho", "1" },
        { "RmsProp(Epsilon: -1)", "Epsilon", "-1" },
        { "Sgd(Momentum: 1)", "Momentum", "1" },
        { "Sgd(Nesterov without momentum)", "Nesterov", "Momentum = 0" },
        { "InverseTimeDecay(-1, 0.1)", "LearningRate", "-1" },
        { "CosineDecay(DecaySteps: 0)", "DecaySteps", "0" },
        { "ClipByGlobalNorm(0)", "MaxNorm", "0" },
        { "Dropout(1)", "Rate", "1" },
        { "Dropout(-0.1)", "Rate", "-0.1" },
        { "L1L2(L2: -1)", "L2", "-1" },
    };

    static object Build(string what) => what switch
    {
        "Sgd(-0.1)" => new Sgd(-0.1),
        "Adam(-0.001)" => new Adam(-0.001),
        "Adam(Beta1: 1)" => new Adam(Beta1: 1),
        "Adam(Beta1: -0.1)" => new Adam(Beta1: -0.1),
        "Adam(Beta2: 1.5)" => new Adam(Beta2: 1.5),
        "Adam(Epsilon: 0)" => new Adam(Epsilon: 0),
        "Adam(Epsilon: -1e-8)" => new Adam(Epsilon: -1e-8),
        "AdamW(Beta2: 1)" => new AdamW(Beta2: 1),
        "AdamW(WeightDecay: -0.01)" => new AdamW(WeightDecay: -0.01),
        "Adagrad(Epsilon: 0)" => new Adagrad(Epsilon: 0),
        "RmsProp(Rho: 1)" => new RmsProp(Rho: 1),
        "RmsProp(Epsilon: -1)" => new RmsProp(Epsilon: -1),
        "Sgd(Momentum: 1)" => new Sgd(Momentum: 1),
        "Sgd(Nesterov without momentum)" => new Sgd(0.1, Nesterov: true),
        "InverseTimeDecay(-1, 0.1)" => new InverseTimeDecay(-1, 0.1),
        "CosineDecay(DecaySteps: 0)" => new CosineDecay(0.1, DecaySteps: 0),
        "ClipByGlobalNorm(0)" => new ClipByGlobalNorm(0),
        "Dropout(1)" => Layer.Dropout(1),
        "Dropout(-0.1)" => Layer.Dropout(-0.1),
        "L1L2(L2: -1)" => new L1L2(L2: -1),
        _ => throw new NotSupportedException(what),
    };

    [Theory, MemberData(nameof(BadOnes))]
    public void Fails_at_construction_naming_parameter_and_value(string what, string parameter, string value)
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => Build(what));
        Assert.Contains(parameter, e.Message);
        Assert.Contains($"got {value}", e.Message);
    }

    [Fact]
    public void Good_ones_construct()
    {
        _ = new Adam(Beta1: 0, Beta2: 0.9999);
        _ = new Sgd(0, Momentum: 0.99, Nesterov: true);
        _ = Layer.Dropout(0);
        _ = Layer.Dropout(0.999);
    }

    public static TheoryData<string, string, string> BadCopies() => new()
    {
        { "Adam with Beta1 = 2", "Beta1", "2" },
        { "AdamW with Epsilon = 0", "Epsilon", "0" },
        { "Sgd with Momentum = -0.5", "Momentum", "-0.5" },
        { "RmsProp with Rho = 1", "Rho", "1" },
        { "Adagrad with WeightDecay = -1", "WeightDecay", "-1" },
        { "CosineDecay with Alpha = 2", "Alpha", "2" },
        { "Scale with Factor = NaN", "Factor", "NaN" },
        { "ClipByValue with ClipValue = 0", "ClipValue", "0" },
        { "L1L2 with L1 = -1", "L1", "-1" },
        { "EarlyStopping with Patience = -1", "Patience", "-1" },
        { "EarlyStopping with Monitor = val_acc", "Monitor", "\"val_acc\"" },
        { "Sgd with Nesterov = true", "Nesterov", "Momentum = 0" },
        { "Nesterov Sgd with Momentum = 0", "Nesterov", "Momentum = 0" },
    };

    static object Copy(string what) => what switch
    {
        "Adam with Beta1 = 2" => new Adam() with { Beta1 = 2 },
        "AdamW with Epsilon = 0" => new AdamW() with { Epsilon = 0 },
        "Sgd with Momentum = -0.5" => new Sgd(0.1) with { Momentum = -0.5 },
        "RmsProp with Rho = 1" => new RmsProp() with { Rho = 1 },
        "Adagrad with WeightDecay = -1" => new Adagrad() with { WeightDecay = -1 },
        "CosineDecay with Alpha = 2" => new CosineDecay(0.1, DecaySteps: 10) with { Alpha = 2 },
        "Scale with Factor = NaN" => new Scale(-0.1) with { Factor = double.NaN },
        "ClipByValue with ClipValue = 0" => new ClipByValue(1) with { ClipValue = 0 },
        "L1L2 with L1 = -1" => new L1L2(L2: 1e-4) with { L1 = -1 },
        "EarlyStopping with Patience = -1" => new EarlyStopping() with { Patience = -1 },
        "EarlyStopping with Monitor = val_acc" => new EarlyStopping() with { Monitor = "val_acc" },
        "Sgd with Nesterov = true" => new Sgd(0.1) with { Nesterov = true },
        "Nesterov Sgd with Momentum = 0" => new Sgd(0.1, Momentum: 0.9, Nesterov: true) with { Momentum = 0 },
        _ => throw new NotSupportedException(what),
    };

    [Theory, MemberData(nameof(BadCopies))]   // a `with` expression bypasses the initializers: the init accessors check too
    public void A_bad_value_given_with_a_with_expression_fails_the_same_way(string what, string parameter, string value)
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => Copy(what));
        Assert.Contains(parameter, e.Message);
        Assert.Contains($"got {value}", e.Message);
    }

    /// <summary>A valid instance of every public optimizer, transform, schedule and regularizer type in Core, and of early stopping.</summary>
    static readonly object[] Instances =
    [
        new Sgd(), new Adam(), new AdamW(), new RmsProp(), new Adagrad(),
        new AddDecayedWeights(0.1), new Trace(0.9), new ScaleByAdam(), new ScaleByRms(), new ScaleByAdagrad(), new ScaleByLearningRate(0.1),
        new Scale(-1), new ClipByGlobalNorm(1), new ClipByValue(1), new Chain(new Scale(-1)), new Masked(new Scale(-1), _ => true),
        new ConstantSchedule(0.1), new InverseTimeDecay(0.1, 0.1), new ExponentialDecay(0.1, 10, 0.5), new StepDecay(0.1, 10), new CosineDecay(0.1, 10),
        new L1L2(0.1, 0.1), new EarlyStopping(),
    ];

    [Fact]
    public void The_instances_cover_every_optimizer_schedule_and_regularizer_type()
    {
        var types = typeof(IOptimizer).Assembly.GetExportedTypes().Where(t => !t.IsAbstract && (typeof(IOptimizer).IsAssignableFrom(t)
            || typeof(LearningRateSchedule).IsAssignableFrom(t) || typeof(IRegularizer).IsAssignableFrom(t) || t == typeof(EarlyStopping)));
        Assert.Equal(types.Select(t => t.Name).Order(), Instances.Select(i => i.GetType().Name).Order());
    }

    public static TheoryData<string, string> NumberHyperparameters()
    {
        var data = new TheoryData<string, string>();
        foreach (var instance in Instances)
            foreach (var property in Numbers(instance.GetType())) data.Add(instance.GetType().Name, property.Name);
        return data;
    }

    static IEnumerable<PropertyInfo> Numbers(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.SetMethod is not null && (p.PropertyType == typeof(double) || p.PropertyType == typeof(long) || p.PropertyType == typeof(int)));

    [Theory, MemberData(nameof(NumberHyperparameters))]
    public void Every_number_hyperparameter_is_checked_through_the_constructor_and_through_with(string type, string name)
    {
        // One bad value for every bound (NaN for numbers, −1 for counts), given both ways: the one check must catch it both times.
        // (Hence a record with checked properties has an explicit constructor: a primary one would bypass the accessors.)
        var instance = Instances.Single(i => i.GetType().Name == type);
        var property = instance.GetType().GetProperty(name)!;
        var bad = property.PropertyType == typeof(double) ? double.NaN : property.PropertyType == typeof(long) ? -1L : (object)-1;

        // `instance with { Name = bad }`, as the compiler emits it: clone, then the init accessor.
        var clone = instance.GetType().GetMethod("<Clone>$")!.Invoke(instance, null);
        var viaWith = Assert.Throws<TargetInvocationException>(() => property.SetMethod!.Invoke(clone, [bad])).InnerException;
        Assert.True(viaWith is ArgumentException && viaWith.Message.Contains(name) && viaWith.Message.Contains($"got {bad}"),
            $"{type} with {{ {name} = {bad} }}: {viaWith}");

        // `new Type(…, Name: bad, …)`, the other arguments as the instance has them.
        var constructor = instance.GetType().GetConstructors().Single(c => c.GetParameters().Any(p => p.Name == name));
        var arguments = constructor.GetParameters().Select(p => p.Name == name ? bad : instance.GetType().GetProperty(p.Name!)!.GetValue(instance)).ToArray();
        var viaConstructor = Assert.Throws<TargetInvocationException>(() => constructor.Invoke(arguments)).InnerException;
        Assert.True(viaConstructor is ArgumentException && viaConstructor.Message.Contains(name) && viaConstructor.Message.Contains($"got {bad}"),
            $"new {type}({name}: {bad}): {viaConstructor}");
    }

    [Fact]
    public void A_chain_emptied_with_a_with_expression_fails_like_an_empty_one()
    {
        var e = Assert.Throws<ArgumentException>(() => new Chain(new Sgd(0.1)) with { Transforms = [] });
        Assert.Contains("Chain needs at least one transform", e.Message);
    }
}
