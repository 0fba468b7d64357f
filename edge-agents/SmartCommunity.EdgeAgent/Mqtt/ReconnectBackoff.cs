namespace SmartCommunity.EdgeAgent.Mqtt;

/// <summary>
/// Exponential backoff with "equal jitter": attempt n waits between half and all of min(cap, initial·2ⁿ), so a
/// community's agents that lost the broker together do not all come back in the same instant.
/// </summary>
public sealed class ReconnectBackoff(TimeSpan initial, TimeSpan cap, Random random)
{
    private int _attempt;

    public int Attempt => _attempt;

    public TimeSpan Next()
    {
        var exponent = Math.Min(_attempt, 30);
        _attempt++;
        var ceiling = Math.Min(cap.TotalMilliseconds, initial.TotalMilliseconds * Math.Pow(2, exponent));
        return TimeSpan.FromMilliseconds(ceiling / 2 + random.NextDouble() * ceiling / 2);
    }

    public void Reset() => _attempt = 0;
}
