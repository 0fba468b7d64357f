using System.Text;

namespace SmartCommunity.Gateway.Infrastructure.Metrics;

/// <summary>
/// A Prometheus histogram with fixed bucket bounds. Observations are lock-free; quantiles are also
/// estimated here (for logs and benchmarks) by interpolating inside the bucket that holds them.
/// </summary>
public sealed class Histogram : IMetricChild
{
    private readonly double[] _bounds;
    private readonly long[] _counts;
    private long _count;
    private long _sumMicros;

    internal Histogram((string Key, string Value)[] labels, double[] bounds)
    {
        Labels = labels;
        _bounds = bounds;
        _counts = new long[bounds.Length + 1];
    }

    public (string Key, string Value)[] Labels { get; }

    public long Count => Interlocked.Read(ref _count);

    /// <summary>Default latency buckets in seconds: 0.1 ms to 10 s.</summary>
    public static double[] LatencyBuckets { get; } = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    public void Observe(double value)
    {
        var index = Array.BinarySearch(_bounds, value);
        if (index < 0)
        {
            index = ~index;
        }

        Interlocked.Increment(ref _counts[index]);
        Interlocked.Increment(ref _count);
        Interlocked.Add(ref _sumMicros, (long)(value * 1_000_000));
    }

    public void Observe(TimeSpan elapsed) => Observe(elapsed.TotalSeconds);

    /// <summary>Estimated quantile (0–1) by linear interpolation within its bucket.</summary>
    public double Quantile(double q)
    {
        var total = Count;
        if (total == 0)
        {
            return 0;
        }

        var rank = q * total;
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            var inBucket = Interlocked.Read(ref _counts[i]);
            if (seen + inBucket >= rank && inBucket > 0)
            {
                var lower = i == 0 ? 0 : _bounds[i - 1];
                var upper = i < _bounds.Length ? _bounds[i] : _bounds[^1] * 2;
                return lower + ((upper - lower) * (rank - seen) / inBucket);
            }

            seen += inBucket;
        }

        return _bounds[^1];
    }

    void IMetricChild.Render(StringBuilder builder, string name, string labels)
    {
        var prefix = labels.Length == 0 ? "" : labels + ",";
        long cumulative = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            cumulative += Interlocked.Read(ref _counts[i]);
            var bound = i < _bounds.Length ? MetricFamily.Number(_bounds[i]) : "+Inf";
            builder.Append(name).Append("_bucket{").Append(prefix).Append("le=\"").Append(bound).Append("\"} ").Append(cumulative).Append('\n');
        }

        var suffix = labels.Length == 0 ? "" : "{" + labels + "}";
        builder.Append(name).Append("_sum").Append(suffix).Append(' ').Append(MetricFamily.Number(Interlocked.Read(ref _sumMicros) / 1_000_000.0)).Append('\n');
        builder.Append(name).Append("_count").Append(suffix).Append(' ').Append(Count).Append('\n');
    }
}
