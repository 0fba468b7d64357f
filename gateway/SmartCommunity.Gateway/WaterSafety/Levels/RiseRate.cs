namespace SmartCommunity.Gateway.WaterSafety.Levels;

/// <summary>
/// Rate of rise by the Theil–Sen estimator: the median of the slopes between every pair of readings in the
/// window. Up to ~29 % of the readings may be spikes before the estimate moves (Sen 1968), unlike a
/// least-squares fit or a first-last difference; noise averages out over the pairs.
/// </summary>
public static class RiseRate
{
    /// <summary>Pairs closer than this in time are skipped: their slope is mostly sensor noise.</summary>
    public const double MinPairSeconds = 30;

    /// <summary>Metres per hour over <paramref name="samples"/> (sorted by time, unique times), or null when there are too few.</summary>
    public static double? TheilSen(ReadOnlySpan<LevelSample> samples, int minSamples)
    {
        if (samples.Length < minSamples || samples.Length < 2)
        {
            return null;
        }

        var slopes = new List<double>(samples.Length * (samples.Length - 1) / 2);
        for (var i = 0; i < samples.Length; i++)
        {
            for (var j = i + 1; j < samples.Length; j++)
            {
                var seconds = (samples[j].UnixMs - samples[i].UnixMs) / 1000.0;
                if (seconds >= MinPairSeconds)
                {
                    slopes.Add((samples[j].LevelM - samples[i].LevelM) / seconds * 3600);
                }
            }
        }

        if (slopes.Count == 0)
        {
            return null;
        }

        slopes.Sort();
        var mid = slopes.Count / 2;
        return slopes.Count % 2 == 1 ? slopes[mid] : (slopes[mid - 1] + slopes[mid]) / 2;
    }

    /// <summary>The median level of the samples: the "current level" that one spike cannot move.</summary>
    public static double? Median(ReadOnlySpan<LevelSample> samples)
    {
        if (samples.IsEmpty)
        {
            return null;
        }

        var levels = new double[samples.Length];
        for (var i = 0; i < samples.Length; i++)
        {
            levels[i] = samples[i].LevelM;
        }

        Array.Sort(levels);
        var mid = levels.Length / 2;
        return levels.Length % 2 == 1 ? levels[mid] : (levels[mid - 1] + levels[mid]) / 2;
    }
}

/// <summary>One level reading at device time (epoch ms).</summary>
public readonly record struct LevelSample(long UnixMs, double LevelM);
