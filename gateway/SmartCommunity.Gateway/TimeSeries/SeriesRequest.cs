using System.Globalization;
using System.Text.RegularExpressions;
using SmartCommunity.TimeSeries.Storage;

namespace SmartCommunity.Gateway.TimeSeries;

/// <summary>The query string of <c>GET api/timeseries/{measurement}</c>; all optional except <c>field</c>.</summary>
/// <param name="From">ISO 8601 time or Unix milliseconds. Default: one hour before <paramref name="To"/>.</param>
/// <param name="To">ISO 8601 time or Unix milliseconds. Default: now.</param>
/// <param name="Interval">Bucket size as <c>500ms</c>, <c>10s</c>, <c>5m</c>, <c>1h</c>, <c>1d</c>. Default: the range / 200, at least 1 s.</param>
/// <param name="Agg"><c>mean</c> (default), <c>min</c>, <c>max</c>, <c>last</c>, <c>count</c>.</param>
public sealed record SeriesRequest(string? Field, string? Device, string? Cell, string? From, string? To, string? Interval, string? Agg);

/// <summary>Checks a <see cref="SeriesRequest"/> and turns it into a store query, collecting every reason it is refused.</summary>
public static partial class SeriesRequestParser
{
    public const int DefaultBuckets = 200;

    public static SeriesQuery? Parse(SeriesDefinition? definition, string measurement, SeriesRequest request, DateTimeOffset now, int maxPoints, out Dictionary<string, string> errors)
    {
        errors = [];
        if (definition is null)
        {
            errors["measurement"] = $"Unknown measurement '{measurement}'.";
        }
        else if (string.IsNullOrEmpty(request.Field))
        {
            errors["field"] = $"Name a field: {string.Join(", ", definition.Fields)}.";
        }
        else if (!definition.Fields.Contains(request.Field, StringComparer.Ordinal))
        {
            errors["field"] = $"Unknown field '{request.Field}' of {measurement}; known: {string.Join(", ", definition.Fields)}.";
        }

        if ((request.Device is not null || request.Cell is not null) && definition is { PerDevice: false })
        {
            errors["device"] = $"{measurement} is not recorded per device or cell.";
        }

        var to = ParseTime(request.To, "to", now, errors);
        var from = ParseTime(request.From, "from", to - TimeSpan.FromHours(1), errors);
        if (!errors.ContainsKey("from") && !errors.ContainsKey("to") && to <= from)
        {
            errors["to"] = "The range must end after it starts (to > from).";
        }

        var interval = TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling((to - from).TotalSeconds / DefaultBuckets)));
        if (request.Interval is not null && !TryParseDuration(request.Interval, out interval))
        {
            errors["interval"] = "Interval must look like 500ms, 10s, 5m, 1h or 1d (at least 1 ms, at most 100000d).";
        }

        Aggregation? parsed = request.Agg switch
        {
            null or "mean" => Aggregation.Mean,
            "min" => Aggregation.Min,
            "max" => Aggregation.Max,
            "last" => Aggregation.Last,
            "count" => Aggregation.Count,
            _ => null,
        };
        if (parsed is not { } aggregation)
        {
            aggregation = Aggregation.Mean;
            errors["agg"] = "agg must be mean, min, max, last or count.";
        }

        if (errors.Count == 0 && Math.Ceiling((to - from) / interval) > maxPoints)
        {
            errors["interval"] = $"That would be more than {maxPoints} points: widen the interval or narrow the range.";
        }

        if (errors.Count > 0)
        {
            return null;
        }

        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        if (request.Device is not null)
        {
            tags[SeriesNames.DeviceTag] = request.Device;
        }

        // The cell filter is the cell's subtree (a compound's chart includes its buildings): the API sets it from the grid.
        return new SeriesQuery(measurement, request.Field!, from, to, interval, aggregation) { Tags = tags };
    }

    public static bool TryParseDuration(string text, out TimeSpan duration)
    {
        duration = default;
        var match = DurationPattern().Match(text);
        if (!match.Success || !long.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n <= 0 || n > 1_000_000_000)
        {
            return false;
        }

        // In milliseconds before any TimeSpan is made: TimeSpan.FromHours(1e9) overflows (a 500, found in the issue 19
        // audit). Longer than MaxDuration is refused; no chart bucket is wider than that.
        var unitMs = match.Groups[2].Value switch
        {
            "ms" => 1L,
            "s" => 1_000L,
            "m" => 60_000L,
            "h" => 3_600_000L,
            _ => 86_400_000L,
        };
        if (n > (long)MaxDuration.TotalMilliseconds / unitMs)
        {
            return false;
        }

        duration = TimeSpan.FromMilliseconds(n * unitMs);
        return true;
    }

    /// <summary>Longest interval a query may name (100 000 days, about 273 years: longer than any range that can be asked for).</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromDays(100_000);

    /// <summary>Earliest time a query may name: the Unix epoch, so "one hour before" stays a time (0001-01-01 minus an hour threw).</summary>
    public static readonly DateTimeOffset MinTime = DateTimeOffset.UnixEpoch;

    private static DateTimeOffset ParseTime(string? text, string name, DateTimeOffset fallback, Dictionary<string, string> errors)
    {
        if (text is null)
        {
            return fallback;
        }

        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) && ms <= 253_402_300_799_999)
        {
            return DateTimeOffset.FromUnixTimeMilliseconds(ms);
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            if (time >= MinTime)
            {
                return time;
            }

            errors[name] = $"{name} must not be before 1970-01-01 (Unix time 0).";
            return fallback;
        }

        errors[name] = $"{name} must be an ISO 8601 time or Unix milliseconds.";
        return fallback;
    }

    [GeneratedRegex(@"^([0-9]{1,10})(ms|s|m|h|d)$", RegexOptions.CultureInvariant)]
    private static partial Regex DurationPattern();
}
