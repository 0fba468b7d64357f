using System.Net;
using System.Text.RegularExpressions;

namespace SmartCommunity.TimeSeries.Writing;

internal enum WriteStatus
{
    /// <summary>2xx: every line stored.</summary>
    Written,

    /// <summary>400/422: the server stored what it could and rejected <see cref="WriteOutcome.RejectedLines"/> for good. Never retried.</summary>
    PartiallyRejected,

    /// <summary>401/403/404: wrong credentials, database or bucket. Kept in the spool until an operator fixes it.</summary>
    ConfigError,

    /// <summary>5xx, 408, 429, timeouts, refused connections: retried with backoff.</summary>
    Retryable,
}

internal readonly record struct WriteOutcome(WriteStatus Status, int RejectedLines, string? Error, TimeSpan? RetryAfter = null)
{
    public static readonly WriteOutcome Success = new(WriteStatus.Written, 0, null);
}

/// <summary>Turns an InfluxDB write response into what the writer does next. Pure, so every status is unit-tested.</summary>
internal static partial class WriteResponseClassifier
{
    public static WriteOutcome Classify(HttpStatusCode status, string body, int lines, TimeSpan? retryAfter = null)
    {
        var code = (int)status;
        if (code is >= 200 and < 300)
        {
            return WriteOutcome.Success;
        }

        var error = Describe(status, body);
        return code switch
        {
            401 or 403 or 404 => new WriteOutcome(WriteStatus.ConfigError, 0, error),
            408 or 429 or >= 500 => new WriteOutcome(WriteStatus.Retryable, 0, error, retryAfter),
            // 400 (1.x "partial write: …" / "unable to parse …", 2.x parse errors), 413 and 422: resending the same
            // bytes gets the same answer, so the rejected lines are dropped and counted instead of retried forever.
            _ => new WriteOutcome(WriteStatus.PartiallyRejected, Math.Clamp(CountRejected(body, lines), 0, lines), error),
        };
    }

    /// <summary>
    /// How many lines of a 400 the server dropped. InfluxDB 1.x reports <c>partial write: … dropped=N</c> for type
    /// conflicts and retention, and one <c>unable to parse '…': …</c> per bad line (the parsable lines are stored);
    /// 2.x says <c>error parsing line N</c>. Anything else: assume the whole request was refused.
    /// </summary>
    internal static int CountRejected(string body, int lines)
    {
        var dropped = DroppedRegex().Matches(body);
        if (dropped.Count > 0)
        {
            var sum = 0L;
            foreach (Match m in dropped)
            {
                sum += long.TryParse(m.Groups[1].ValueSpan, out var n) ? n : 0;
            }

            return (int)Math.Min(sum, lines);
        }

        var unparsable = CountOccurrences(body, "unable to parse");
        if (unparsable > 0)
        {
            return unparsable;
        }

        var v2 = CountOccurrences(body, "error parsing line");
        return v2 > 0 ? v2 : lines;
    }

    private static int CountOccurrences(string text, string needle)
    {
        var count = 0;
        var i = 0;
        while ((i = text.IndexOf(needle, i, StringComparison.OrdinalIgnoreCase)) >= 0)
        {
            count++;
            i += needle.Length;
        }

        return count;
    }

    private static string Describe(HttpStatusCode status, string body)
    {
        var trimmed = body.Length > 1000 ? string.Concat(body.AsSpan(0, 1000), "…") : body;
        return $"HTTP {(int)status} {status}: {trimmed.Trim()}";
    }

    [GeneratedRegex(@"dropped=(\d+)")]
    private static partial Regex DroppedRegex();
}
