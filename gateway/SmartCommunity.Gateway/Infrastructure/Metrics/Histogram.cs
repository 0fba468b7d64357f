using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace SmartCommunity.Gateway.Infrastructure.Metrics;

/// <summary>One labelled series of a <see cref="Histogram{T}"/>: the tags are bound once, so an observation is a
/// single <c>Record</c>.</summary>
public sealed class Histogram
{
    private readonly Histogram<double> _instrument;
    private readonly TagList _tags;

    internal Histogram(Histogram<double> instrument, (string Key, string Value)[] labels)
    {
        _instrument = instrument;
        foreach (var (key, value) in labels)
        {
            _tags.Add(key, value);
        }
    }

    /// <summary>Default latency buckets in seconds: 0.1 ms to 10 s.</summary>
    public static double[] LatencyBuckets { get; } = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    public void Observe(double value) => _instrument.Record(value, _tags);

    public void Observe(TimeSpan elapsed) => Observe(elapsed.TotalSeconds);
}
