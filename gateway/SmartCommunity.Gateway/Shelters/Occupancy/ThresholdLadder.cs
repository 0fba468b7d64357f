using SmartCommunity.Gateway.Alerts;

namespace SmartCommunity.Gateway.Shelters.Occupancy;

/// <summary>An occupancy threshold (share of capacity) and the alert it raises.</summary>
public sealed record OccupancyThreshold(double Share, string AlertType, AlertLevel Level, string LabelZh, string LabelEn);

/// <summary>
/// Thresholds with hysteresis: a threshold is crossed upwards at its share of capacity and cleared only when
/// occupancy falls below share − margin, so a crowd hovering at the line raises once. Each threshold is
/// independent (at full, 80 %, 95 % and full are all up; the alerts engine mutes <c>shelter_95</c> while
/// <c>shelter_full</c> is open).
/// </summary>
public static class ThresholdLadder
{
    public static IReadOnlyList<OccupancyThreshold> Thresholds { get; } =
    [
        new(0.80, "shelter_80", AlertLevel.Yellow, "避难场所已满 80%", "Shelter 80 % full"),
        new(0.95, "shelter_95", AlertLevel.Orange, "避难场所已满 95%", "Shelter 95 % full"),
        new(1.00, "shelter_full", AlertLevel.Red, "避难场所已满", "Shelter full"),
    ];

    /// <summary>One change of a threshold: raised (true) or cleared (false).</summary>
    public readonly record struct Change(OccupancyThreshold Threshold, bool Raised);

    /// <summary>Evaluates occupancy against every threshold; <paramref name="raised"/> holds the alert types up and is updated.</summary>
    public static IReadOnlyList<Change> Evaluate(long occupants, int capacity, double margin, HashSet<string> raised)
    {
        var changes = new List<Change>();
        foreach (var threshold in Thresholds)
        {
            // A shelter with no places is full as soon as anyone is inside.
            var share = capacity > 0 ? (double)occupants / capacity : occupants > 0 ? double.PositiveInfinity : 0;
            if (!raised.Contains(threshold.AlertType) && share >= threshold.Share)
            {
                raised.Add(threshold.AlertType);
                changes.Add(new Change(threshold, true));
            }
            else if (raised.Contains(threshold.AlertType) && share < threshold.Share - margin)
            {
                raised.Remove(threshold.AlertType);
                changes.Add(new Change(threshold, false));
            }
        }

        return changes;
    }
}
