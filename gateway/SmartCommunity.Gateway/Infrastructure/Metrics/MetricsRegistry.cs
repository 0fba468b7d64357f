using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace SmartCommunity.Gateway.Infrastructure.Metrics;

/// <summary>
/// Creates the gateway's instruments on its <see cref="Meter"/> <c>SmartCommunity.Gateway</c>
/// (System.Diagnostics.Metrics): a counter is an <see cref="ObservableCounter{T}"/> over <see cref="Counter"/> series,
/// a histogram a <see cref="Histogram{T}"/> with its bucket bounds as advice, a gauge an <see cref="ObservableGauge{T}"/>
/// read when it is collected. Instrument names are the Prometheus names that <c>/metrics</c> shows
/// (<see cref="SmartCommunity.Metrics.PrometheusBridge"/> renders them). Labelled series are created once and cached
/// by the caller, so the hot path only increments.
/// </summary>
public sealed class MetricsRegistry : IDisposable
{
    public const string MeterName = "SmartCommunity.Gateway";

    private readonly ConcurrentDictionary<string, object> _families = new(StringComparer.Ordinal);
    private readonly Meter _meter;
    private readonly bool _ownsMeter;

    /// <summary>A registry on a meter of its own, seen by no exporter (unit tests, benchmarks).</summary>
    public MetricsRegistry()
    {
        _meter = new Meter(MeterName);
        _ownsMeter = true;
    }

    /// <summary>The host's registry: its meter comes from the host's factory, which scopes it to this host.</summary>
    [ActivatorUtilitiesConstructor]
    public MetricsRegistry(IMeterFactory meters) => _meter = meters.Create(MeterName);

    public Counter Counter(string name, string help, params (string Key, string Value)[] labels) =>
        Family(name, () => new CounterFamily(_meter, name, help)).GetOrAdd(labels);

    public Histogram Histogram(string name, string help, double[] bucketUpperBounds, params (string Key, string Value)[] labels)
    {
        var instrument = Family(name, () => _meter.CreateHistogram(name, unit: null, description: help, tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = bucketUpperBounds }));
        return new Histogram(instrument, labels);
    }

    /// <summary>A gauge read when it is collected (queue depths, connected clients).</summary>
    public void Gauge(string name, string help, Func<double> read, params (string Key, string Value)[] labels) =>
        Family(name, () => new GaugeFamily(_meter, name, help)).Add(read, labels);

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }

    private T Family<T>(string name, Func<T> create)
        where T : class
    {
        var family = _families.GetOrAdd(name, _ => create());
        return family as T ?? throw new InvalidOperationException($"Metric {name} is already registered as another kind of instrument.");
    }

    internal static KeyValuePair<string, object?>[] Tags((string Key, string Value)[] labels) =>
        Array.ConvertAll(labels, l => new KeyValuePair<string, object?>(l.Key, l.Value));

    private sealed class CounterFamily
    {
        private readonly ConcurrentDictionary<string, Counter> _series = new(StringComparer.Ordinal);

        public CounterFamily(Meter meter, string name, string help) =>
            meter.CreateObservableCounter(name, () => _series.Values.Select(s => new Measurement<long>(s.Value, s.Tags)), unit: null, description: help);

        public Counter GetOrAdd((string Key, string Value)[] labels) =>
            _series.GetOrAdd(string.Join('\n', labels.Select(l => l.Key + "=" + l.Value)), _ => new Counter(Tags(labels)));
    }

    private sealed class GaugeFamily
    {
        private readonly ConcurrentDictionary<string, (Func<double> Read, KeyValuePair<string, object?>[] Tags)> _series = new(StringComparer.Ordinal);

        public GaugeFamily(Meter meter, string name, string help) =>
            meter.CreateObservableGauge(name, () => _series.Values.Select(s => new Measurement<double>(s.Read(), s.Tags)), unit: null, description: help);

        public void Add(Func<double> read, (string Key, string Value)[] labels) =>
            _series.TryAdd(string.Join('\n', labels.Select(l => l.Key + "=" + l.Value)), (read, Tags(labels)));
    }
}
