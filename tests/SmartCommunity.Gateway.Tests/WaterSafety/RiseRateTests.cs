using SmartCommunity.Gateway.WaterSafety.Levels;

namespace SmartCommunity.Gateway.Tests.WaterSafety;

/// <summary>The rise rate on series like a real radar gauge sends: noise, spikes, gaps, duplicates, late readings.</summary>
public sealed class RiseRateTests
{
    private static readonly long Start = new DateTimeOffset(2026, 7, 1, 8, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    /// <summary>A reading every 30 s for <paramref name="minutes"/>, rising <paramref name="mPerHour"/>, with Gaussian noise of σ 1 cm.</summary>
    private static List<LevelSample> Series(double mPerHour, int minutes, int seed)
    {
        var random = new Random(seed);
        var list = new List<LevelSample>();
        for (var s = 0; s <= minutes * 60; s += 30)
        {
            // Box–Muller for normal noise.
            var noise = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()) * 0.01;
            list.Add(new LevelSample(Start + (s * 1000L), 31.20 + (mPerHour * s / 3600) + noise));
        }

        return list;
    }

    private static LevelWindow Feed(IEnumerable<LevelSample> samples)
    {
        var window = new LevelWindow(TimeSpan.FromMinutes(30), 180);
        foreach (var sample in samples)
        {
            window.Add(sample, DateTimeOffset.UnixEpoch);
        }

        return window;
    }

    [Fact]
    public void ASteadyRiseUnderCentimetreNoiseIsEstimatedWithinFiveCentimetresAnHour()
    {
        var (_, rise) = Feed(Series(0.6, 30, 1)).Estimate(5);
        Assert.InRange(rise!.Value, 0.55, 0.65);
    }

    [Fact]
    public void SpikesOnAFifthOfTheReadingsDoNotMoveTheEstimateOrTheLevel()
    {
        var series = Series(0.6, 30, 2);
        for (var i = 3; i < series.Count; i += 5)
        {
            // Radar gauges see birds and floating debris: half-metre jumps either way.
            series[i] = series[i] with { LevelM = series[i].LevelM + (i % 2 == 0 ? 0.5 : -0.8) };
        }

        var (level, rise) = Feed(series).Estimate(5);
        Assert.InRange(rise!.Value, 0.5, 0.7);
        Assert.InRange(level!.Value, 31.20 + 0.3 - 0.05, 31.20 + 0.3 + 0.05);
    }

    [Fact]
    public void GapsDuplicatesAndOutOfOrderReadingsGiveTheSameRise()
    {
        var series = Series(1.2, 30, 3);
        series.RemoveRange(10, 15); // A 7.5-minute radio gap.
        var shuffled = series.Concat(series.Take(8)).OrderBy(_ => Random.Shared.Next()).ToList();

        var (_, rise) = Feed(shuffled).Estimate(5);
        Assert.InRange(rise!.Value, 1.1, 1.3);
    }

    [Fact]
    public void AFlatNoisyLevelIsNotARise()
    {
        var (_, rise) = Feed(Series(0, 30, 4)).Estimate(5);
        Assert.InRange(rise!.Value, -0.05, 0.05);
    }

    [Fact]
    public void OnlyTheWindowCountsSoAnOldRiseFadesOutAndALateOldReadingCannotEvictRecentOnes()
    {
        var rising = Series(2.0, 30, 5);
        var flatAfter = Series(0, 40, 6).Select(s => new LevelSample(s.UnixMs + (31 * 60_000), rising[^1].LevelM + (s.LevelM - 31.20))).ToList();
        var window = Feed(rising.Concat(flatAfter));
        window.Add(rising[0], DateTimeOffset.UnixEpoch);

        var (_, rise) = window.Estimate(5);
        Assert.InRange(rise!.Value, -0.05, 0.05);
        Assert.True(window.Count <= 61);
    }

    [Fact]
    public void TooFewReadingsGiveNoRiseRatherThanAGuess()
    {
        var (_, rise) = Feed(Series(0.6, 1, 7)).Estimate(5);
        Assert.Null(rise);
    }
}
