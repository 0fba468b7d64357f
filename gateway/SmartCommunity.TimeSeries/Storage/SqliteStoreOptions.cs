namespace SmartCommunity.TimeSeries.Storage;

/// <summary>One downsampling step: buckets of <see cref="Interval"/> keeping min/max/sum/count/last, kept for <see cref="Retention"/>.</summary>
public sealed record RollupLevel(TimeSpan Interval, TimeSpan Retention);

/// <summary>Settings of <see cref="SqliteTimeSeriesStore"/>. Every default is stated on its property.</summary>
public sealed class SqliteStoreOptions
{
    /// <summary>Database file. Required. WAL mode adds <c>-wal</c> and <c>-shm</c> files beside it.</summary>
    public string? DatabasePath { get; set; }

    /// <summary>How long points are kept at full resolution. Default 24 hours.</summary>
    public TimeSpan RawRetention { get; set; } = TimeSpan.FromHours(24);

    /// <summary>The levels used when <see cref="Rollups"/> is null: 1-minute buckets kept 14 days, then 1-hour buckets kept 730 days.</summary>
    public static IReadOnlyList<RollupLevel> DefaultRollups { get; } =
    [
        new(TimeSpan.FromMinutes(1), TimeSpan.FromDays(14)),
        new(TimeSpan.FromHours(1), TimeSpan.FromDays(730)),
    ];

    /// <summary>
    /// Downsampling levels, finest first; each is rolled up from the one before (the first from raw points), and each
    /// interval must be a multiple of the one before. Default null: <see cref="DefaultRollups"/>. An empty list turns
    /// downsampling off (raw points are simply deleted after <see cref="RawRetention"/>). Null rather than a pre-filled
    /// list, so that binding from configuration replaces the defaults instead of appending to them.
    /// </summary>
    public IList<RollupLevel>? Rollups { get; set; }

    internal IReadOnlyList<RollupLevel> EffectiveRollups => Rollups is null ? DefaultRollups : [.. Rollups];

    /// <summary>How often the background step rolls up and deletes expired data. Default 1 minute; zero turns the
    /// background step off (call <see cref="SqliteTimeSeriesStore.RunMaintenanceAsync"/> yourself).</summary>
    public TimeSpan MaintenanceInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Buckets this far behind the last roll-up are rolled up again, so points that arrive a little late still
    /// reach the roll-ups. Default 5 minutes.</summary>
    public TimeSpan LateArrivalWindow { get; set; } = TimeSpan.FromMinutes(5);

    public void Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(DatabasePath))
        {
            errors.Add("DatabasePath is required.");
        }

        if (RawRetention <= TimeSpan.Zero || MaintenanceInterval < TimeSpan.Zero || LateArrivalWindow < TimeSpan.Zero)
        {
            errors.Add("RawRetention must be positive; MaintenanceInterval and LateArrivalWindow must not be negative.");
        }

        var rollups = EffectiveRollups;
        for (var i = 0; i < rollups.Count; i++)
        {
            var level = rollups[i];
            if (level.Interval < TimeSpan.FromSeconds(1) || level.Retention <= TimeSpan.Zero)
            {
                errors.Add($"Rollup {i}: interval must be at least 1 s and retention positive.");
            }

            if (i > 0 && (level.Interval <= rollups[i - 1].Interval || level.Interval.Ticks % rollups[i - 1].Interval.Ticks != 0))
            {
                errors.Add($"Rollup {i}: interval must be a larger multiple of the previous level's.");
            }
        }

        if (errors.Count > 0)
        {
            throw new InvalidOperationException("Invalid SQLite store options: " + string.Join(" ", errors));
        }
    }
}
