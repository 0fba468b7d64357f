using SmartCommunity.Gateway.WaterSafety;
using SmartCommunity.Gateway.WaterSafety.Levels;

namespace SmartCommunity.Gateway.Tests.WaterSafety;

/// <summary>The rise rate on series like a real radar gauge sends: noise, spikes, gaps, duplicates, late readings.</summary>
public sealed class RiseRateTests
{
    private static readonly long Start = new DateTimeOffset(2026, 7, 1, 8, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
    private static readonly TimeSpan MinSpan = new WaterSafetyOptions().RiseMinSpan;

    /// <summary>A reading every 30 s for <paramref name="minutes"/>, rising <paramref name="mPerHour"/>, with Gaussian noise of σ 1 cm.</summary>
    private static List<LevelSample> Series(double mPerHour, int minutes, int seed)
    {
        var random = new Random(seed);
        var list = new List<LevelSample>();
        for (var s = 0; s <= minutes * 60; s += 30)
        {
            list.Add(new LevelSample(Start + (s * 1000L), 31.20 + (mPerHour * s / 3600) + Gaussian(random, 0.01)));
        }

        return list;
    }

    /// <summary>Box–Muller for normal noise of standard deviation <paramref name="sigma"/>.</summary>
    private static double Gaussian(Random random, double sigma) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()) * sigma;

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
        var (_, rise) = Feed(Series(0.6, 30, 1)).Estimate(5, MinSpan);
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

        var (level, rise) = Feed(series).Estimate(5, MinSpan);
        Assert.InRange(rise!.Value, 0.5, 0.7);
        Assert.InRange(level!.Value, 31.20 + 0.3 - 0.05, 31.20 + 0.3 + 0.05);
    }

    [Fact]
    public void GapsDuplicatesAndOutOfOrderReadingsGiveTheSameRise()
    {
        var series = Series(1.2, 30, 3);
        series.RemoveRange(10, 15); // A 7.5-minute radio gap.
        var shuffled = series.Concat(series.Take(8)).OrderBy(_ => Random.Shared.Next()).ToList();

        var (_, rise) = Feed(shuffled).Estimate(5, MinSpan);
        Assert.InRange(rise!.Value, 1.1, 1.3);
    }

    [Fact]
    public void AFlatNoisyLevelIsNotARise()
    {
        var (_, rise) = Feed(Series(0, 30, 4)).Estimate(5, MinSpan);
        Assert.InRange(rise!.Value, -0.05, 0.05);
    }

    [Fact]
    public void OnlyTheWindowCountsSoAnOldRiseFadesOutAndALateOldReadingCannotEvictRecentOnes()
    {
        var rising = Series(2.0, 30, 5);
        var flatAfter = Series(0, 40, 6).Select(s => new LevelSample(s.UnixMs + (31 * 60_000), rising[^1].LevelM + (s.LevelM - 31.20))).ToList();
        var window = Feed(rising.Concat(flatAfter));
        window.Add(rising[0], DateTimeOffset.UnixEpoch);

        var (_, rise) = window.Estimate(5, MinSpan);
        Assert.InRange(rise!.Value, -0.05, 0.05);
        Assert.True(window.Count <= 61);
    }

    [Fact]
    public void TooFewReadingsGiveNoRiseRatherThanAGuess()
    {
        var (_, rise) = Feed(Series(0.6, 1, 7)).Estimate(5, MinSpan);
        Assert.Null(rise);
    }

    /// <summary>
    /// A station that has just started on a still river: a radar gauge's 2 mm of noise every 5 s (the demo's
    /// stations) or 5 mm every 10 s (the simulator's default). Each reading is judged as it arrives, as the
    /// water-safety loop does, for the first hour; no estimate may reach the demo spots' 0.3 m/h warning rate (nor
    /// a tenth of it). Between a few readings 30 s apart the noise alone gave 0.7 m/h and an orange spot.
    /// </summary>
    [Theory]
    [InlineData(0.002, 5)]
    [InlineData(0.005, 10)]
    public void AStillRiverIsNotARiseWhileAFreshStationFillsItsWindow(double noiseM, int everySeconds)
    {
        var worst = 0.0;
        for (var seed = 0; seed < 20; seed++)
        {
            var random = new Random(seed);
            var window = new LevelWindow(TimeSpan.FromMinutes(30), 180);
            for (var s = 0; s <= 3600; s += everySeconds)
            {
                window.Add(new LevelSample(Start + (s * 1000L), 12.0 + Gaussian(random, noiseM)), DateTimeOffset.UnixEpoch);
                if (window.Estimate(5, MinSpan).RiseMPerHour is { } rise)
                {
                    worst = Math.Max(worst, Math.Abs(rise));
                }
            }
        }

        Assert.InRange(worst, 0, 0.03);
    }

    [Fact]
    public void ARateNeedsReadingsSpanningTheMinimumSpanHoweverManyThereAre()
    {
        var window = Feed(Series(0.6, 30, 8).Where(s => s.UnixMs - Start < 9 * 60_000));
        Assert.True(window.Count > 5);
        Assert.Null(window.Estimate(5, TimeSpan.FromMinutes(9)).RiseMPerHour);

        window.Add(new LevelSample(Start + (9 * 60_000), 31.20 + 0.09), DateTimeOffset.UnixEpoch);
        Assert.NotNull(window.Estimate(5, TimeSpan.FromMinutes(9)).RiseMPerHour);
    }
}
