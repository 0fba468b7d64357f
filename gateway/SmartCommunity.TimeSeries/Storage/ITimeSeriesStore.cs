using SmartCommunity.TimeSeries.Points;

namespace SmartCommunity.TimeSeries.Storage;

/// <summary>How the values inside one time bucket become one number.</summary>
public enum Aggregation
{
    Mean,
    Min,
    Max,
    Last,
    Count,
}

/// <summary>
/// One chart line: a numeric field of a measurement, restricted to series carrying all of <see cref="Tags"/>, over
/// [<see cref="From"/>, <see cref="To"/>), in buckets of <see cref="Interval"/> aligned to the Unix epoch (as InfluxQL's
/// <c>GROUP BY time()</c>). Series that match are merged. Empty buckets are left out.
/// </summary>
public sealed record SeriesQuery(string Measurement, string Field, DateTimeOffset From, DateTimeOffset To, TimeSpan Interval, Aggregation Aggregation = Aggregation.Mean)
{
    /// <summary>Most values one <see cref="TagIn"/> entry may list (the InfluxQL query grows with each).</summary>
    public const int MaxTagValues = 1_000;

    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Series whose tag has any of the listed values (e.g. <c>cell</c> in a compound's subtree), combined with
    /// <see cref="Tags"/>; an empty list matches nothing. At most <see cref="MaxTagValues"/> values per key.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyCollection<string>> TagIn { get; init; } = new Dictionary<string, IReadOnlyCollection<string>>();

    internal bool MatchesNothing => TagIn.Values.Any(v => v.Count == 0);

    internal bool Matches(IEnumerable<(string Key, string Value)> tags)
    {
        var list = tags as IReadOnlyCollection<(string Key, string Value)> ?? [.. tags];
        return Tags.All(w => list.Any(t => string.Equals(t.Key, w.Key, StringComparison.Ordinal) && string.Equals(t.Value, w.Value, StringComparison.Ordinal)))
            && TagIn.All(w => list.Any(t => string.Equals(t.Key, w.Key, StringComparison.Ordinal) && w.Value.Contains(t.Value)));
    }

    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrEmpty(Measurement);
        ArgumentException.ThrowIfNullOrEmpty(Field);
        if (To <= From)
        {
            throw new ArgumentException("The query range must end after it starts.");
        }

        if (Interval < TimeSpan.FromMilliseconds(1))
        {
            throw new ArgumentException("The bucket interval must be at least 1 ms.");
        }

        if (TagIn.Values.Any(v => v.Count > MaxTagValues))
        {
            throw new ArgumentException($"A tag filter may list at most {MaxTagValues} values.");
        }
    }
}

/// <summary>One bucket of a chart line: its start and its aggregated value.</summary>
public readonly record struct SeriesPoint(DateTimeOffset Time, double Value);

/// <summary>
/// Where dashboard charts read from and the gateway writes to. <see cref="InfluxTimeSeriesStore"/> and
/// <see cref="SqliteTimeSeriesStore"/> answer the same queries the same way; callers should not care which is behind it.
/// </summary>
public interface ITimeSeriesStore
{
    /// <summary>Stores points. Numeric fields (floats, integers, booleans as 1/0) are what queries read.</summary>
    ValueTask WriteAsync(IEnumerable<Point> points, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<SeriesPoint>> QuerySeriesAsync(SeriesQuery query, CancellationToken cancellationToken = default);
}
