namespace SmartCommunity.Protocol.Messages;

/// <summary>
/// An alert pushed to a person's terminal on <c>sc/v1/person/{personId}/alert</c> (QoS 1). Short enough for a
/// radio terminal's screen; the full alert is in the API.
/// </summary>
public sealed record PersonAlertMessage
{
    public int V { get; init; } = ProtocolVersion.Current;

    public string AlertId { get; init; } = "";

    /// <summary>Notification ID; the terminal may acknowledge either the alert or this notification.</summary>
    public string NotificationId { get; init; } = "";

    public long Ts { get; init; }

    /// <summary><c>red</c>, <c>orange</c>, <c>yellow</c> or <c>blue</c> (I–IV).</summary>
    public string Level { get; init; } = "";

    public string Type { get; init; } = "";

    public string State { get; init; } = "";

    public string TitleZh { get; init; } = "";

    public string TitleEn { get; init; } = "";

    public string Cell { get; init; } = "";

    public double? Lat { get; init; }

    public double? Lon { get; init; }

    /// <summary>
    /// Why this person got it: <c>responsible</c>, <c>escalated</c> or <c>level_raised</c> (to acknowledge); or, for
    /// people already told of the alert, <c>cancelled</c>, <c>resolved</c> or <c>level_lowered</c> (a danger is over; no acknowledgement),
    /// or <c>amended</c> (new content, e.g. a changed arrival time; an acknowledgement given stands).
    /// </summary>
    public string? Reason { get; init; }
}

/// <summary>A person's acknowledgement from a terminal, on <c>sc/v1/person/{personId}/ack</c>.</summary>
public sealed record PersonAckMessage
{
    public int V { get; init; } = ProtocolVersion.Current;

    public long Ts { get; init; }

    public string AlertId { get; init; } = "";

    public string? Note { get; init; }
}
