namespace SmartCommunity.Gateway.Video.Footage;

/// <summary>A checked <c>from</c>/<c>to</c> pair of unix milliseconds, as the footage routes take them.</summary>
public readonly record struct TimeRange(long FromMs, long ToMs)
{
    /// <summary>Latest time accepted (year 2100): anything later is a typo or an attack on the arithmetic.</summary>
    public const long MaxMs = 4_102_444_800_000;

    public static string? TryCreate(long? from, long? to, TimeSpan maxLength, out TimeRange range)
    {
        range = default;
        if (from is not { } f || to is not { } t)
        {
            return "Query 'from' and 'to' (unix milliseconds) are required.";
        }

        if (f is < 0 or > MaxMs || t is < 0 or > MaxMs)
        {
            return "Query 'from' and 'to' must be unix milliseconds between 1970 and 2100.";
        }

        if (t <= f)
        {
            return "Query 'to' must be after 'from'.";
        }

        if (t - f > (long)maxLength.TotalMilliseconds)
        {
            return $"The range may cover at most {maxLength}.";
        }

        range = new TimeRange(f, t);
        return null;
    }
}
