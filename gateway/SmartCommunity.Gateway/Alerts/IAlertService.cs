namespace SmartCommunity.Gateway.Alerts;

/// <summary>
/// The one way features raise and clear alerts. Every call only queues the work (a few hundred nanoseconds,
/// never I/O), so it is safe on ingest threads; the engine's single writer applies it in order, persists it,
/// then routes and delivers. A false return means the queue was full and the call was dropped — it is
/// counted in <c>sc_alerts_dropped_total</c>, and the caller may log it.
/// </summary>
public interface IAlertService
{
    /// <summary>Raises an alert, or updates the open alert of the same (source, type).</summary>
    bool Raise(AlertTrigger trigger);

    /// <summary>The condition cleared: resolves the open alert of this (source, type), if any.</summary>
    bool Resolve(AlertSource source, string type, string reason);

    /// <summary>The warning was withdrawn (e.g. a discharge notice cancelled): marks the open alert cancelled.</summary>
    bool Cancel(AlertSource source, string type, string reason);
}

/// <summary>Outcome of a command a person gave (acknowledge, resolve, silence), once it is stored.</summary>
public enum AlertCommandStatus
{
    Done,
    NotFound,
    NotOpen,
    Rejected,
}

public sealed record AlertCommandResult(AlertCommandStatus Status, Alert? Alert = null, string? Error = null)
{
    /// <summary>The silence a silence command created.</summary>
    public AlertSilence? Silence { get; init; }

    public static AlertCommandResult NotFound { get; } = new(AlertCommandStatus.NotFound, Error: "No such alert.");
}
