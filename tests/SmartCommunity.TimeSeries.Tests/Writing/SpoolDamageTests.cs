using System.Net;
using SmartCommunity.TimeSeries.Points;
using SmartCommunity.TimeSeries.Spool;
using SmartCommunity.TimeSeries.Tests.Support;
using SmartCommunity.TimeSeries.Writing;

namespace SmartCommunity.TimeSeries.Tests.Writing;

/// <summary>
/// Issue 19: the spool folder is an input too. A planted, huge or edited file is set aside and counted; it never
/// crashes the writer (an oversized file once overflowed an int cast) and never costs the good files beside it.
/// </summary>
public sealed class SpoolDamageTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 0, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _temp = new();
    private readonly FakeInfluxHandler _influx = new();

    public void Dispose() => _temp.Dispose();

    private InfluxOptions Options(int batchSize) => new()
    {
        ServerUrl = new Uri("http://influx.test:8086/"),
        Database = "community",
        SpoolDirectory = _temp.Sub("spool"),
        BatchSize = batchSize,
        BufferLimit = 1000,
        FlushInterval = TimeSpan.FromMilliseconds(20),
        RetryInitialDelay = TimeSpan.FromMilliseconds(5),
        RetryMaxDelay = TimeSpan.FromMilliseconds(40),
    };

    private InfluxWriter Writer(int batchSize) => new(Options(batchSize), new HttpClient(_influx));

    private static Point P(int i) => new Point("level", Durability.Durable).Tag("station", "s1").Field("v", i).At(T0.AddSeconds(i));

    [Fact]
    public async Task AHugeFilePlantedInTheSpoolIsSetAsideAndTheGoodBacklogIsStillReplayed()
    {
        _influx.Refuse();
        await using (var writer = Writer(10))
        {
            for (var i = 0; i < 20; i++)
            {
                writer.TryWrite(P(i));
            }
        }

        // Named like the writer's own first segment, 3 GiB (sparse: no disk used), larger than an int can index.
        var planted = Path.Combine(_temp.Sub("spool"), "0000000000000000-2147483647-d.lp.new");
        using (var file = new FileStream(planted, FileMode.CreateNew))
        {
            file.SetLength(3L * 1024 * 1024 * 1024);
        }

        foreach (var f in Directory.GetFiles(_temp.Sub("spool"), "0000000000000000-*.lp"))
        {
            File.Delete(f); // the real first segment makes room for the planted name
        }

        File.Move(planted, planted[..^4]);
        _influx.Answer(HttpStatusCode.NoContent);
        await using (var writer = Writer(100))
        {
            await Eventually.TrueAsync(() => writer.GetCounters().SpoolPoints == 0, because: "the good backlog is replayed");
            var c = writer.GetCounters();
            Assert.Equal(10, c.PointsWritten); // the second real segment; the first was replaced by the planted file
            Assert.Equal(1, c.SpoolDamagedFiles);
        }

        Assert.Equal(10, _influx.AcceptedLines.Count);
        Assert.Single(Directory.GetFiles(_temp.Sub("spool"), "*.lp.damaged"));
    }

    [Fact]
    public async Task AFileTruncatedWhileWaitingIsSetAsideAndCountedWhileTheOthersInItsBatchGo()
    {
        _influx.Refuse();
        await using var writer = Writer(10);
        for (var i = 0; i < 30; i++)
        {
            writer.TryWrite(P(i));
        }

        await writer.FlushAsync();
        await Eventually.TrueAsync(() => writer.GetCounters().SpoolPoints == 30, because: "three files in the spool");
        var files = Directory.GetFiles(_temp.Sub("spool"), "*.lp").Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(3, files.Length);
        using (var middle = new FileStream(files[1], FileMode.Open))
        {
            middle.SetLength(5); // a half-written line is worse than none: InfluxDB would store a wrong point
        }

        _influx.Answer(HttpStatusCode.NoContent);
        await Eventually.TrueAsync(() => writer.GetCounters().SpoolPoints == 0, because: "the spool is answered for");
        var c = writer.GetCounters();
        Assert.Equal(20, c.PointsWritten);
        Assert.Equal(10, c.DroppedSpoolFull);
        Assert.Equal(1, c.SpoolDamagedFiles);
        Assert.Equal(20, _influx.AcceptedLines.Distinct().Count());
        Assert.True(File.Exists(files[1] + ".damaged"));
    }
}
