namespace SmartCommunity.Gateway.WaterSafety.Commands;

/// <summary>A command sent to a warning device and what the device answered; part of a notice's timeline.</summary>
public sealed class CommandRecord(string id, string deviceId, string type, string reason, DateTimeOffset sentAt)
{
    public string Id { get; } = id;

    public string DeviceId { get; } = deviceId;

    public string Type { get; } = type;

    /// <summary>What it was sent for: <c>spot:{id}:danger_zone</c> or <c>notice:{id}:{step}</c>.</summary>
    public string Reason { get; } = reason;

    public DateTimeOffset SentAt { get; } = sentAt;

    /// <summary>The device's answer (accepted, done, failed, expired) or <c>not_sent</c>; null while waiting.</summary>
    public string? Status { get; private set; }

    public string? Detail { get; private set; }

    public DateTimeOffset? AnsweredAt { get; private set; }

    /// <summary>Whether the "did not confirm" alert was raised.</summary>
    public bool AlertRaised { get; set; }

    internal void Acknowledge(string status, string? detail, DateTimeOffset at)
    {
        // accepted is followed by done/failed; keep the final word.
        Status = status;
        Detail = detail;
        AnsweredAt = at;
    }
}
