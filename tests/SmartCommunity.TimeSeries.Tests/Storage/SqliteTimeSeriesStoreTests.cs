using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using SmartCommunity.TimeSeries.Points;
using SmartCommunity.TimeSeries.Storage;
using SmartCommunity.TimeSeries.Tests.Support;

namespace SmartCommunity.TimeSeries.Tests.Storage;

public sealed class SqliteTimeSeriesStoreTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 20, 0, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _temp = new();
    private readonly FakeTimeProvider _time = new(T0);

    public void Dispose() => _temp.Dispose();

    private SqliteStoreOptions Options(Action<SqliteStoreOptions>? tweak = null)
    {
        var o = new SqliteStoreOptions { DatabasePath = _temp.Sub("ts.db"), MaintenanceInterval = TimeSpan.Zero };
        tweak?.Invoke(o);
        return o;
    }

    private static Point Level(DateTimeOffset at, double value, string station = "north") =>
        new Point("water_level").Tag("station", station).Field("metres", value).At(at);

    private static SeriesQuery Query(DateTimeOffset from, DateTimeOffset to, TimeSpan interval, Aggregation aggregation, string? station = "north") =>
        new("water_level", "metres", from, to, interval, aggregation)
        {
            Tags = station is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["station"] = station },
        };

    private long Count(string sql)
    {
        using var c = new SqliteConnection($"Data Source={_temp.Sub("ts.db")}");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return (long)cmd.ExecuteScalar()!;
    }

    [Theory]
    [InlineData(Aggregation.Mean, 2.5, 8.5)]
    [InlineData(Aggregation.Min, 0, 6)]
    [InlineData(Aggregation.Max, 5, 11)]
    [InlineData(Aggregation.Last, 5, 11)]
    [InlineData(Aggregation.Count, 6, 6)]
    public async Task PointsAreReadBackInEpochAlignedBucketsWithEachAggregation(Aggregation aggregation, double first, double second)
    {
        await using var store = new SqliteTimeSeriesStore(Options(), _time);
        await store.WriteAsync(Enumerable.Range(0, 12).Select(i => Level(T0.AddSeconds(i * 10), i)));

        var series = await store.QuerySeriesAsync(Query(T0, T0.AddMinutes(5), TimeSpan.FromMinutes(1), aggregation));
        Assert.Equal([new SeriesPoint(T0, first), new SeriesPoint(T0.AddMinutes(1), second)], series);
    }

    [Fact]
    public async Task TagsSelectASeriesAndNoTagsMergeThemAll()
    {
        await using var store = new SqliteTimeSeriesStore(Options(), _time);
        await store.WriteAsync([Level(T0, 1, "north"), Level(T0.AddSeconds(1), 3, "south"), Level(T0.AddSeconds(2), 5, "north")]);

        var north = await store.QuerySeriesAsync(Query(T0, T0.AddHours(1), TimeSpan.FromHours(1), Aggregation.Mean));
        var all = await store.QuerySeriesAsync(Query(T0, T0.AddHours(1), TimeSpan.FromHours(1), Aggregation.Mean, station: null));
        var none = await store.QuerySeriesAsync(Query(T0, T0.AddHours(1), TimeSpan.FromHours(1), Aggregation.Mean, station: "east"));

        Assert.Equal(3, Assert.Single(north).Value);
        Assert.Equal(3, Assert.Single(all).Value);
        Assert.Equal(3, (await store.QuerySeriesAsync(Query(T0, T0.AddHours(1), TimeSpan.FromHours(1), Aggregation.Count, station: null)))[0].Value);
        Assert.Empty(none);
    }

    [Fact]
    public async Task ThesameSeriesAndTimestampOverwritesAsInInflux()
    {
        await using var store = new SqliteTimeSeriesStore(Options(), _time);
        await store.WriteAsync([Level(T0, 1)]);
        await store.WriteAsync([Level(T0, 7)]);
        var s = await store.QuerySeriesAsync(Query(T0, T0.AddMinutes(1), TimeSpan.FromMinutes(1), Aggregation.Count));
        Assert.Equal(1, Assert.Single(s).Value);
        Assert.Equal(7, (await store.QuerySeriesAsync(Query(T0, T0.AddMinutes(1), TimeSpan.FromMinutes(1), Aggregation.Last)))[0].Value);
    }

    [Fact]
    public async Task ABatchLargerThanOneMultiRowStatementKeepsEveryRowAndItsOrder()
    {
        // Rows leave in groups of RawRowInserter.RowsPerStatement and a tail one at a time; a repeat of a series and
        // timestamp later in the same batch must still win, as it does across batches.
        var rows = RawRowInserter.RowsPerStatement * 3 + 7;
        await using var store = new SqliteTimeSeriesStore(Options(), _time);
        var points = Enumerable.Range(0, rows).Select(i => Level(T0.AddSeconds(i), i)).ToList();
        points.Add(Level(T0, 1_000)); // the same series and second as the first point: lands in the tail
        points.Insert(10, Level(T0.AddSeconds(rows - 1), -5)); // a repeat of the last point that comes before it
        await store.WriteAsync(points);

        var count = await store.QuerySeriesAsync(Query(T0, T0.AddHours(1), TimeSpan.FromHours(1), Aggregation.Count));
        Assert.Equal(rows, Assert.Single(count).Value);
        var sum = await store.QuerySeriesAsync(Query(T0, T0.AddHours(1), TimeSpan.FromHours(1), Aggregation.Mean));
        var expected = (Enumerable.Range(1, rows - 1).Sum() + 1_000.0) / rows;
        Assert.Equal(expected, Assert.Single(sum).Value, 9);
        Assert.Equal(rows, Count("SELECT COUNT(*) FROM raw"));
    }

    [Fact]
    public async Task BooleansAndIntegersAreNumbersAndStringsAreNotStored()
    {
        await using var store = new SqliteTimeSeriesStore(Options(), _time);
        await store.WriteAsync([new Point("door").Tag("unit", "门1").Field("open", true).Field("count", 3L).Field("note", "text").At(T0)]);
        var q = new SeriesQuery("door", "open", T0, T0.AddMinutes(1), TimeSpan.FromMinutes(1), Aggregation.Max) { Tags = new Dictionary<string, string> { ["unit"] = "门1" } };
        Assert.Equal(1, Assert.Single(await store.QuerySeriesAsync(q)).Value);
        Assert.Equal(3, Assert.Single(await store.QuerySeriesAsync(q with { Field = "count" })).Value);
        Assert.Empty(await store.QuerySeriesAsync(q with { Field = "note" }));
    }

    [Fact]
    public async Task HostileNamesAreStoredAndFoundVerbatim()
    {
        const string M = "水位 ,=\"'\\x";
        const string K = "站 k,=\"'[]";
        const string V = "北门 \"'],[\"x";
        await using var store = new SqliteTimeSeriesStore(Options(), _time);
        await store.WriteAsync([new Point(M).Tag(K, V).Field("f ,=\"'", 2.5).At(T0)]);
        var q = new SeriesQuery(M, "f ,=\"'", T0, T0.AddMinutes(1), TimeSpan.FromMinutes(1)) { Tags = new Dictionary<string, string> { [K] = V } };
        Assert.Equal(2.5, Assert.Single(await store.QuerySeriesAsync(q)).Value);
    }

    [Fact]
    public async Task OldDataIsRolledUpThenExpiredWhileQueriesKeepAnswering()
    {
        var options = Options(o =>
        {
            o.RawRetention = TimeSpan.FromHours(1);
            o.Rollups = [new RollupLevel(TimeSpan.FromMinutes(1), TimeSpan.FromDays(1)), new RollupLevel(TimeSpan.FromHours(1), TimeSpan.FromDays(30))];
        });
        await using var store = new SqliteTimeSeriesStore(options, _time);

        // Three hours of a sawtooth every 10 s.
        static double Value(int i) => i % 37;
        var points = Enumerable.Range(0, 3 * 360).Select(i => Level(T0.AddSeconds(i * 10), Value(i))).ToList();
        await store.WriteAsync(points);
        _time.SetUtcNow(T0.AddHours(3));
        await store.RunMaintenanceAsync();

        Assert.Equal(0, Count($"SELECT COUNT(*) FROM raw WHERE ts < {T0.AddHours(2).ToUnixTimeMilliseconds()}"));
        Assert.Equal(360, Count("SELECT COUNT(*) FROM raw"));
        await AssertMatchesAsync(store, points, TimeSpan.FromMinutes(1));
        await AssertMatchesAsync(store, points, TimeSpan.FromMinutes(15));

        // Two days later only the hourly roll-ups remain of these points, and they still answer hourly charts.
        _time.SetUtcNow(T0.AddDays(2).AddHours(3));
        await store.RunMaintenanceAsync();
        Assert.Equal(0, Count("SELECT COUNT(*) FROM raw"));
        Assert.Equal(0, Count("SELECT COUNT(*) FROM rollup WHERE level_ms = 60000"));
        Assert.Equal(3, Count("SELECT COUNT(*) FROM rollup WHERE level_ms = 3600000"));
        await AssertMatchesAsync(store, points, TimeSpan.FromHours(1));

        // And after the last retention, nothing.
        _time.SetUtcNow(T0.AddDays(40));
        await store.RunMaintenanceAsync();
        Assert.Empty(await store.QuerySeriesAsync(Query(T0, T0.AddHours(3), TimeSpan.FromHours(1), Aggregation.Mean)));
    }

    private static async Task AssertMatchesAsync(SqliteTimeSeriesStore store, List<Point> points, TimeSpan interval)
    {
        var from = points[0].Timestamp!.Value;
        var to = points[^1].Timestamp!.Value.AddSeconds(1);
        var groups = points.GroupBy(p => p.Timestamp!.Value.ToUnixTimeMilliseconds() / (long)interval.TotalMilliseconds).ToList();
        foreach (var aggregation in Enum.GetValues<Aggregation>())
        {
            var actual = await store.QuerySeriesAsync(Query(from, to, interval, aggregation));
            var expected = groups.Select(g =>
            {
                var values = g.Select(p => p.Fields[0].Value.AsDouble).ToList();
                var v = aggregation switch
                {
                    Aggregation.Mean => values.Average(),
                    Aggregation.Min => values.Min(),
                    Aggregation.Max => values.Max(),
                    Aggregation.Last => values[^1],
                    _ => values.Count,
                };
                return new SeriesPoint(DateTimeOffset.FromUnixTimeMilliseconds(g.Key * (long)interval.TotalMilliseconds), v);
            }).ToList();
            Assert.Equal(expected.Count, actual.Count);
            for (var i = 0; i < expected.Count; i++)
            {
                Assert.Equal(expected[i].Time, actual[i].Time);
                Assert.Equal(expected[i].Value, actual[i].Value, 9);
            }
        }
    }

    [Fact]
    public async Task PointsArrivingLateWithinTheWindowStillReachTheRollups()
    {
        var options = Options(o => { o.RawRetention = TimeSpan.FromMinutes(10); o.LateArrivalWindow = TimeSpan.FromMinutes(5); });
        await using var store = new SqliteTimeSeriesStore(options, _time);
        await store.WriteAsync([Level(T0.AddSeconds(5), 10)]);
        _time.SetUtcNow(T0.AddMinutes(2));
        await store.RunMaintenanceAsync();                       // minute 0 rolled up with one point
        await store.WriteAsync([Level(T0.AddSeconds(30), 20)]);   // arrives late for minute 0
        _time.SetUtcNow(T0.AddMinutes(3));
        await store.RunMaintenanceAsync();
        _time.SetUtcNow(T0.AddMinutes(30));                      // raw for minute 0 is gone now
        await store.RunMaintenanceAsync();

        Assert.Equal(0, Count("SELECT COUNT(*) FROM raw"));
        var mean = await store.QuerySeriesAsync(Query(T0, T0.AddMinutes(1), TimeSpan.FromMinutes(1), Aggregation.Mean));
        Assert.Equal(15, Assert.Single(mean).Value);
    }

    [Fact]
    public async Task TheBackgroundStepRunsOnTheTimeProvidersClock()
    {
        var options = Options(o => { o.RawRetention = TimeSpan.FromHours(1); o.MaintenanceInterval = TimeSpan.FromMinutes(1); });
        await using var store = new SqliteTimeSeriesStore(options, _time);
        await store.WriteAsync([Level(T0, 1), Level(T0.AddHours(2), 2)]);
        _time.SetUtcNow(T0.AddHours(3));
        Assert.Equal(2, Count("SELECT COUNT(*) FROM raw"));

        await Eventually.TrueAsync(() =>
        {
            _time.Advance(TimeSpan.FromMinutes(1));
            return Count("SELECT COUNT(*) FROM raw") == 0;
        }, because: "the background step expires raw points");
        Assert.Equal(2, Count("SELECT COUNT(*) FROM rollup WHERE level_ms = 60000"));
    }

    [Fact]
    public async Task DataSurvivesReopeningTheFile()
    {
        await using (var store = new SqliteTimeSeriesStore(Options(), _time))
        {
            await store.WriteAsync([Level(T0, 4)]);
        }

        await using (var store = new SqliteTimeSeriesStore(Options(), _time))
        {
            await store.WriteAsync([Level(T0.AddSeconds(1), 6)]);
            Assert.Equal(5, Assert.Single(await store.QuerySeriesAsync(Query(T0, T0.AddMinutes(1), TimeSpan.FromMinutes(1), Aggregation.Mean))).Value);
        }

        Assert.Equal(1, Count("SELECT COUNT(*) FROM series"));
    }

    [Fact]
    public void InvalidOptionsAreReportedTogether()
    {
        var o = new SqliteStoreOptions { RawRetention = TimeSpan.Zero };
        o.Rollups = [.. SqliteStoreOptions.DefaultRollups, new RollupLevel(TimeSpan.FromMinutes(90), TimeSpan.FromDays(1))];
        var ex = Assert.Throws<InvalidOperationException>(o.Validate);
        Assert.Contains("DatabasePath", ex.Message, StringComparison.Ordinal);
        Assert.Contains("RawRetention", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Rollup 2", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutRollupsRawPointsAreSimplyExpired()
    {
        await using var store = new SqliteTimeSeriesStore(Options(o => { o.Rollups = []; o.RawRetention = TimeSpan.FromHours(1); }), _time);
        await store.WriteAsync([Level(T0, 1), Level(T0.AddHours(2), 2)]);
        _time.SetUtcNow(T0.AddHours(2.5));
        await store.RunMaintenanceAsync();
        var all = await store.QuerySeriesAsync(Query(T0, T0.AddHours(3), TimeSpan.FromHours(1), Aggregation.Count));
        Assert.Equal([new SeriesPoint(T0.AddHours(2), 1)], all);
        Assert.Equal(0, Count("SELECT COUNT(*) FROM rollup"));
    }

    [Fact]
    public async Task BadQueriesAreRefused()
    {
        await using var store = new SqliteTimeSeriesStore(Options(), _time);
        await Assert.ThrowsAsync<ArgumentException>(() => store.QuerySeriesAsync(Query(T0, T0, TimeSpan.FromMinutes(1), Aggregation.Mean)));
        await Assert.ThrowsAsync<ArgumentException>(() => store.QuerySeriesAsync(Query(T0, T0.AddHours(1), TimeSpan.Zero, Aggregation.Mean)));
        await Assert.ThrowsAsync<ArgumentException>(async () => await store.WriteAsync([new Point("m")]));
    }
}
