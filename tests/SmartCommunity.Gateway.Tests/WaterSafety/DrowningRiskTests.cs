using SmartCommunity.Gateway.WaterSafety.Risk;
using SmartCommunity.Gateway.WaterSafety.Spots;

namespace SmartCommunity.Gateway.Tests.WaterSafety;

public sealed class DrowningRiskTests
{
    internal static readonly HazardousSpot Spot = new("s1", "沙洲滩", "b-a", 28.2, 112.97, "reach-1",
        new LevelThresholds(30.0, 31.0, 32.0), new RiseThresholds(0.3, 1.0), new RiskTimes(["16:00-19:00"], ["07-01..08-31"], true),
        new SpotDevices("level-1", [new SpotCamera("cam", "z1")], ["spk"], [], []));

    private static readonly DateTimeOffset T0 = new(2026, 7, 1, 8, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(29.5, 0.0, WavePhase.None, 0, false, RiskLevel.None)]
    [InlineData(30.2, 0.0, WavePhase.None, 0, false, RiskLevel.Blue)]
    [InlineData(31.2, 0.0, WavePhase.None, 0, false, RiskLevel.Yellow)]
    [InlineData(29.5, 0.5, WavePhase.None, 0, false, RiskLevel.Yellow)]
    [InlineData(31.2, 1.5, WavePhase.None, 0, false, RiskLevel.Orange)]
    [InlineData(32.1, 0.0, WavePhase.None, 0, true, RiskLevel.Red)]
    [InlineData(29.5, 0.0, WavePhase.Approaching, 0, false, RiskLevel.Yellow)]
    [InlineData(29.5, 0.0, WavePhase.AtSpot, 1, false, RiskLevel.Red)]
    [InlineData(29.5, 0.0, WavePhase.None, 2, true, RiskLevel.Blue)]
    public void EachFactorSetsAFloorAndPeopleOrRiskTimeRaiseAnAlertLevelOneStep(double level, double rise, WavePhase wave, int people, bool riskTime, RiskLevel expected)
    {
        var (actual, reasons) = DrowningRisk.Evaluate(Spot, new RiskInputs(level, rise, wave, people, riskTime));
        Assert.Equal(expected, actual);
        Assert.Equal(expected == RiskLevel.None, reasons.Count == 0);
    }

    [Theory]
    [InlineData(32.1, 1.5, WavePhase.AtSpot, 2, true, "level_danger,rise_danger,wave_at_spot,people_in_zone,risk_time")]
    [InlineData(31.2, 0.5, WavePhase.Approaching, 0, false, "level_warning,rise_warning,wave_approaching")]
    [InlineData(30.2, 0.0, WavePhase.None, 0, false, "level_above_normal")]
    public void EveryReasonHasACodeAndChineseAndEnglishTextWithTheNumbers(double level, double rise, WavePhase wave, int people, bool riskTime, string codes)
    {
        var (_, reasons) = DrowningRisk.Evaluate(Spot, new RiskInputs(level, rise, wave, people, riskTime));

        Assert.Equal(codes.Split(','), reasons.Select(r => r.Code));
        Assert.All(reasons, r =>
        {
            Assert.Matches(@"\p{IsCJKUnifiedIdeographs}", r.Zh);
            Assert.DoesNotMatch(@"\p{IsCJKUnifiedIdeographs}", r.En);
            Assert.False(string.IsNullOrWhiteSpace(r.En));
        });
        var levelReason = reasons[0];
        var text = level.ToString("F2", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains(text, levelReason.Zh, StringComparison.Ordinal);
        Assert.Contains(text, levelReason.En, StringComparison.Ordinal);
    }

    [Fact]
    public void ALevelHoveringAroundTheDangerThresholdDoesNotFlapAndTheRiskFallsOnlyAfterTheHoldDown()
    {
        var risk = new RiskHysteresis(0.1, TimeSpan.FromMinutes(10));
        var changes = 0;
        var now = T0;
        // Waves lap the gauge: ±4 cm around the 32.00 m danger line for half an hour.
        for (var i = 0; i < 60; i++, now = now.AddSeconds(30))
        {
            changes += risk.Update(Spot, new RiskInputs(32.0 + (i % 2 == 0 ? 0.04 : -0.04), 0, WavePhase.None, 0, false), now) ? 1 : 0;
        }

        Assert.Equal(1, changes);
        Assert.Equal(RiskLevel.Orange, risk.Level);

        // The water really falls: yellow only after ten minutes below the relaxed threshold.
        var fell = now;
        for (; now < fell.AddMinutes(10); now = now.AddSeconds(30))
        {
            Assert.False(risk.Update(Spot, new RiskInputs(31.5, 0, WavePhase.None, 0, false), now));
        }

        Assert.True(risk.Update(Spot, new RiskInputs(31.5, 0, WavePhase.None, 0, false), now));
        Assert.Equal(RiskLevel.Yellow, risk.Level);
        Assert.Equal(["level_warning"], risk.Reasons.Select(r => r.Code));
    }

    [Theory]
    [InlineData("2026-07-15T02:00:00Z", true)]  // Summer holidays.
    [InlineData("2026-05-12T09:00:00Z", true)]  // 17:00 Beijing time on a school day: after school.
    [InlineData("2026-05-12T02:00:00Z", false)] // 10:00 Beijing time on a Tuesday in May.
    [InlineData("2026-05-16T02:00:00Z", true)]  // Saturday.
    public void RiskTimesAreLocalHoursSeasonsAndWeekends(string utc, bool expected)
    {
        var local = DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture).ToOffset(TimeSpan.FromHours(8)).DateTime;
        var weekend = local.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;
        Assert.Equal(expected, weekend || RiskCalendar.InHours(Spot.RiskTimes.DailyHours, local) || RiskCalendar.InSeason(Spot.RiskTimes.Seasons, local));
    }
}
