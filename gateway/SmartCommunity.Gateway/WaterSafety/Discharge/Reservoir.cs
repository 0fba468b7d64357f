namespace SmartCommunity.Gateway.WaterSafety.Discharge;

/// <summary>
/// A reservoir and the river reaches below it, with the discharge wave's travel time to each spot per flow band,
/// taken from the local flood-control plan (configuration, not a hydraulic formula).
/// </summary>
public sealed record Reservoir(string Id, string Name, double? Lat, double? Lon, IReadOnlyList<Reach> Reaches);

/// <summary>
/// A reach downstream of the reservoir, the hazardous spots on it and the communities (the grid's
/// <see cref="Grid.CellLevel.Community"/> cells) along it, each with the plan's travel times.
/// </summary>
public sealed record Reach(string Id, string Name, IReadOnlyList<ReachSpot> Spots, IReadOnlyList<ReachCommunity>? Communities = null);

/// <summary>Travel time to a spot: the first band whose <see cref="FlowBand.MaxFlowM3s"/> is at least the flow applies.</summary>
public sealed record ReachSpot(string SpotId, IReadOnlyList<FlowBand> Bands);

/// <summary>Travel time to a community (a grid cell of level Community), per flow band as for spots.</summary>
public sealed record ReachCommunity(string CommunityId, IReadOnlyList<FlowBand> Bands);

/// <summary>Bigger flows travel faster: e.g. ≤ 200 m³/s 90 min, ≤ 800 m³/s 60 min, above that 40 min.</summary>
public sealed record FlowBand(double MaxFlowM3s, double TravelMinutes);

public static class TravelTimes
{
    /// <summary>Travel time for a flow, or null when no band covers it (the plan must say; we do not extrapolate).</summary>
    public static TimeSpan? For(ReachSpot spot, double flowM3s) => For(spot.Bands, flowM3s);

    public static TimeSpan? For(IReadOnlyList<FlowBand> bands, double flowM3s) =>
        bands.OrderBy(b => b.MaxFlowM3s).FirstOrDefault(b => flowM3s <= b.MaxFlowM3s) is { } band
            ? TimeSpan.FromMinutes(band.TravelMinutes)
            : null;

    /// <summary>Every place the plan lists below the reservoir (spots, then communities), with its bands.</summary>
    public static IEnumerable<(string Kind, string Id, IReadOnlyList<FlowBand> Bands)> Targets(Reservoir r) =>
        (r.Reaches ?? []).SelectMany(x => (x.Spots ?? []).Select(s => (SpotSchedule.SpotKind, s.SpotId, s.Bands))
            .Concat((x.Communities ?? []).Select(c => (SpotSchedule.CommunityKind, c.CommunityId, c.Bands))));

    /// <summary>The longest reservoir or reach name accepted, as for spots and shelters.</summary>
    public const int MaxNameLength = 100;

    public static string? Check(Reservoir r)
    {
        if (!Protocol.Topics.TopicScheme.IsValidId(r.Id) || string.IsNullOrWhiteSpace(r.Name))
        {
            return "A reservoir needs an 'id' (1–64 letters, digits, '-', '_') and a 'name'.";
        }

        // Names are shown on every notice and warning; 60 000 characters were accepted before (noticed in session 7).
        if (r.Name.Length > MaxNameLength)
        {
            return $"Field 'name' must have at most {MaxNameLength} characters.";
        }

        if (r.Lat is { } lat && lat is not (>= -90 and <= 90) || r.Lon is { } lon && lon is not (>= -180 and <= 180))
        {
            return "Fields 'lat' and 'lon' must be a WGS-84 position.";
        }

        // A body or seed entry may hold JSON null anywhere in the lists (issue 19's fuzz run): refused, not thrown on.
        if ((r.Reaches ?? []).Any(x => x is null || x.Spots?.Contains(null!) == true || x.Communities?.Contains(null!) == true))
        {
            return "Reaches, and the spots and communities in them, must be JSON objects, not null.";
        }

        if ((r.Reaches ?? []).FirstOrDefault(x => !Protocol.Topics.TopicScheme.IsValidId(x.Id ?? "") || x.Name is { Length: > MaxNameLength }) is { } badReach)
        {
            return $"Reach '{(badReach.Id is { Length: > 64 } ? badReach.Id[..64] + "…" : badReach.Id)}' needs an 'id' (1–64 letters, digits, '-', '_') and a 'name' of at most {MaxNameLength} characters.";
        }

        foreach (var spot in (r.Reaches ?? []).SelectMany(x => x.Spots ?? []))
        {
            if (!Protocol.Topics.TopicScheme.IsValidId(spot.SpotId ?? ""))
            {
                return "Every spot of a reach needs a 'spotId'.";
            }

            if (!ValidBands(spot.Bands))
            {
                return $"Spot '{spot.SpotId}' needs flow bands with maxFlowM3s > 0 and travelMinutes 0 … 10 080.";
            }
        }

        foreach (var community in (r.Reaches ?? []).SelectMany(x => x.Communities ?? []))
        {
            if (string.IsNullOrEmpty(community.CommunityId) || !ValidBands(community.Bands))
            {
                return $"Community '{community.CommunityId}' needs a 'communityId' and flow bands with maxFlowM3s > 0 and travelMinutes 0 … 10 080.";
            }
        }

        return null;
    }

    private static bool ValidBands(IReadOnlyList<FlowBand>? bands) =>
        bands is { Count: > 0 } && bands.All(b => b is not null && b.MaxFlowM3s > 0 && b.TravelMinutes >= 0 && b.TravelMinutes <= 7 * 24 * 60);
}
