namespace SmartCommunity.Gateway.WaterSafety.Levels;

/// <summary>
/// A station's recent readings, bounded, kept sorted by device time so out-of-order arrivals (store-and-forward
/// backlogs) land where they belong; a reading with a time already held replaces it (duplicates). Owned by
/// the water-safety loop only; not thread-safe.
/// </summary>
public sealed class LevelWindow(TimeSpan window, int capacity)
{
    private readonly List<LevelSample> _samples = new(capacity);

    public int Count => _samples.Count;

    /// <summary>Gateway time of the last reading received, for the silence check.</summary>
    public DateTimeOffset LastReceived { get; private set; }

    public void Add(LevelSample sample, DateTimeOffset receivedAt)
    {
        LastReceived = receivedAt;
        var index = _samples.BinarySearch(sample, Comparer.Instance);
        if (index >= 0)
        {
            _samples[index] = sample;
        }
        else
        {
            _samples.Insert(~index, sample);
        }

        // Only the newest reading sets the window: a late old reading cannot push recent ones out.
        var cutoff = _samples[^1].UnixMs - (long)window.TotalMilliseconds;
        var stale = 0;
        while (stale < _samples.Count && _samples[stale].UnixMs < cutoff)
        {
            stale++;
        }

        if (_samples.Count - stale > capacity)
        {
            stale = _samples.Count - capacity;
        }

        _samples.RemoveRange(0, stale);
    }

    /// <summary>
    /// Current level (median of the last few readings) and Theil–Sen rise rate (m/h), null when unknown: the rate
    /// needs <paramref name="minSamples"/> readings spanning at least <paramref name="minSpan"/> of device time.
    /// </summary>
    public (double? LevelM, double? RiseMPerHour) Estimate(int minSamples, TimeSpan minSpan, int levelSamples = 5)
    {
        var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_samples);
        var tail = span[Math.Max(0, span.Length - levelSamples)..];

        // A rate over a short stretch is the gauge's noise, not the river: a station that has just started (or
        // come back after a gap longer than the window) reports its level at once but a rate only once it has
        // watched the river for minSpan.
        var covered = span.Length > 1 && span[^1].UnixMs - span[0].UnixMs >= (long)minSpan.TotalMilliseconds;
        return (RiseRate.Median(tail), covered ? RiseRate.TheilSen(span, minSamples) : null);
    }

    private sealed class Comparer : IComparer<LevelSample>
    {
        public static readonly Comparer Instance = new();

        public int Compare(LevelSample x, LevelSample y) => x.UnixMs.CompareTo(y.UnixMs);
    }
}
