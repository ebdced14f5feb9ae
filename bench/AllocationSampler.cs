using System.Diagnostics.Tracing;

namespace Nabla.Bench;

/// <summary>What a run allocates, by type: the runtime's GCAllocationTick events (one about every 100 KB allocated, naming
/// the type of the allocation that crossed the mark), so the types that allocate most are sampled most.
/// <c>bench train --allocations</c> prints the histogram after the run.</summary>
sealed class AllocationSampler : EventListener
{
    readonly Dictionary<string, (int Samples, long Bytes)> byType = [];
    bool on;

    /// <summary>Counts from now on (the JIT's and the data loading's allocations are left out when started late).</summary>
    public void Start() => on = true;

    /// <summary>Stops counting (before the test set's evaluation).</summary>
    public void Stop() => on = false;

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime")
            EnableEvents(source, EventLevel.Verbose, (EventKeywords)0x1);   // GC keyword: AllocationTick is verbose
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (!on || !e.EventName!.StartsWith("GCAllocationTick", StringComparison.Ordinal) || e.Payload is null) return;
        var type = e.Payload[e.PayloadNames!.IndexOf("TypeName")] as string ?? "?";
        var bytes = Convert.ToInt64(e.Payload[e.PayloadNames.IndexOf("AllocationAmount64")], System.Globalization.CultureInfo.InvariantCulture);
        lock (byType) byType[type] = byType.TryGetValue(type, out var s) ? (s.Samples + 1, s.Bytes + bytes) : (1, bytes);
    }

    /// <summary>The sampled types, most sampled first, with their share of the samples.</summary>
    public void Print(TextWriter to)
    {
        lock (byType)
        {
            var total = byType.Values.Sum(s => s.Samples);
            to.WriteLine($"allocation samples (one per ~100 KB allocated): {total}");
            foreach (var (type, (samples, _)) in byType.OrderByDescending(p => p.Value.Samples).Take(25))
                to.WriteLine($"  {100.0 * samples / total,5:F1}%  {samples,5}  {type}");
        }
    }
}
