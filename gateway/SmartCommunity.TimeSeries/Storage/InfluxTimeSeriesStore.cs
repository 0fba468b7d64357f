using System.Globalization;
using System.Text;
using SmartCommunity.TimeSeries.Points;
using SmartCommunity.TimeSeries.Querying;
using SmartCommunity.TimeSeries.Writing;

namespace SmartCommunity.TimeSeries.Storage;

/// <summary>The store over InfluxDB: writes through an <see cref="IPointWriter"/>, reads with InfluxQL.</summary>
public sealed class InfluxTimeSeriesStore : ITimeSeriesStore
{
    private readonly IPointWriter _writer;
    private readonly InfluxQueryClient _reader;

    public InfluxTimeSeriesStore(IPointWriter writer, InfluxQueryClient reader)
    {
        _writer = writer;
        _reader = reader;
    }

    /// <summary>Queues the points, waiting for buffer room rather than dropping (the writer batches and spools them).</summary>
    public async ValueTask WriteAsync(IEnumerable<Point> points, CancellationToken cancellationToken = default)
    {
        foreach (var point in points)
        {
            await _writer.WriteAsync(point, cancellationToken);
        }
    }

    public async Task<IReadOnlyList<SeriesPoint>> QuerySeriesAsync(SeriesQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.MatchesNothing)
        {
            return []; // InfluxQL has no empty OR: a filter on no values is answered here
        }

        var result = await _reader.QueryAsync(BuildQuery(query), cancellationToken: cancellationToken);
        var points = new List<SeriesPoint>();
        foreach (var series in result.Series)
        {
            for (var row = 0; row < series.Values.Count; row++)
            {
                if (series.NumberAt(row, series.Columns[1]) is { } value)
                {
                    points.Add(new SeriesPoint(series.TimeAt(row), value));
                }
            }
        }

        return points;
    }

    /// <summary><c>SELECT mean("f") FROM "m" WHERE "k" = 'v' AND time &gt;= …ms AND time &lt; …ms GROUP BY time(…ms) fill(none)</c>.</summary>
    internal static string BuildQuery(SeriesQuery query)
    {
        query.Validate();
        var function = query.Aggregation switch
        {
            Aggregation.Mean => "mean",
            Aggregation.Min => "min",
            Aggregation.Max => "max",
            Aggregation.Last => "last",
            Aggregation.Count => "count",
            _ => throw new ArgumentOutOfRangeException(nameof(query), query.Aggregation, null),
        };
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"SELECT {function}({InfluxQueryClient.QuoteIdentifier(query.Field)}) FROM {InfluxQueryClient.QuoteIdentifier(query.Measurement)} WHERE ");
        foreach (var (key, value) in query.Tags.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            sb.Append(InfluxQueryClient.QuoteIdentifier(key)).Append(" = ").Append(InfluxQueryClient.QuoteString(value)).Append(" AND ");
        }

        foreach (var (key, values) in query.TagIn.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            sb.Append('(');
            var first = true;
            foreach (var value in values.Order(StringComparer.Ordinal))
            {
                sb.Append(first ? "" : " OR ").Append(InfluxQueryClient.QuoteIdentifier(key)).Append(" = ").Append(InfluxQueryClient.QuoteString(value));
                first = false;
            }

            sb.Append(") AND ");
        }

        sb.Append(CultureInfo.InvariantCulture, $"time >= {query.From.ToUnixTimeMilliseconds()}ms AND time < {query.To.ToUnixTimeMilliseconds()}ms");
        sb.Append(CultureInfo.InvariantCulture, $" GROUP BY time({(long)query.Interval.TotalMilliseconds}ms) fill(none)");
        return sb.ToString();
    }
}
