namespace SmartCommunity.Resilience;

/// <summary>
/// The project's one retry delay: exponential from <see cref="Initial"/>, doubling per failed attempt up to
/// <see cref="Max"/>, with <b>equal jitter</b>: retry <c>n</c> waits a uniformly random time between half and all of
/// <c>step = min(Max, Initial·2ⁿ⁻¹)</c>. Half the step is kept so a retry never comes back almost at once; the random
/// half spreads the many gateways, agents or hooks that failed together (a broker restart, a network cut) so they
/// do not all retry in the same instant ("Exponential Backoff And Jitter", AWS Architecture Blog, 2015).
/// </summary>
/// <param name="Initial">The step of the first retry (its wait is between half of it and all of it).</param>
/// <param name="Max">The largest step; later retries wait between half of it and all of it.</param>
public sealed record Backoff(TimeSpan Initial, TimeSpan Max)
{
    /// <summary>The wait before retry <paramref name="retry"/> (1 for the first retry after a failure).</summary>
    /// <param name="random">The jitter's source; <see cref="Random.Shared"/> unless a test fixes the seed.</param>
    public TimeSpan Delay(int retry, Random? random = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(retry, 1);
        var step = Step(retry);
#pragma warning disable CA5394 // Jitter spreads retries in time; it protects nothing, so a predictable generator is fine.
        var fraction = (random ?? Random.Shared).NextDouble();
#pragma warning restore CA5394
        return TimeSpan.FromTicks((long)((step.Ticks / 2.0) + (fraction * step.Ticks / 2.0)));
    }

    /// <summary>The step of retry <paramref name="retry"/> before jitter: the longest it may wait.</summary>
    public TimeSpan Step(int retry)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(retry, 1);
        // 2^30 already exceeds any sensible cap; the exponent is bounded so the product cannot overflow.
        var ticks = Initial.Ticks * Math.Pow(2, Math.Min(retry - 1, 30));
        return TimeSpan.FromTicks((long)Math.Min(ticks, Max.Ticks));
    }
}
