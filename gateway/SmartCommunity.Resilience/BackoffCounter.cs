namespace SmartCommunity.Resilience;

/// <summary>
/// A <see cref="Backoff"/> for a loop that runs until stopped (reconnect, restart a process): each
/// <see cref="Next"/> is the wait after one more failure in a row, <see cref="Reset"/> starts over after a success.
/// Polly's retry strategy fits one operation retried to success or give-up; these loops also decide what counts as
/// a success long after the attempt (a connection that lasted, a recorder that closed a segment), so they keep the
/// count themselves and take only the delay from the policy. Not thread-safe: one loop owns it.
/// </summary>
public sealed class BackoffCounter(Backoff backoff, Random? random = null)
{
    public Backoff Backoff { get; } = backoff;

    /// <summary>Failures in a row since the last <see cref="Reset"/>.</summary>
    public int Attempt { get; private set; }

    /// <summary>Counts one more failure and returns the wait before the next try.</summary>
    public TimeSpan Next()
    {
        Attempt = Attempt == int.MaxValue ? Attempt : Attempt + 1;
        return Backoff.Delay(Attempt, random);
    }

    public void Reset() => Attempt = 0;
}
