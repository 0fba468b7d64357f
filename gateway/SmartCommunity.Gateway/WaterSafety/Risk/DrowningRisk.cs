using SmartCommunity.Gateway.Alerts;
using System.Text.Json.Serialization;
using SmartCommunity.Gateway.WaterSafety.Spots;

namespace SmartCommunity.Gateway.WaterSafety.Risk;

/// <summary>Drowning-risk level of a spot; the colours follow the Chinese warning scale (蓝/黄/橙/红).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RiskLevel>))]
public enum RiskLevel
{
    [JsonStringEnumMemberName("none")]
    None = 0,

    [JsonStringEnumMemberName("blue")]
    Blue = 1,

    [JsonStringEnumMemberName("yellow")]
    Yellow = 2,

    [JsonStringEnumMemberName("orange")]
    Orange = 3,

    [JsonStringEnumMemberName("red")]
    Red = 4,
}

/// <summary>Where a discharge wave is relative to the spot.</summary>
public enum WavePhase
{
    None,
    Approaching,
    AtSpot,
}

/// <summary>What the risk is computed from.</summary>
public sealed record RiskInputs(double? LevelM, double? RiseMPerHour, WavePhase Wave, int PeopleInZone, bool RiskTime);

/// <summary>
/// The rules (docs/water-safety.md): each factor sets a floor, and two aggravating factors — people in the
/// danger zone and a risk time (after school, holidays, weekends) — each raise an existing yellow or worse by one step.
/// </summary>
public static class DrowningRisk
{
    /// <param name="margin">Hysteresis: thresholds are lowered by this share of the band when checking whether to stay up.</param>
    public static (RiskLevel Level, List<string> Reasons) Evaluate(HazardousSpot spot, RiskInputs input, double margin = 0)
    {
        var reasons = new List<string>();
        var level = RiskLevel.None;
        var band = spot.Levels.DangerM - spot.Levels.WarningM;
        var slack = band * margin;
        if (input.LevelM is { } l)
        {
            if (l >= spot.Levels.DangerM - slack)
            {
                level = Max(level, RiskLevel.Orange, reasons, $"level {l:F2} m ≥ danger {spot.Levels.DangerM:F2} m");
            }
            else if (l >= spot.Levels.WarningM - slack)
            {
                level = Max(level, RiskLevel.Yellow, reasons, $"level {l:F2} m ≥ warning {spot.Levels.WarningM:F2} m");
            }
            else if (l >= spot.Levels.NormalM - slack)
            {
                level = Max(level, RiskLevel.Blue, reasons, $"level {l:F2} m above normal {spot.Levels.NormalM:F2} m");
            }
        }

        if (input.RiseMPerHour is { } r)
        {
            var riseSlack = 1 - margin;
            if (r >= spot.Rise.DangerMPerHour * riseSlack)
            {
                level = Max(level, RiskLevel.Orange, reasons, $"rising {r:F2} m/h ≥ {spot.Rise.DangerMPerHour:F2} m/h");
            }
            else if (r >= spot.Rise.WarningMPerHour * riseSlack)
            {
                level = Max(level, RiskLevel.Yellow, reasons, $"rising {r:F2} m/h ≥ {spot.Rise.WarningMPerHour:F2} m/h");
            }
        }

        level = input.Wave switch
        {
            WavePhase.AtSpot => Max(level, RiskLevel.Orange, reasons, "discharge wave at the spot"),
            WavePhase.Approaching => Max(level, RiskLevel.Yellow, reasons, "discharge wave approaching"),
            _ => level,
        };

        if (input.PeopleInZone > 0)
        {
            level = Bump(level, reasons, $"{input.PeopleInZone} person(s) in the danger zone");
        }

        if (input.RiskTime)
        {
            level = Bump(level, reasons, "risk time (after school, holidays or weekend)");
        }

        return (level, reasons);
    }

    private static RiskLevel Max(RiskLevel current, RiskLevel floor, List<string> reasons, string reason)
    {
        reasons.Add(reason);
        return floor > current ? floor : current;
    }

    private static RiskLevel Bump(RiskLevel current, List<string> reasons, string reason)
    {
        reasons.Add(reason);
        return current switch
        {
            RiskLevel.None => RiskLevel.Blue,
            >= RiskLevel.Yellow and < RiskLevel.Red => current + 1,
            _ => current,
        };
    }
}

public static class RiskLevels
{
    /// <summary>The alert colour for a risk level; <see cref="RiskLevel.None"/> raises no alert.</summary>
    public static AlertLevel ToAlertLevel(this RiskLevel level) => level switch
    {
        RiskLevel.Blue => AlertLevel.Blue,
        RiskLevel.Yellow => AlertLevel.Yellow,
        RiskLevel.Orange => AlertLevel.Orange,
        RiskLevel.Red => AlertLevel.Red,
        _ => throw new ArgumentOutOfRangeException(nameof(level), level, "No alert for this risk level."),
    };
}
