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

/// <summary>
/// Why a spot has its risk: a stable <see cref="Code"/> for dashboards and tests (<c>level_danger</c>,
/// <c>level_warning</c>, <c>level_above_normal</c>, <c>rise_danger</c>, <c>rise_warning</c>, <c>wave_at_spot</c>,
/// <c>wave_approaching</c>, <c>people_in_zone</c>, <c>risk_time</c>) and the text in Chinese and English.
/// </summary>
public sealed record RiskReason(string Code, string Zh, string En)
{
    internal static RiskReason Of(string code, FormattableString zh, FormattableString en) =>
        new(code, FormattableString.Invariant(zh), FormattableString.Invariant(en));
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
    public static (RiskLevel Level, List<RiskReason> Reasons) Evaluate(HazardousSpot spot, RiskInputs input, double margin = 0)
    {
        var reasons = new List<RiskReason>();
        var level = RiskLevel.None;
        var band = spot.Levels.DangerM - spot.Levels.WarningM;
        var slack = band * margin;
        if (input.LevelM is { } l)
        {
            if (l >= spot.Levels.DangerM - slack)
            {
                level = Max(level, RiskLevel.Orange, reasons, RiskReason.Of("level_danger", $"水位 {l:F2} 米，达到危险水位 {spot.Levels.DangerM:F2} 米", $"level {l:F2} m ≥ danger {spot.Levels.DangerM:F2} m"));
            }
            else if (l >= spot.Levels.WarningM - slack)
            {
                level = Max(level, RiskLevel.Yellow, reasons, RiskReason.Of("level_warning", $"水位 {l:F2} 米，达到警戒水位 {spot.Levels.WarningM:F2} 米", $"level {l:F2} m ≥ warning {spot.Levels.WarningM:F2} m"));
            }
            else if (l >= spot.Levels.NormalM - slack)
            {
                level = Max(level, RiskLevel.Blue, reasons, RiskReason.Of("level_above_normal", $"水位 {l:F2} 米，高于常水位 {spot.Levels.NormalM:F2} 米", $"level {l:F2} m above normal {spot.Levels.NormalM:F2} m"));
            }
        }

        if (input.RiseMPerHour is { } r)
        {
            var riseSlack = 1 - margin;
            if (r >= spot.Rise.DangerMPerHour * riseSlack)
            {
                level = Max(level, RiskLevel.Orange, reasons, RiskReason.Of("rise_danger", $"水位每小时上涨 {r:F2} 米，达到危险涨速 {spot.Rise.DangerMPerHour:F2} 米/小时", $"rising {r:F2} m/h ≥ {spot.Rise.DangerMPerHour:F2} m/h"));
            }
            else if (r >= spot.Rise.WarningMPerHour * riseSlack)
            {
                level = Max(level, RiskLevel.Yellow, reasons, RiskReason.Of("rise_warning", $"水位每小时上涨 {r:F2} 米，达到警戒涨速 {spot.Rise.WarningMPerHour:F2} 米/小时", $"rising {r:F2} m/h ≥ {spot.Rise.WarningMPerHour:F2} m/h"));
            }
        }

        level = input.Wave switch
        {
            WavePhase.AtSpot => Max(level, RiskLevel.Orange, reasons, new RiskReason("wave_at_spot", "上游泄洪水流正经过此处", "discharge wave at the spot")),
            WavePhase.Approaching => Max(level, RiskLevel.Yellow, reasons, new RiskReason("wave_approaching", "上游泄洪水流即将到达", "discharge wave approaching")),
            _ => level,
        };

        if (input.PeopleInZone > 0)
        {
            level = Bump(level, reasons, RiskReason.Of("people_in_zone", $"危险区域内有 {input.PeopleInZone} 人", $"{input.PeopleInZone} person(s) in the danger zone"));
        }

        if (input.RiskTime)
        {
            level = Bump(level, reasons, new RiskReason("risk_time", "高风险时段（放学后、假期或周末）", "risk time (after school, holidays or weekend)"));
        }

        return (level, reasons);
    }

    private static RiskLevel Max(RiskLevel current, RiskLevel floor, List<RiskReason> reasons, RiskReason reason)
    {
        reasons.Add(reason);
        return floor > current ? floor : current;
    }

    private static RiskLevel Bump(RiskLevel current, List<RiskReason> reasons, RiskReason reason)
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
