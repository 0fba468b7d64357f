using System.Globalization;
using System.Text.Json;
using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SmartCommunity.Storage;
using SmartCommunity.TimeSeries.Points;

namespace SmartCommunity.TimeSeries.Storage;

/// <summary>
/// The embedded default store: one SQLite file (WAL mode), one writer connection, one transaction per
/// <see cref="WriteAsync"/> call. Raw points are kept for <see cref="SqliteStoreOptions.RawRetention"/>; a background step
/// rolls them up into coarser buckets (min/max/sum/count/last) and deletes what has expired. Queries stitch the
/// sources together: raw where raw still exists, then each roll-up level further back, so a chart over a year and a
/// chart over the last hour are the same call. Numeric fields only (booleans as 1/0); string fields are not stored.
/// </summary>
/// <remarks>
/// Boundaries: raw points are deleted only once the first level has rolled them up, and each level only once the next
/// has, so a time range is always covered by exactly one source ("floors" in the meta table record where each begins).
/// Same series and timestamp overwrite, as in InfluxDB. Timestamps are stored in milliseconds.
/// </remarks>
public sealed class SqliteTimeSeriesStore : ITimeSeriesStore, IAsyncDisposable
{
    private const string RawFloorKey = "floor:raw";

    private readonly SqliteStoreOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _connectionString;
    private readonly SqliteConnection _writer;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly Dictionary<(string Measurement, string Field, string Tags), long> _seriesIds = [];
    private readonly TagSetKeys _tagSetKeys = new();
    private readonly RawRowInserter _rows;
    private readonly IReadOnlyList<RollupLevel> _rollups;
    private readonly long[] _levelMs;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _maintenance;
    private TaskCompletionSource? _disposal;

    public SqliteTimeSeriesStore(SqliteStoreOptions options, TimeProvider? timeProvider = null, ILogger<SqliteTimeSeriesStore>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _rollups = options.EffectiveRollups;
        _levelMs = [.. _rollups.Select(r => (long)r.Interval.TotalMilliseconds)];
        _connectionString = new SqliteConnectionStringBuilder { DataSource = options.DatabasePath, Pooling = true }.ToString();
        _writer = new SqliteConnection(_connectionString);
        _writer.Open();
        _writer.Execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;");
        SchemaMigrator.Apply(_writer, SqlDialect.Sqlite, TimeSeriesSchema.Steps, _time.GetUtcNow().ToUnixTimeMilliseconds());
        _rows = new RawRowInserter(_writer);
        _maintenance = options.MaintenanceInterval > TimeSpan.Zero ? Task.Run(MaintenanceLoopAsync) : Task.CompletedTask;
    }

    public async ValueTask WriteAsync(IEnumerable<Point> points, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(points);
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            using var tx = _writer.BeginTransaction();
            try
            {
                // The hot path: rows go out 64 at a time through one prepared multi-row statement, in one transaction.
                foreach (var point in points)
                {
                    point.Validate();
                    var ts = (point.Timestamp ?? _time.GetUtcNow()).ToUnixTimeMilliseconds();
                    var tags = _tagSetKeys.KeyOf(point.Tags);
                    foreach (var (field, value) in point.Fields)
                    {
                        if (value.AsNumber is { } number)
                        {
                            _rows.Add(SeriesId(tx, point.Measurement, field, tags), ts, number);
                        }
                    }
                }

                _rows.Flush();
                tx.Commit();
            }
            catch
            {
                _rows.Reset(); // the transaction rolls back on dispose; gathered rows must not leak into the next batch
                throw;
            }
        }
        finally
        {
            _writeGate.Release();
        }
    }

    public async Task<IReadOnlyList<SeriesPoint>> QuerySeriesAsync(SeriesQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        query.Validate();
        await using var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);

        var ids = MatchingSeries(connection, query);
        if (ids.Count == 0)
        {
            return [];
        }

        var from = query.From.ToUnixTimeMilliseconds();
        var to = query.To.ToUnixTimeMilliseconds();
        var interval = (long)query.Interval.TotalMilliseconds;
        var floors = ReadFloors(connection);
        var buckets = new SortedDictionary<long, Partial>();
        var idList = string.Join(",", ids.Select(i => i.ToString(CultureInfo.InvariantCulture)));

        // Raw covers [floor:raw, ∞); level k covers [floor:k, upper bound of the finer source).
        var upper = to;
        var rawFrom = Math.Max(from, floors[RawFloorKey]);
        if (rawFrom < upper)
        {
            Accumulate(connection, buckets, interval, $"SELECT ts, value, value, value, 1, value, ts FROM raw WHERE series_id IN ({idList}) AND ts >= @from AND ts < @to", rawFrom, upper);
        }

        upper = Math.Min(upper, floors[RawFloorKey]);
        for (var k = 0; k < _levelMs.Length && upper > from; k++)
        {
            var levelFloor = floors[LevelFloorKey(k)];
            var levelFrom = Math.Max(from, levelFloor);
            if (levelFrom < upper)
            {
                Accumulate(connection, buckets, interval, $"SELECT ts, mn, mx, sm, cnt, last, last_ts FROM rollup WHERE level_ms = {_levelMs[k]} AND series_id IN ({idList}) AND ts >= @from AND ts < @to", levelFrom, upper);
            }

            upper = Math.Min(upper, levelFloor);
        }

        var result = new List<SeriesPoint>(buckets.Count);
        foreach (var (bucket, p) in buckets)
        {
            var value = query.Aggregation switch
            {
                Aggregation.Mean => p.Sum / p.Count,
                Aggregation.Min => p.Min,
                Aggregation.Max => p.Max,
                Aggregation.Last => p.Last,
                _ => p.Count,
            };
            result.Add(new SeriesPoint(DateTimeOffset.FromUnixTimeMilliseconds(bucket), value));
        }

        return result;
    }

    /// <summary>
    /// One background step: roll complete buckets up level by level, then delete raw points and roll-ups older than their
    /// retention (never before the next level has them). Safe to call at any time; the background loop calls it every
    /// <see cref="SqliteStoreOptions.MaintenanceInterval"/>.
    /// </summary>
    public async Task RunMaintenanceAsync(CancellationToken cancellationToken = default)
    {
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
            using var tx = _writer.BeginTransaction();
            var watermarks = new long[_levelMs.Length];
            for (var k = 0; k < _levelMs.Length; k++)
            {
                var iv = _levelMs[k];
                var sourceComplete = k == 0 ? now : watermarks[k - 1];
                var end = FloorTo(sourceComplete, iv);
                var watermark = GetMeta(tx, WatermarkKey(k), long.MinValue);
                var redo = k == 0 ? (long)_options.LateArrivalWindow.TotalMilliseconds : iv;
                var start = watermark == long.MinValue ? long.MinValue : FloorTo(watermark - redo, iv);

                // Never re-roll a bucket whose source rows were already deleted: it would be rebuilt from a part of them.
                var sourceFloor = GetMeta(tx, k == 0 ? RawFloorKey : LevelFloorKey(k - 1), long.MinValue);
                if (sourceFloor != long.MinValue)
                {
                    start = Math.Max(start, FloorTo(sourceFloor + iv - 1, iv));
                }

                if (end > start)
                {
                    RollUp(tx, k, start, end);
                    SetMeta(tx, WatermarkKey(k), Math.Max(end, watermark));
                }

                watermarks[k] = Math.Max(end, watermark);
            }

            // Raw: expired and already rolled up into level 0 (or simply expired when there are no levels).
            var rawCutoff = now - (long)_options.RawRetention.TotalMilliseconds;
            var rawFloor = _levelMs.Length == 0 ? rawCutoff : Math.Min(FloorTo(rawCutoff, _levelMs[0]), watermarks[0]);
            if (rawFloor > GetMeta(tx, RawFloorKey, long.MinValue))
            {
                Execute(tx, "DELETE FROM raw WHERE ts < @floor", rawFloor);
                SetMeta(tx, RawFloorKey, rawFloor);
            }

            for (var k = 0; k < _levelMs.Length; k++)
            {
                var cutoff = now - (long)_rollups[k].Retention.TotalMilliseconds;
                var floor = k + 1 < _levelMs.Length ? Math.Min(FloorTo(cutoff, _levelMs[k + 1]), watermarks[k + 1]) : FloorTo(cutoff, _levelMs[k]);
                if (floor > GetMeta(tx, LevelFloorKey(k), long.MinValue))
                {
                    Execute(tx, $"DELETE FROM rollup WHERE level_ms = {_levelMs[k]} AND ts < @floor", floor);
                    SetMeta(tx, LevelFloorKey(k), floor);
                }
            }

            tx.Commit();
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>Stops the background step and closes the database. Safe to call more than once.</summary>
    /// <summary>Stops maintenance and closes the writer connection; a second caller waits for the first to finish.</summary>
    public async ValueTask DisposeAsync()
    {
        var mine = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (Interlocked.CompareExchange(ref _disposal, mine, null) is { } first)
        {
            await first.Task;
            return;
        }

        try
        {
            await _stopping.CancelAsync();
            await _maintenance;
            _rows.Dispose();
            await _writer.DisposeAsync();
            _writeGate.Dispose();
            _stopping.Dispose();
        }
        finally
        {
            mine.SetResult();
        }
    }

    private async Task MaintenanceLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_options.MaintenanceInterval, _time, _stopping.Token);
                await RunMaintenanceAsync(_stopping.Token);
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is SqliteException or IOException)
            {
                // Keep the loop alive: a locked or full disk now may be fine at the next step.
                _logger.LogError(ex, "SQLite time-series maintenance failed; retrying at the next interval.");
            }
        }
    }

    private void RollUp(SqliteTransaction tx, int level, long start, long end)
    {
        var iv = _levelMs[level];
        // Source rows as (series, ts, min, max, sum, count, last, last_ts): raw points are one-point partials.
        var source = level == 0
            ? "SELECT series_id, ts, value AS mn, value AS mx, value AS sm, 1 AS cnt, value AS last, ts AS last_ts FROM raw WHERE ts >= @start AND ts < @end"
            : $"SELECT series_id, ts, mn, mx, sm, cnt, last, last_ts FROM rollup WHERE level_ms = {_levelMs[level - 1]} AND ts >= @start AND ts < @end";
        tx.Connection!.Execute($"""
            INSERT OR REPLACE INTO rollup (series_id, level_ms, ts, mn, mx, sm, cnt, last, last_ts)
            SELECT series_id, {iv}, b, MIN(mn), MAX(mx), SUM(sm), SUM(cnt), MAX(lv), MAX(last_ts)
            FROM (SELECT series_id, mn, mx, sm, cnt, last_ts, (ts - (ts % {iv}) - (CASE WHEN ts % {iv} < 0 THEN {iv} ELSE 0 END)) AS b,
                         LAST_VALUE(last) OVER (PARTITION BY series_id, (ts - (ts % {iv}) - (CASE WHEN ts % {iv} < 0 THEN {iv} ELSE 0 END))
                                                ORDER BY last_ts ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS lv
                  FROM ({source}))
            GROUP BY series_id, b
            """, new { start, end }, tx);
    }

    private static void Accumulate(SqliteConnection connection, SortedDictionary<long, Partial> buckets, long interval, string sql, long from, long to)
    {
        foreach (var row in connection.Query<(long Ts, double Min, double Max, double Sum, long Count, double Last, long LastTs)>(sql, new { from, to }))
        {
            var bucket = FloorTo(row.Ts, interval);
            var partial = new Partial(row.Min, row.Max, row.Sum, row.Count, row.Last, row.LastTs);
            buckets[bucket] = buckets.TryGetValue(bucket, out var existing) ? existing.Merge(partial) : partial;
        }
    }

    private static List<long> MatchingSeries(SqliteConnection connection, SeriesQuery query)
    {
        var ids = new List<long>();
        foreach (var (id, tagsJson) in connection.Query<(long, string)>("SELECT id, tags FROM series WHERE measurement = @Measurement AND field = @Field", new { query.Measurement, query.Field }))
        {
            var tags = JsonSerializer.Deserialize<string[][]>(tagsJson) ?? [];
            if (query.Matches(tags.Where(t => t.Length == 2).Select(t => (t[0], t[1]))))
            {
                ids.Add(id);
            }
        }

        return ids;
    }

    private Dictionary<string, long> ReadFloors(SqliteConnection connection)
    {
        var floors = new Dictionary<string, long>(StringComparer.Ordinal) { [RawFloorKey] = long.MinValue };
        for (var k = 0; k < _levelMs.Length; k++)
        {
            floors[LevelFloorKey(k)] = long.MinValue;
        }

        foreach (var (key, value) in connection.Query<(string, long)>("SELECT key, value FROM meta WHERE key LIKE 'floor:%'"))
        {
            if (floors.ContainsKey(key))
            {
                floors[key] = value;
            }
        }

        return floors;
    }

    private long SeriesId(SqliteTransaction tx, string measurement, string field, string tags)
    {
        var key = (measurement, field, tags);
        if (_seriesIds.TryGetValue(key, out var id))
        {
            return id;
        }

        id = _writer.ExecuteScalar<long>("""
            INSERT INTO series (measurement, field, tags) VALUES (@measurement, @field, @tags) ON CONFLICT DO NOTHING;
            SELECT id FROM series WHERE measurement = @measurement AND field = @field AND tags = @tags;
            """, new { measurement, field, tags }, tx);
        _seriesIds[key] = id;
        return id;
    }

    private static long FloorTo(long ms, long interval)
    {
        var r = ms % interval;
        return r < 0 ? ms - r - interval : ms - r;
    }

    private static string WatermarkKey(int level) => "watermark:" + level.ToString(CultureInfo.InvariantCulture);

    private string LevelFloorKey(int level) => "floor:" + _levelMs[level].ToString(CultureInfo.InvariantCulture);

    private static long GetMeta(SqliteTransaction tx, string key, long fallback) =>
        tx.Connection!.ExecuteScalar<long?>("SELECT value FROM meta WHERE key = @key", new { key }, tx) ?? fallback;

    private static void SetMeta(SqliteTransaction tx, string key, long value) =>
        tx.Connection!.Execute("INSERT OR REPLACE INTO meta (key, value) VALUES (@key, @value)", new { key, value }, tx);

    private static void Execute(SqliteTransaction tx, string sql, long floor) => tx.Connection!.Execute(sql, new { floor }, tx);

    private readonly record struct Partial(double Min, double Max, double Sum, long Count, double Last, long LastTs)
    {
        public Partial Merge(Partial other) => new(
            Math.Min(Min, other.Min),
            Math.Max(Max, other.Max),
            Sum + other.Sum,
            Count + other.Count,
            other.LastTs >= LastTs ? other.Last : Last,
            Math.Max(LastTs, other.LastTs));
    }
}
