namespace SmartCommunity.Gateway.Shelters.Occupancy;

/// <summary>
/// A shelter's occupancy as served and pushed on the live stream: immutable, rebuilt by the counting loop after
/// every change. <see cref="Clamped"/> is how many people the floor at 0 hides (an "out" counted before its "in").
/// </summary>
public sealed record ShelterOccupancy(
    string ShelterId,
    string CellId,
    bool Open,
    long Occupants,
    int Capacity,
    long Free,
    double Share,
    long Clamped,
    long Correction,
    IReadOnlyList<string> Thresholds,
    IReadOnlyList<EntranceView> Entrances,
    DateTimeOffset? LastHeadcountAt,
    string? LastHeadcountBy,
    DateTimeOffset UpdatedAt);

/// <summary>An entrance: fused in/out, the source in use (primary or fallback), and each source's own counts and drift.</summary>
public sealed record EntranceView(string Id, long In, long Out, string ActiveSource, bool OnFallback, IReadOnlyList<FallbackSpan> RecentFallbacks, IReadOnlyList<SourceView> Sources);

/// <param name="Silent">No message from the device for <c>Shelters:SourceSilence</c>, or the device is offline.</param>
/// <param name="DriftIn">This source's "in" minus the primary's over the time both counted (null for the primary).</param>
/// <param name="Drifting">The drift exceeds <c>Shelters:DriftMinimum</c> and <c>Shelters:DriftRatio</c> of the primary's count.</param>
public sealed record SourceView(string Key, string DeviceId, bool Primary, bool Silent, DateTimeOffset? LastSeen, long In, long Out, long? DriftIn, long? DriftOut, bool Drifting);

/// <summary>An open shelter with free places, as suggested to people who cannot get into a full one.</summary>
public sealed record ShelterSuggestion(string ShelterId, string Name, double Lat, double Lon, double DistanceKm, long Free, int Capacity, long Occupants);

/// <summary>Totals across every shelter, for the emergency role.</summary>
public sealed record SheltersSummary(int Shelters, int Open, long Occupants, long Capacity, long FreeInOpen, int AtOrAbove80, int AtOrAbove95, int Full, int EntrancesOnFallback, int SourcesDrifting, IReadOnlyList<ShelterOccupancy> Items);
