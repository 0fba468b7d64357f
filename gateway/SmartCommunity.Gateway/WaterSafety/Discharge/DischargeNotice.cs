using System.Text.Json.Serialization;

namespace SmartCommunity.Gateway.WaterSafety.Discharge;

/// <summary>A water authority's discharge notice (泄洪通知) and the warnings scheduled from it. Stored whole as JSON.</summary>
public sealed class DischargeNotice
{
    public string Id { get; set; } = "";

    public string ReservoirId { get; set; } = "";

    public DateTimeOffset GateOpenAt { get; set; }

    public double FlowM3s { get; set; }

    public int DurationMinutes { get; set; }

    public string IssuedBy { get; set; } = "";

    public DateTimeOffset IssuedAt { get; set; }

    /// <summary>How often the notice was amended; each amendment's warnings are new ones (in a cluster, too).</summary>
    public int Amendments { get; set; }

    /// <summary><c>active</c>, <c>passed</c> (the wave has passed every spot) or <c>cancelled</c>.</summary>
    public string State { get; set; } = "active";

    /// <summary>Every place below the reservoir the wave reaches: spots and communities (see <see cref="SpotSchedule.Kind"/>).</summary>
    public List<SpotSchedule> Spots { get; set; } = [];

    public List<TimelineEntry> Timeline { get; set; } = [];

    [JsonIgnore]
    public bool IsActive => State == "active";
}

/// <summary>
/// When the wave reaches one place and passes it, and the warnings for it. The place is a hazardous spot
/// (<see cref="Kind"/> <c>spot</c>, <see cref="SpotId"/>) or a community cell (<c>community</c>, <see cref="CommunityId"/>).
/// </summary>
public sealed class SpotSchedule
{
    public const string SpotKind = "spot";
    public const string CommunityKind = "community";

    /// <summary><c>spot</c> (the default, also for notices stored before communities) or <c>community</c>.</summary>
    public string Kind { get; set; } = SpotKind;

    /// <summary>The spot's ID; empty for a community.</summary>
    public string SpotId { get; set; } = "";

    /// <summary>The community cell's ID; null for a spot.</summary>
    public string? CommunityId { get; set; }

    [JsonIgnore]
    public bool IsSpot => Kind == SpotKind;

    /// <summary>The spot's or the community's ID.</summary>
    [JsonIgnore]
    public string TargetId => IsSpot ? SpotId : CommunityId ?? "";

    public DateTimeOffset ArrivesAt { get; set; }

    public DateTimeOffset PassedAt { get; set; }

    public List<WarningStep> Steps { get; set; } = [];

    /// <summary><c>approaching</c>, <c>at_spot</c> or <c>passed</c>.</summary>
    public string Phase { get; set; } = "approaching";
}

/// <summary>One warning: at notice time (<c>notice</c>, or <c>amendment</c> after a change), <c>lead-{minutes}</c> before arrival, or <c>arrival</c>.</summary>
public sealed class WarningStep
{
    public string Name { get; set; } = "";

    public DateTimeOffset DueAt { get; set; }

    public DateTimeOffset? FiredAt { get; set; }
}

/// <summary>A line of the notice's timeline: issued, amended, warned, command, arrived, passed, cancelled.</summary>
public sealed record TimelineEntry(DateTimeOffset At, string Kind, string? SpotId = null, string? Detail = null, IReadOnlyList<string>? Notified = null);

/// <summary>Body of <c>POST /api/water/notices</c> and <c>PUT /api/water/notices/{id}</c>.</summary>
public sealed record NoticeRequest(string? ReservoirId, DateTimeOffset? GateOpenAt, double? FlowM3s, int? DurationMinutes);
