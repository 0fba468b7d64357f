using System.Globalization;
using SmartCommunity.TimeSeries.Hosting;
using SmartCommunity.TimeSeries.Points;
using SmartCommunity.TimeSeries.Querying;
using SmartCommunity.TimeSeries.Tests.Support;
using SmartCommunity.TimeSeries.Writing;

namespace SmartCommunity.TimeSeries.Tests.Integration;

/// <summary>Writer and reader against a real InfluxDB 1.6.7 started by the tests (Debian package <c>influxdb</c>).</summary>
public sealed class RealInfluxTests : IClassFixture<InfluxServerFixture>, IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly InfluxServerFixture _fixture;
    private readonly TempDirectory _temp = new();

    public RealInfluxTests(InfluxServerFixture fixture) => _fixture = fixture;

    public void Dispose() => _temp.Dispose();

    internal static InfluxOptions Options(Uri url, string database, string spool, Action<InfluxOptions>? tweak = null)
    {
        var o = new InfluxOptions
        {
            ServerUrl = url,
            Database = database,
            SpoolDirectory = spool,
            BatchSize = 500,
            FlushInterval = TimeSpan.FromMilliseconds(50),
            RetryInitialDelay = TimeSpan.FromMilliseconds(50),
            RetryMaxDelay = TimeSpan.FromMilliseconds(300),
            RequestTimeout = TimeSpan.FromSeconds(5),
        };
        tweak?.Invoke(o);
        return o;
    }

    private async Task<(InfluxOptions Options, InfluxQueryClient Reader)> DatabaseAsync(string name)
    {
        await _fixture.Server.CreateDatabaseAsync(name);
        var options = Options(_fixture.Server.Url, name, _temp.Sub("spool-" + name));
        return (options, new InfluxQueryClient(options));
    }

    [Fact]
    public async Task PointsWrittenAreReadBackByTheReader()
    {
        var (options, reader) = await DatabaseAsync("readback");
        using var _ = reader;
        await using (var writer = new InfluxWriter(options))
        {
            for (var i = 0; i < 1200; i++)
            {
                writer.TryWrite(new Point("water_level").Tag("station", i % 2 == 0 ? "north" : "south").Field("metres", i / 100.0).Field("seq", i).At(T0.AddSeconds(i)));
            }

            await Eventually.TrueAsync(() => writer.GetCounters().PointsWritten == 1200, because: "all points are acknowledged");
        }

        var count = await reader.QueryAsync("SELECT count(\"seq\") FROM \"water_level\" GROUP BY \"station\"");
        Assert.Equal(2, count.Series.Count);
        Assert.All(count.Series, s => Assert.Equal(600L, s.Values[0][1]));

        var north = Assert.Single((await reader.QueryAsync("SELECT \"metres\", \"seq\" FROM \"water_level\" WHERE \"station\" = 'north' AND time >= '2026-11-01T00:00:00Z' ORDER BY time LIMIT 3")).Series);
        Assert.Equal(["time", "metres", "seq"], north.Columns);
        Assert.Equal(T0, north.TimeAt(0));
        Assert.Equal(T0.AddSeconds(2), north.TimeAt(1));
        Assert.Equal(0.02, north.NumberAt(1, "metres"));
        Assert.Equal(4L, north.Values[2][2]);
    }

    [Fact]
    public async Task HostileNamesAndValuesRoundTripThroughRealInflux()
    {
        var (options, reader) = await DatabaseAsync("hostile");
        using var _ = reader;
        const string Measurement = "水位 m,=\"'x";
        const string TagKey = "站 k,=\"'";
        const string TagValue = "北门 v,= \"'\\x";
        const string FieldKey = "f k,=\"'备注";
        const string Text = "say \"hi\"\\ and 'bye'\nsecond line, 中文";
        var huge = new string('水', 20_000);
        await using (var writer = new InfluxWriter(options))
        {
            writer.TryWrite(new Point(Measurement).Tag(TagKey, TagValue).Field(FieldKey, Text).Field("big", 1e300).Field("tiny", 5e-324).Field("tenth", 0.1).Field("neg", long.MinValue).Field("on", true).Field("huge", huge).At(T0));
            await Eventually.TrueAsync(() => writer.GetCounters().PointsWritten == 1, because: "the point is acknowledged");
        }

        var q = $"SELECT * FROM {InfluxQueryClient.QuoteIdentifier(Measurement)} WHERE {InfluxQueryClient.QuoteIdentifier(TagKey)} = {InfluxQueryClient.QuoteString(TagValue)}";
        var s = Assert.Single((await reader.QueryAsync(q)).Series);
        Assert.Equal(Measurement, s.Name);
        var row = Assert.Single(s.Values);
        Assert.Equal(TagValue, row[s.ColumnIndex(TagKey)]);
        Assert.Equal(Text, row[s.ColumnIndex(FieldKey)]);
        Assert.Equal(1e300, s.NumberAt(0, "big"));
        Assert.Equal(5e-324, s.NumberAt(0, "tiny"));
        Assert.Equal(0.1, s.NumberAt(0, "tenth"));
        Assert.Equal(long.MinValue, row[s.ColumnIndex("neg")]);
        Assert.Equal(true, row[s.ColumnIndex("on")]);
        Assert.Equal(huge, row[s.ColumnIndex("huge")]);
    }

    [Fact]
    public async Task APartialWriteDropsOnlyTheBadPointsAndKeepsTheRest()
    {
        var (options, reader) = await DatabaseAsync("partial");
        using var _ = reader;
        options.BatchSize = 10;
        options.FlushInterval = TimeSpan.FromHours(1);
        await using (var writer = new InfluxWriter(options))
        {
            writer.TryWrite(new Point("level").Field("v", 1.5).At(T0));
            await writer.FlushAsync();
            Assert.Equal(1, writer.GetCounters().PointsWritten);

            // One batch of 10 in which 3 points send "v" as an integer: a field type conflict for InfluxDB.
            for (var i = 1; i <= 10; i++)
            {
                var p = new Point("level").At(T0.AddSeconds(i));
                writer.TryWrite(i % 3 == 0 ? p.Field("v", (long)i) : p.Field("v", i + 0.5));
            }

            await writer.FlushAsync();
            var c = writer.GetCounters();
            Assert.Equal(8, c.PointsWritten);
            Assert.Equal(3, c.DroppedRejected);
            Assert.Equal(0, c.SpoolPoints);
            Assert.Contains("field type conflict", c.LastError, StringComparison.Ordinal);
        }

        var count = Assert.Single((await reader.QueryAsync("SELECT count(\"v\") FROM \"level\"")).Series);
        Assert.Equal(8L, count.Values[0][1]);
    }

    [Fact]
    public async Task AMissingDatabaseIsAConfigErrorAndThePointsWaitInTheSpoolUntilItExists()
    {
        var options = Options(_fixture.Server.Url, "created_later", _temp.Sub("spool-later"));
        using var reader = new InfluxQueryClient(options);
        await using var writer = new InfluxWriter(options);
        for (var i = 0; i < 20; i++)
        {
            writer.TryWrite(new Point("m", Durability.Durable).Field("v", i).At(T0.AddSeconds(i)));
        }

        await Eventually.TrueAsync(() => writer.GetCounters() is { ConfigErrors: > 0, SpoolPoints: 20 }, because: "InfluxDB answers 404 and the points are spooled");
        Assert.Contains("database not found", writer.GetCounters().LastError, StringComparison.Ordinal);

        await _fixture.Server.CreateDatabaseAsync("created_later");
        await Eventually.TrueAsync(() => writer.GetCounters().PointsWritten == 20, because: "the spool is replayed once the database exists");
        var count = Assert.Single((await reader.QueryAsync("SELECT count(\"v\") FROM \"m\"")).Series);
        Assert.Equal(20L, count.Values[0][1]);
    }

    [Fact]
    public async Task QueryErrorsAreReportedWithInfluxsMessage()
    {
        var (_, reader) = await DatabaseAsync("errors");
        using var _ = reader;
        var syntax = await Assert.ThrowsAsync<InfluxQueryException>(() => reader.QueryAsync("SELEKT nonsense"));
        Assert.Contains("error parsing query", syntax.Message, StringComparison.Ordinal);
        Assert.Equal(400, syntax.StatusCode);

        using var missing = new InfluxQueryClient(Options(_fixture.Server.Url, "no_such_db", _temp.Sub("x")));
        var notFound = await Assert.ThrowsAsync<InfluxQueryException>(() => missing.QueryAsync("SELECT * FROM m"));
        Assert.Contains("database not found", notFound.Message, StringComparison.Ordinal);

        using var down = new InfluxQueryClient(Options(new Uri("http://127.0.0.1:1/"), "x", _temp.Sub("y")));
        var unreachable = await Assert.ThrowsAsync<InfluxQueryException>(() => down.QueryAsync("SELECT * FROM m"));
        Assert.Null(unreachable.StatusCode);
        Assert.Contains("unreachable", unreachable.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StatementsThatChangeThingsArePosted()
    {
        var (_, reader) = await DatabaseAsync("posted");
        using var _ = reader;
        await reader.QueryAsync("CREATE RETENTION POLICY \"week\" ON \"posted\" DURATION 7d REPLICATION 1", usePost: true);
        var policies = Assert.Single((await reader.QueryAsync("SHOW RETENTION POLICIES")).Series);
        Assert.Contains(policies.Values, row => (string?)row[0] == "week");
    }
}

/// <summary>Outages: each test has its own influxd, stopped and restarted on the same folders and port.</summary>
public sealed class RealInfluxOutageTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 2, 0, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static Point P(int i) =>
        new Point("flow", i % 10 == 0 ? Durability.Durable : Durability.Telemetry).Tag("station", "s" + (i % 3).ToString(CultureInfo.InvariantCulture)).Field("seq", i).Field("value", i * 0.25).At(T0.AddMilliseconds(i * 10));

    private static async Task AssertEveryPointOnceAsync(InfluxQueryClient reader, int total)
    {
        var result = await reader.QueryAsync("SELECT count(\"seq\"), sum(\"seq\"), sum(\"value\") FROM \"flow\"");
        var s = Assert.Single(result.Series);
        Assert.Equal((long)total, s.Values[0][1]);
        Assert.Equal((long)total * (total - 1) / 2, s.Values[0][2]);
        Assert.Equal(total * (total - 1) / 2 * 0.25, s.NumberAt(0, "sum_1")!.Value, 6);
    }

    [Fact]
    public async Task WhenInfluxIsStoppedMidStreamEveryPointArrivesExactlyOnce()
    {
        await using var server = await InfluxDbProcess.StartAsync(_temp.Sub("influx"));
        await server.CreateDatabaseAsync("outage");
        var options = RealInfluxTests.Options(server.Url, "outage", _temp.Sub("spool"), o => o.BatchSize = 200);
        var counter = new AcknowledgedLinesCounter();
        using var reader = new InfluxQueryClient(options);
        const int Total = 6000;
        await using (var writer = new InfluxWriter(options, new HttpClient(counter)))
        {
            for (var i = 0; i < 2000; i++)
            {
                writer.TryWrite(P(i));
            }

            await Eventually.TrueAsync(() => writer.GetCounters().PointsWritten >= 1000, because: "the first points are stored");
            await server.StopAsync();

            for (var i = 2000; i < 4000; i++)
            {
                writer.TryWrite(P(i));
            }

            await Eventually.TrueAsync(() => writer.GetCounters() is { Retries: >= 2, SpoolPoints: > 0 }, because: "the writer notices the outage and spools");
            await server.StartAsync();

            for (var i = 4000; i < Total; i++)
            {
                writer.TryWrite(P(i));
            }

            await Eventually.TrueAsync(() => writer.GetCounters().PointsWritten == Total, TimeSpan.FromSeconds(60), "every point is acknowledged");
            await writer.FlushAsync(); // a loop turn later: the counters are at rest
            var c = writer.GetCounters();
            Assert.True(c is { Dropped: 0, SpoolPoints: 0 }, c.ToString());
        }

        Assert.Equal(Total, counter.Acknowledged); // nothing the server accepted was sent again
        await AssertEveryPointOnceAsync(reader, Total);
    }

    [Fact]
    public async Task TheSpoolSurvivesAWriterRestartWhileInfluxIsDown()
    {
        await using var server = await InfluxDbProcess.StartAsync(_temp.Sub("influx"));
        await server.CreateDatabaseAsync("restart");
        await server.StopAsync();
        var options = RealInfluxTests.Options(server.Url, "restart", _temp.Sub("spool"), o => o.BatchSize = 100);
        const int Total = 1500;
        await using (var writer = new InfluxWriter(options))
        {
            for (var i = 0; i < Total; i++)
            {
                writer.TryWrite(P(i));
            }
        }

        Assert.Equal(Total, Directory.GetFiles(_temp.Sub("spool"), "*.lp").Sum(f => File.ReadLines(f).Count()));
        await server.StartAsync();
        var counter = new AcknowledgedLinesCounter();
        await using (var writer = new InfluxWriter(options, new HttpClient(counter)))
        {
            await Eventually.TrueAsync(() => writer.GetCounters().PointsWritten == Total, TimeSpan.FromSeconds(60), "the previous run's spool is replayed");
        }

        Assert.Equal(Total, counter.Acknowledged);
        Assert.Empty(Directory.GetFiles(_temp.Sub("spool")));
        using var reader = new InfluxQueryClient(options);
        await AssertEveryPointOnceAsync(reader, Total);
    }
}
