namespace SmartCommunity.EdgeAgent.Demo;

/// <summary>
/// The scenario's clock: cycles of <c>calm</c> real seconds followed by the active part, whose scenario seconds run
/// <c>speed</c> times faster than real ones. Everything of the demo (levels, doors, video, notices) reads it, so they
/// stay in step.
/// </summary>
public sealed class DemoCycle(DateTimeOffset origin, double calmSeconds, double activeSeconds, double speed)
{
    public DateTimeOffset Origin { get; } = origin;

    public double Speed { get; } = speed;

    public TimeSpan Calm { get; } = TimeSpan.FromSeconds(calmSeconds);

    /// <summary>The active part in real time.</summary>
    public TimeSpan Active { get; } = TimeSpan.FromSeconds(activeSeconds / speed);

    public TimeSpan Length => Calm + Active;

    /// <summary>Real time into the current cycle.</summary>
    public TimeSpan IntoCycle(DateTimeOffset now)
    {
        var elapsed = Math.Max(0, (now - Origin).Ticks);
        return TimeSpan.FromTicks(elapsed % Length.Ticks);
    }

    /// <summary>Which cycle <paramref name="now"/> is in (0 for the first).</summary>
    public long CycleNumber(DateTimeOffset now) => Math.Max(0, (now - Origin).Ticks) / Length.Ticks;

    /// <summary>Scenario seconds into the active part (negative during the calm).</summary>
    public double ScenarioSeconds(DateTimeOffset now) => (IntoCycle(now) - Calm).TotalSeconds * Speed;

    /// <summary>Real offset into a cycle of scenario second <paramref name="scenarioSeconds"/>.</summary>
    public TimeSpan RealOffset(double scenarioSeconds) => Calm + TimeSpan.FromSeconds(scenarioSeconds / Speed);

    /// <summary>The next real time, after <paramref name="now"/>, at which scenario second <paramref name="scenarioSeconds"/> comes.</summary>
    public DateTimeOffset Next(double scenarioSeconds, DateTimeOffset now)
    {
        var at = Origin + (Length * CycleNumber(now)) + RealOffset(scenarioSeconds);
        return at > now ? at : at + Length;
    }
}
