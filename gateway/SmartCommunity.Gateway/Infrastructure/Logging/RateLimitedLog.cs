namespace SmartCommunity.Gateway.Infrastructure.Logging;

/// <summary>
/// Logs at most one line per key per interval and says how many were suppressed in between, so a device
/// sending garbage 1 000 times a second cannot flood the log (nor hide other devices' problems).
/// </summary>
public sealed class RateLimitedLog(ILogger logger, TimeProvider time, TimeSpan interval)
{
    private readonly Dictionary<string, (long NextTicks, int Suppressed)> _state = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public void Warning(string key, string message, params object?[] args)
    {
        int suppressed;
        var now = time.GetTimestamp();
        lock (_lock)
        {
            if (_state.TryGetValue(key, out var entry) && now < entry.NextTicks)
            {
                _state[key] = entry with { Suppressed = entry.Suppressed + 1 };
                return;
            }

            suppressed = entry.Suppressed;
            _state[key] = ((long)(now + (interval.TotalSeconds * time.TimestampFrequency)), 0);
            if (_state.Count > 10_000)
            {
                // Should be rare: keys are per device and reason; forget them all rather than grow without bound.
                _state.Clear();
            }
        }

#pragma warning disable CA2254 // The template is a caller-supplied constant; the suffix is fixed text.
        if (suppressed > 0)
        {
            logger.LogWarning(message + " ({Suppressed} similar messages suppressed)", [.. args, suppressed]);
        }
        else
        {
            logger.LogWarning(message, args);
        }
#pragma warning restore CA2254
    }
}
