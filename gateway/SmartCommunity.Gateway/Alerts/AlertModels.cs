using System.Text.Json.Serialization;

namespace SmartCommunity.Gateway.Alerts;

/// <summary>
/// The four Chinese warning colours (预警级别). Level I is the highest: 红 red I, 橙 orange II, 黄 yellow III,
/// 蓝 blue IV. The numeric value grows with severity, so "upward" is simply a larger value.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<AlertLevel>))]
public enum AlertLevel
{
    [JsonStringEnumMemberName("blue")]
    Blue = 1,

    [JsonStringEnumMemberName("yellow")]
    Yellow = 2,

    [JsonStringEnumMemberName("orange")]
    Orange = 3,

    [JsonStringEnumMemberName("red")]
    Red = 4,
}

/// <summary>Raised → acknowledged → resolved; or cancelled (the warning was withdrawn, e.g. a discharge notice).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<AlertState>))]
public enum AlertState
{
    [JsonStringEnumMemberName("raised")]
    Raised,

    [JsonStringEnumMemberName("acknowledged")]
    Acknowledged,

    [JsonStringEnumMemberName("resolved")]
    Resolved,

    [JsonStringEnumMemberName("cancelled")]
    Cancelled,
}

/// <summary>What raised the alert: a kind (<c>device</c>, <c>spot</c>, <c>shelter</c>, <c>camera</c>, <c>discharge</c>…) and its ID.</summary>
public sealed record AlertSource(string Kind, string Id)
{
    public override string ToString() => Kind + ":" + Id;
}

/// <summary>A text in Chinese (shown first, CAP <c>zh-CN</c>) and English (CAP <c>en-US</c>).</summary>
public sealed record AlertText(string Zh, string En);

/// <summary>A WGS-84 point.</summary>
public sealed record GeoPoint(double Lat, double Lon);

/// <summary>
/// Where it happens. A point (with an optional radius, CAP circle) and/or a polygon; when both are missing the
/// grid cell's centre is used. <see cref="Description"/> overrides the cell name as CAP <c>areaDesc</c>.
/// </summary>
public sealed record AlertArea(double? Lat, double? Lon, double? RadiusKm = null, IReadOnlyList<GeoPoint>? Polygon = null, string? Description = null);

/// <summary>
/// A piece of evidence: a snapshot, a footage range (<see cref="From"/>–<see cref="To"/>) or a reading,
/// each with a link the dashboard can open.
/// </summary>
public sealed record EvidenceLink(string Kind, string Uri, string? Description = null, string? MimeType = null, DateTimeOffset? From = null, DateTimeOffset? To = null);

/// <summary>
/// What a feature hands to <see cref="IAlertService.Raise"/>. The same (source, type) while an alert is open
/// updates that alert (count, latest text and evidence, level) instead of creating another.
/// </summary>
public sealed record AlertTrigger(AlertSource Source, string Type, AlertLevel Level, string? CellId, AlertText Title, AlertText Text)
{
    public AlertArea? Area { get; init; }

    public IReadOnlyList<EvidenceLink> Evidence { get; init; } = [];

    /// <summary>CAP 1.2 category (Geo, Met, Safety, Security, Rescue, Fire, Health, Env, Transport, Infra, CBRNE, Other). Default: from the source kind.</summary>
    public string? Category { get; init; }

    /// <summary>
    /// The title and text replace what people were told (an amended discharge notice: the water now arrives at
    /// 17:55, not 18:40). When they differ from the open alert's, the alert gets a new version (a CAP 1.2 Update
    /// with its own identifier, §3.2.1) and everyone already told is informed. Other repeats only refresh the text.
    /// </summary>
    public bool Amendment { get; init; }
}

/// <summary>One alert as stored and served. Immutable: the engine replaces it on every change.</summary>
/// <param name="Count">Triggers folded into this alert (repeats of the same source and type, or a group's burst).</param>
/// <param name="Version">Grows on every change a person should know of (level, state, an amendment); CAP Update messages follow it.</param>
/// <param name="EscalationStep">Index of the routing tier last notified (0 = the nearest responsible guards).</param>
/// <param name="Notifications">Notifications sent so far; the next notification ID is <c>{Id}-{Notifications + 1}</c>.</param>
public sealed record Alert(
    string Id,
    AlertSource Source,
    string Type,
    AlertLevel Level,
    AlertState State,
    string? CellId,
    AlertArea? Area,
    AlertText Title,
    AlertText Text,
    IReadOnlyList<EvidenceLink> Evidence,
    string? Category,
    int Count,
    DateTimeOffset RaisedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset LastTriggerAt,
    string? AcknowledgedBy,
    DateTimeOffset? AcknowledgedAt,
    string? ResolvedBy,
    DateTimeOffset? ResolvedAt,
    string? ResolutionNote,
    int EscalationStep,
    DateTimeOffset? NextEscalationAt,
    string? InhibitedBy,
    bool Silenced,
    int Version,
    int Notifications)
{
    /// <summary>
    /// Grows with every stored change of state or routing, not with repeats. Several gateways: the stored row's
    /// revision decides whose change holds (a change based on an older revision is refused, AlertStore.WriteMerged).
    /// </summary>
    public long Revision { get; init; }

    /// <summary>The name of the person who acknowledged, as it was then: views show people by name, never by ID.</summary>
    public string? AcknowledgedByName { get; init; }

    [JsonIgnore]
    public bool IsOpen => State is AlertState.Raised or AlertState.Acknowledged;

    /// <summary>Whether routing is on hold (muted by another alert or by a silence).</summary>
    [JsonIgnore]
    public bool IsMuted => InhibitedBy is not null || Silenced;
}

/// <summary>One line of an alert's history: what happened, to or by whom, over which channel, with what outcome.</summary>
/// <param name="Kind">raised, level_raised, level_lowered, amended, inhibited, uninhibited, silenced, unsilenced, notified, escalated, unrouted, delivery, acknowledged, resolved, cancelled.</param>
public sealed record AlertHistoryEntry(string AlertId, DateTimeOffset At, string Kind, string? Actor = null, string? Channel = null, string? Outcome = null, string? Detail = null);

/// <summary>A stated pause of notifications for one source (optionally one type), audited with who and why.</summary>
public sealed record AlertSilence(string Id, AlertSource Source, string? Type, DateTimeOffset StartsAt, DateTimeOffset EndsAt, string Reason, string CreatedBy, DateTimeOffset? EndedEarlyAt = null, string? EndedBy = null)
{
    public bool Matches(AlertSource source, string type, DateTimeOffset now) =>
        Source == source && (Type is null || Type == type) && now >= StartsAt && now < EndsAt && EndedEarlyAt is null;
}
