namespace SmartCommunity.Gateway.Infrastructure.Metrics;

/// <summary>
/// One labelled series of a counter: the count itself, kept in one interlocked long so the ingest hot path pays a
/// single atomic add, and read by the gateway's own status (<c>/health</c>, the time-series sampler). The family's
/// <see cref="System.Diagnostics.Metrics.ObservableCounter{T}"/> reports it to every listener.
/// </summary>
public sealed class Counter
{
    private long _value;

    internal Counter(KeyValuePair<string, object?>[] tags) => Tags = tags;

    internal KeyValuePair<string, object?>[] Tags { get; }

    public long Value => Interlocked.Read(ref _value);

    public void Inc() => Interlocked.Increment(ref _value);

    public void Add(long amount) => Interlocked.Add(ref _value, amount);
}
