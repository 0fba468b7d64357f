using System.Text.Json.Serialization;

namespace SmartCommunity.Gateway.Shelters;

/// <summary>Shelter class by role (应急避难场所分类): 紧急 emergency, 固定 fixed, 中心 central.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ShelterClass>))]
public enum ShelterClass
{
    [JsonStringEnumMemberName("emergency")]
    Emergency,

    [JsonStringEnumMemberName("fixed")]
    Fixed,

    [JsonStringEnumMemberName("central")]
    Central,
}

/// <summary>Duration class (GB 21734-2008): I ≥ 30 days, II 10–30 days, III under 10 days.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DurationClass>))]
public enum DurationClass
{
    [JsonStringEnumMemberName("I")]
    I,

    [JsonStringEnumMemberName("II")]
    II,

    [JsonStringEnumMemberName("III")]
    III,
}

/// <summary>
/// An emergency shelter (应急避难场所): class, area, capacity, where it is, whose cell, its entrances and what
/// counts people at each. <see cref="Open"/> is changed by emergency staff (audited).
/// </summary>
/// <param name="Capacity">Places: <see cref="ExplicitCapacity"/> when set, else ⌊effective area ÷ area per person⌋.</param>
public sealed record Shelter(
    string Id,
    string Name,
    ShelterClass Class,
    DurationClass Duration,
    double EffectiveAreaM2,
    double AreaPerPersonM2,
    int? ExplicitCapacity,
    int Capacity,
    double Lat,
    double Lon,
    string CellId,
    IReadOnlyList<Entrance> Entrances,
    bool Open,
    DateTimeOffset? OpenChangedAt,
    string? OpenChangedBy);

/// <summary>An entrance and its counting sources; the first source is the primary, the others fall back in order.</summary>
public sealed record Entrance(string Id, string Name, IReadOnlyList<CountingSource> Sources);

/// <summary>
/// What counts people at an entrance: a door unit (<see cref="Door"/>: its door ID, or null for any door of the
/// unit) or a camera counting line (<see cref="Line"/>). <see cref="Reversed"/> swaps in and out (a unit or a
/// line mounted facing outwards).
/// </summary>
public sealed record CountingSource(string DeviceId, string? Door, string? Line, bool Reversed)
{
    /// <summary>Stable key of the source in stored state: <c>door:{device}/{door|*}</c> or <c>line:{camera}/{line}</c>.</summary>
    [JsonIgnore]
    public string Key => Line is null ? $"door:{DeviceId}/{Door ?? "*"}" : $"line:{DeviceId}/{Line}";
}

/// <summary>Body of <c>PUT /api/shelters/{id}</c> and of a seed entry (with its <c>id</c>).</summary>
public sealed record ShelterRequest(
    string? Name,
    ShelterClass? Class,
    DurationClass? Duration,
    double? EffectiveAreaM2,
    double? AreaPerPersonM2,
    int? Capacity,
    double? Lat,
    double? Lon,
    string? CellId,
    IReadOnlyList<EntranceRequest>? Entrances,
    bool? Open);

public sealed record EntranceRequest(string? Id, string? Name, IReadOnlyList<SourceRequest>? Sources);

public sealed record SourceRequest(string? Device, string? Door, string? Line, bool? Reversed);
