using SmartCommunity.EdgeAgent.Demo;

namespace SmartCommunity.EdgeAgent.Drivers.Simulation;

/// <summary>Settings every simulator takes (in the device's <c>Settings</c> section).</summary>
public class SimulatorSettings
{
    /// <summary>Random seed; the same seed and start time give the same messages. Default none (different every run).</summary>
    public int? Seed { get; set; }

    /// <summary>Seconds between telemetry messages. Default 60 (water level: 10).</summary>
    public double TelemetrySeconds { get; set; } = 60;

    /// <summary>Local time offset from UTC used for daily curves and schedules, hours. Default 8 (China Standard Time).</summary>
    public double UtcOffsetHours { get; set; } = 8;

    /// <summary>
    /// The demo scenario's cycle (set by the agent's Demo section, docs/demo.md): when given, scripted settings
    /// (a level curve, a shelter drill) follow it instead of the time of day.
    /// </summary>
    public CycleSettings? Cycle { get; set; }

    internal virtual void Check()
    {
        if (Cycle is { } cycle && (cycle.Speed is <= 0 or > 1000 || cycle.CalmSeconds < 0 || cycle.ActiveSeconds <= 0))
        {
            throw new InvalidOperationException("Cycle needs Speed 0–1000, CalmSeconds ≥ 0 and ActiveSeconds > 0.");
        }

        if (TelemetrySeconds is < 0.01 or > 86_400)
        {
            throw new InvalidOperationException($"TelemetrySeconds = {TelemetrySeconds} must be between 0.01 and 86400.");
        }
    }
}

/// <summary>The scenario's clock as settings: see <see cref="DemoCycle"/>.</summary>
public sealed class CycleSettings
{
    /// <summary>Start of the first cycle, Unix milliseconds.</summary>
    public long OriginUnixMs { get; set; }

    public double CalmSeconds { get; set; }

    public double ActiveSeconds { get; set; } = 240;

    public double Speed { get; set; } = 1;

    public DemoCycle ToCycle() => new(DateTimeOffset.FromUnixTimeMilliseconds(OriginUnixMs), CalmSeconds, ActiveSeconds, Speed);
}
