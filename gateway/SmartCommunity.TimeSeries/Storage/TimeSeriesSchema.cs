using SmartCommunity.Storage;

namespace SmartCommunity.TimeSeries.Storage;

/// <summary>
/// The embedded time-series file's schema steps, applied by the same runner as the gateway's database
/// (<see cref="SchemaMigrator"/>). Step 1 keeps <c>IF NOT EXISTS</c> so that a file made before the runner (which
/// created these tables itself at every start) is adopted as it is.
/// </summary>
internal static class TimeSeriesSchema
{
    public static readonly Migration[] Steps =
    [
        new(1, "timeseries", 1, """
            CREATE TABLE IF NOT EXISTS series (
                id INTEGER PRIMARY KEY,
                measurement TEXT NOT NULL,
                field TEXT NOT NULL,
                tags TEXT NOT NULL,
                UNIQUE (measurement, field, tags));
            CREATE TABLE IF NOT EXISTS raw (
                series_id BIGINT NOT NULL,
                ts BIGINT NOT NULL,
                value DOUBLE PRECISION NOT NULL,
                PRIMARY KEY (series_id, ts)){without_rowid};
            CREATE TABLE IF NOT EXISTS rollup (
                series_id BIGINT NOT NULL,
                level_ms BIGINT NOT NULL,
                ts BIGINT NOT NULL,
                mn DOUBLE PRECISION NOT NULL, mx DOUBLE PRECISION NOT NULL, sm DOUBLE PRECISION NOT NULL, cnt BIGINT NOT NULL,
                last DOUBLE PRECISION NOT NULL, last_ts BIGINT NOT NULL,
                PRIMARY KEY (series_id, level_ms, ts)){without_rowid};
            CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value BIGINT NOT NULL);
            """),
    ];
}
