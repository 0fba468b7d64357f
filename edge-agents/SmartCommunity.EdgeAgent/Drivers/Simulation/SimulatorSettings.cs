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

    internal virtual void Check()
    {
        if (TelemetrySeconds is < 0.01 or > 86_400)
        {
            throw new InvalidOperationException($"TelemetrySeconds = {TelemetrySeconds} must be between 0.01 and 86400.");
        }
    }
}
