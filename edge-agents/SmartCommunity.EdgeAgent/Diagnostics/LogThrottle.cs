namespace SmartCommunity.EdgeAgent.Diagnostics;

/// <summary>
/// Lets one log line through per interval and counts the rest, so a flood of bad commands or a broker that stays
/// down produces a line a minute with a count, not thousands.
/// </summary>
public sealed class LogThrottle(TimeProvider time, TimeSpan interval)
{
    private readonly Lock _lock = new();
    private long _lastTimestamp;
    private bool _any;
    private int _suppressed;

    /// <summary>True when this occurrence should be logged; <paramref name="suppressed"/> is how many were skipped since the last.</summary>
    public bool ShouldLog(out int suppressed)
    {
        lock (_lock)
        {
            var now = time.GetTimestamp();
            if (!_any || time.GetElapsedTime(_lastTimestamp, now) >= interval)
            {
                _any = true;
                _lastTimestamp = now;
                suppressed = _suppressed;
                _suppressed = 0;
                return true;
            }

            _suppressed++;
            suppressed = 0;
            return false;
        }
    }

    /// <summary>Lets the next occurrence through (e.g. after the connection came back).</summary>
    public void Reset()
    {
        lock (_lock)
        {
            _any = false;
            _suppressed = 0;
        }
    }
}
