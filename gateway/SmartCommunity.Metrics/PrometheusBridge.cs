using System.Diagnostics.Metrics;
using System.Text;
using Prometheus;

namespace SmartCommunity.Metrics;

/// <summary>
/// Publishes one host's <see cref="System.Diagnostics.Metrics"/> instruments (meters named <c>SmartCommunity.*</c>
/// created by that host's <see cref="IMeterFactory"/>) on a prometheus-net registry of its own, which renders the
/// Prometheus text format. Instrument names are the Prometheus names (<c>sc_ingest_received_total</c>), so
/// <c>/metrics</c> reads as it always did.
/// </summary>
/// <remarks>
/// Why not prometheus-net's own <c>MeterAdapter</c>: in 8.2.1 it publishes every .NET counter as a Prometheus
/// <i>gauge</i>, prefixes names with the meter's name and drops series that stayed unchanged for 5 minutes. Here a
/// <see cref="Counter{T}"/> or <see cref="ObservableCounter{T}"/> is a Prometheus counter, names are kept, and
/// nothing expires. Scoping by factory keeps two hosts in one process (tests) from adding into each other.
/// </remarks>
public sealed class PrometheusBridge : IDisposable
{
    /// <summary>The Prometheus text format version 0.0.4, the one every scraper reads.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>Meters whose name starts with this are published; the framework's own (ASP.NET Core, Kestrel) are not.</summary>
    public const string MeterPrefix = "SmartCommunity.";

    private readonly MeterListener _listener = new();
    private readonly object _scope;
    private bool _disposed;

    public PrometheusBridge(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        _scope = meters;
        Registry = Prometheus.Metrics.NewCustomRegistry();
        var factory = Prometheus.Metrics.WithCustomRegistry(Registry);
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, _scope) && instrument.Meter.Name.StartsWith(MeterPrefix, StringComparison.Ordinal)
                && InstrumentFamily.KindOf(instrument) is { } kind)
            {
                listener.EnableMeasurementEvents(instrument, new InstrumentFamily(instrument, kind, factory));
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, state) => ((InstrumentFamily)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<int>((_, value, tags, state) => ((InstrumentFamily)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<double>((_, value, tags, state) => ((InstrumentFamily)state!).Record(value, tags));
        _listener.Start();
        // Observable instruments (gauges, counts a component keeps itself) are read when a scrape collects.
        Registry.AddBeforeCollectCallback(() =>
        {
            if (!Volatile.Read(ref _disposed))
            {
                _listener.RecordObservableInstruments();
            }
        });
    }

    /// <summary>The prometheus-net registry holding this host's series (for prometheus-net's own servers).</summary>
    public CollectorRegistry Registry { get; }

    /// <summary>Writes every series in the Prometheus text format (<see cref="ContentType"/>).</summary>
    public Task WriteAsync(Stream destination, CancellationToken cancellationToken = default) =>
        Registry.CollectAndExportAsTextAsync(destination, ExpositionFormat.PrometheusText, cancellationToken);

    /// <summary>The text a scrape would read now (tests and benchmarks).</summary>
    public string Render()
    {
        using var buffer = new MemoryStream();
        // A MemoryStream completes every write synchronously and the collect callbacks are synchronous, so this
        // does not block on I/O.
        WriteAsync(buffer).GetAwaiter().GetResult();
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    public void Dispose()
    {
        Volatile.Write(ref _disposed, true);
        _listener.Dispose();
    }
}

/// <summary>One instrument and the prometheus-net collector it feeds, created at its first measurement (the label
/// names are the tag keys of that measurement, in their order).</summary>
internal sealed class InstrumentFamily(Instrument instrument, InstrumentKind kind, IMetricFactory factory)
{
    [ThreadStatic]
    private static string[]? t_labelValues;

    private readonly Lock _gate = new();
    private Collector? _collector;
    private string[] _labelNames = [];

    public static InstrumentKind? KindOf(Instrument instrument)
    {
        var type = instrument.GetType();
        if (!type.IsGenericType)
        {
            return null;
        }

        var definition = type.GetGenericTypeDefinition();
        return definition == typeof(Counter<>) ? InstrumentKind.Counter
            : definition == typeof(ObservableCounter<>) ? InstrumentKind.ObservedCounter
            : definition == typeof(UpDownCounter<>) ? InstrumentKind.UpDown
            : definition == typeof(ObservableGauge<>) || definition == typeof(ObservableUpDownCounter<>) || definition == typeof(Gauge<>) ? InstrumentKind.Gauge
            : definition == typeof(Histogram<>) ? InstrumentKind.Histogram
            : null;
    }

    public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var collector = Volatile.Read(ref _collector) ?? Create(tags);
        var names = _labelNames;
        var values = t_labelValues is { } buffer && buffer.Length >= names.Length ? buffer : t_labelValues = new string[Math.Max(4, names.Length)];
        for (var i = 0; i < names.Length; i++)
        {
            values[i] = ValueOf(tags, names[i]);
        }

        var labels = new ReadOnlySpan<string>(values, 0, names.Length);
        switch (collector)
        {
            case Counter counter when kind == InstrumentKind.Counter:
                counter.WithLabels(labels).Inc(value);
                break;
            case Counter counter:
                counter.WithLabels(labels).IncTo(value);
                break;
            case Gauge gauge when kind == InstrumentKind.UpDown:
                gauge.WithLabels(labels).Inc(value);
                break;
            case Gauge gauge:
                gauge.WithLabels(labels).Set(value);
                break;
            case Histogram histogram:
                histogram.WithLabels(labels).Observe(value);
                break;
        }
    }

    private static string ValueOf(ReadOnlySpan<KeyValuePair<string, object?>> tags, string name)
    {
        foreach (var tag in tags)
        {
            if (string.Equals(tag.Key, name, StringComparison.Ordinal))
            {
                return tag.Value?.ToString() ?? "";
            }
        }

        // A measurement without a tag its first measurement had: an empty label, as Prometheus reads a missing one.
        return "";
    }

    private Collector Create(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var names = new string[tags.Length];
        for (var i = 0; i < tags.Length; i++)
        {
            names[i] = tags[i].Key;
        }

        lock (_gate)
        {
            if (_collector is { } existing)
            {
                return existing;
            }

            var help = string.IsNullOrEmpty(instrument.Description) ? instrument.Name : instrument.Description;
            Collector created = kind switch
            {
                InstrumentKind.Counter or InstrumentKind.ObservedCounter => factory.CreateCounter(instrument.Name, help, names),
                InstrumentKind.Histogram => factory.CreateHistogram(instrument.Name, help, names,
                    new HistogramConfiguration { Buckets = [.. BucketsOf(instrument)] }),
                _ => factory.CreateGauge(instrument.Name, help, names),
            };
            _labelNames = names;
            Volatile.Write(ref _collector, created);
            return created;
        }
    }

    // The bounds an instrument advises (InstrumentAdvice), else prometheus-net's default buckets.
    private static IEnumerable<double> BucketsOf(Instrument instrument) => instrument switch
    {
        Histogram<double> { Advice.HistogramBucketBoundaries: { } bounds } => bounds,
        Histogram<long> { Advice.HistogramBucketBoundaries: { } bounds } => bounds.Select(b => (double)b),
        _ => Prometheus.Histogram.ExponentialBuckets(0.0001, 2.5, 16),
    };
}

internal enum InstrumentKind
{
    Counter,
    ObservedCounter,
    UpDown,
    Gauge,
    Histogram,
}
