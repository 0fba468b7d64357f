namespace SmartCommunity.Protocol.Validation;

/// <summary>Limits on inbound payloads. Defaults are stated here and in docs/protocol.md.</summary>
public sealed record ValidationLimits
{
    /// <summary>Largest payload accepted, bytes. Default 16 KiB: the biggest legitimate event is well under 2 KiB.</summary>
    public int MaxPayloadBytes { get; init; } = 16 * 1024;

    /// <summary>How far ahead of gateway time a device timestamp may be before it is judged implausible (kept with the receive time, flagged clock_suspect). Default 5 minutes (clock drift).</summary>
    public TimeSpan MaxFutureSkew { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How old a device timestamp may be. Default 14 days: an edge agent's store-and-forward queue holds about
    /// 11 days of 10-second telemetry by default, and an event that waited out a long outage (a door forced while
    /// the link was down) still matters; an older timestamp is judged implausible (kept with the receive time, flagged clock_suspect).
    /// </summary>
    public TimeSpan MaxAge { get; init; } = TimeSpan.FromDays(14);

    /// <summary>Longest free-text field (detail, text), characters. Default 1 024.</summary>
    public int MaxTextLength { get; init; } = 1024;

    public static ValidationLimits Default { get; } = new();
}
