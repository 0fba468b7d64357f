using System.Collections.Concurrent;
using System.Text;

namespace SmartCommunity.Gateway.Infrastructure.Metrics;

/// <summary>
/// Holds every metric the gateway exposes on <c>/metrics</c> in the Prometheus text format (0.0.4).
/// Counters and histograms are plain interlocked longs so the ingest hot path pays a few nanoseconds;
/// labelled children are created once and cached by the caller.
/// </summary>
public sealed class MetricsRegistry
{
    private readonly ConcurrentDictionary<string, MetricFamily> _families = new(StringComparer.Ordinal);

    public Counter Counter(string name, string help, params (string Key, string Value)[] labels) =>
        GetFamily(name, help, "counter").GetOrAdd(labels, static l => new Counter(l));

    public Histogram Histogram(string name, string help, double[] bucketUpperBounds, params (string Key, string Value)[] labels) =>
        GetFamily(name, help, "histogram").GetOrAdd(labels, l => new Histogram(l, bucketUpperBounds));

    /// <summary>A gauge read when <c>/metrics</c> is scraped (queue depths, connected clients).</summary>
    public void Gauge(string name, string help, Func<double> read, params (string Key, string Value)[] labels) =>
        GetFamily(name, help, "gauge").GetOrAdd(labels, l => new Gauge(l, read));

    public string Render()
    {
        var builder = new StringBuilder(8192);
        foreach (var family in _families.Values.OrderBy(f => f.Name, StringComparer.Ordinal))
        {
            family.Render(builder);
        }

        return builder.ToString();
    }

    private MetricFamily GetFamily(string name, string help, string type)
    {
        var family = _families.GetOrAdd(name, n => new MetricFamily(n, help, type));
        if (family.Type != type)
        {
            throw new InvalidOperationException($"Metric {name} is registered as a {family.Type}, not a {type}.");
        }

        return family;
    }
}
