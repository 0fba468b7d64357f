namespace SmartCommunity.TimeSeries.Points;

/// <summary>What the writer may do with a point when it cannot keep everything.</summary>
public enum Durability
{
    /// <summary>Measurements sampled again soon (water level every few seconds). May be dropped, oldest first, when the spool is full; every drop is counted.</summary>
    Telemetry = 0,

    /// <summary>Events and alerts. Never dropped by the writer: when the spool is full, telemetry is evicted first, and if only durable data remains new telemetry is refused.</summary>
    Durable = 1,
}
