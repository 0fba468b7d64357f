using SmartCommunity.TimeSeries.Points;
using SmartCommunity.TimeSeries.Querying;
using SmartCommunity.TimeSeries.Storage;
using SmartCommunity.TimeSeries.Tests.Support;
using SmartCommunity.TimeSeries.Writing;

namespace SmartCommunity.TimeSeries.Tests.Integration;

/// <summary>The two stores give the same answers to the same chart queries: callers need not care which is behind.</summary>
public sealed class StoreContractTests : IClassFixture<InfluxServerFixture>, IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 3, 8, 0, 0, TimeSpan.Zero);
    private readonly InfluxServerFixture _fixture;
    private readonly TempDirectory _temp = new();

    public StoreContractTests(InfluxServerFixture fixture) => _fixture = fixture;

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task InfluxAndSqliteStoresAnswerTheSameChartQueriesAlike()
    {
        await _fixture.Server.CreateDatabaseAsync("contract");
        var options = RealInfluxTests.Options(_fixture.Server.Url, "contract", _temp.Sub("spool"));
        using var reader = new InfluxQueryClient(options);
        await using var writer = new InfluxWriter(options);
        var influx = new InfluxTimeSeriesStore(writer, reader);
        await using var sqlite = new SqliteTimeSeriesStore(new SqliteStoreOptions { DatabasePath = _temp.Sub("ts.db"), MaintenanceInterval = TimeSpan.Zero });

        var points = new List<Point>();
        for (var i = 0; i < 600; i++)
        {
            var station = i % 3 == 0 ? "北门" : "south gate";
            points.Add(new Point("water_level").Tag("station", station).Tag("area", "a,1").Field("metres", Math.Round(Math.Sin(i / 20.0) * 3, 3)).At(T0.AddSeconds(i * 7)));
        }

        await influx.WriteAsync(points);
        await sqlite.WriteAsync(points);
        await writer.FlushAsync();
        await Eventually.TrueAsync(() => writer.GetCounters().PointsWritten == points.Count, because: "InfluxDB has every point");

        foreach (var aggregation in Enum.GetValues<Aggregation>())
        {
            var plain = new SeriesQuery("water_level", "metres", T0.AddMinutes(3), T0.AddMinutes(50), TimeSpan.FromMinutes(5), aggregation);
            SeriesQuery[] queries =
            [
                plain,
                plain with { Tags = new Dictionary<string, string> { ["station"] = "北门" } },
                plain with { Tags = new Dictionary<string, string> { ["station"] = "south gate", ["area"] = "a,1" } },
                // A set of tag values (a cell's subtree in the gateway): any of them, merged.
                plain with { TagIn = new Dictionary<string, IReadOnlyCollection<string>> { ["station"] = ["北门", "no such station"] } },
                plain with { Tags = new Dictionary<string, string> { ["area"] = "a,1" }, TagIn = new Dictionary<string, IReadOnlyCollection<string>> { ["station"] = ["北门", "south gate"] } },
            ];
            foreach (var query in queries)
            {
                var fromInflux = await influx.QuerySeriesAsync(query);
                var fromSqlite = await sqlite.QuerySeriesAsync(query);
                Assert.NotEmpty(fromSqlite);
                Assert.Equal(fromInflux.Select(p => p.Time), fromSqlite.Select(p => p.Time));
                for (var i = 0; i < fromInflux.Count; i++)
                {
                    Assert.Equal(fromInflux[i].Value, fromSqlite[i].Value, 9);
                }
            }
        }
    }

    [Fact]
    public async Task ATagFilterOnNoValuesMatchesNothingInBothStores()
    {
        var options = RealInfluxTests.Options(_fixture.Server.Url, "contract-empty", _temp.Sub("spool-empty"));
        using var reader = new InfluxQueryClient(options);
        await using var writer = new InfluxWriter(options);
        var influx = new InfluxTimeSeriesStore(writer, reader);
        await using var sqlite = new SqliteTimeSeriesStore(new SqliteStoreOptions { DatabasePath = _temp.Sub("empty.db"), MaintenanceInterval = TimeSpan.Zero });
        await sqlite.WriteAsync([new Point("water_level").Tag("station", "北门").Field("metres", 1.0).At(T0)]);
        var query = new SeriesQuery("water_level", "metres", T0.AddMinutes(-1), T0.AddMinutes(1), TimeSpan.FromMinutes(1))
        {
            TagIn = new Dictionary<string, IReadOnlyCollection<string>> { ["station"] = [] },
        };

        Assert.Empty(await influx.QuerySeriesAsync(query)); // answered without asking InfluxDB: InfluxQL has no empty OR
        Assert.Empty(await sqlite.QuerySeriesAsync(query));
        Assert.Throws<ArgumentException>(() => InfluxTimeSeriesStore.BuildQuery(query with
        {
            TagIn = new Dictionary<string, IReadOnlyCollection<string>> { ["station"] = [.. Enumerable.Range(0, SeriesQuery.MaxTagValues + 1).Select(i => $"s{i}")] },
        }));
    }

    [Fact]
    public void TheInfluxQueryListsATagSetAsQuotedAlternatives()
    {
        var q = new SeriesQuery("m", "f", DateTimeOffset.FromUnixTimeMilliseconds(0), DateTimeOffset.FromUnixTimeMilliseconds(60_000), TimeSpan.FromMinutes(1))
        {
            Tags = new Dictionary<string, string> { ["kind"] = "camera" },
            TagIn = new Dictionary<string, IReadOnlyCollection<string>> { ["cell"] = ["b-b", "it's"] },
        };
        Assert.Equal(
            "SELECT mean(\"f\") FROM \"m\" WHERE \"kind\" = 'camera' AND (\"cell\" = 'b-b' OR \"cell\" = 'it\\'s') AND time >= 0ms AND time < 60000ms GROUP BY time(60000ms) fill(none)",
            InfluxTimeSeriesStore.BuildQuery(q));
    }

    [Fact]
    public void TheInfluxQueryQuotesNamesAndUsesEpochMilliseconds()
    {
        var q = new SeriesQuery("水 \"m\"", "f'x", DateTimeOffset.FromUnixTimeMilliseconds(1000), DateTimeOffset.FromUnixTimeMilliseconds(61_000), TimeSpan.FromSeconds(30), Aggregation.Max)
        {
            Tags = new Dictionary<string, string> { ["b"] = "it's", ["a"] = "x\\y" },
        };
        Assert.Equal(
            "SELECT max(\"f'x\") FROM \"水 \\\"m\\\"\" WHERE \"a\" = 'x\\\\y' AND \"b\" = 'it\\'s' AND time >= 1000ms AND time < 61000ms GROUP BY time(30000ms) fill(none)",
            InfluxTimeSeriesStore.BuildQuery(q));
    }
}
