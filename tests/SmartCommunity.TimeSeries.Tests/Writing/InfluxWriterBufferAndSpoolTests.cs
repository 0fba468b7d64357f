using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using SmartCommunity.TimeSeries.Points;
using SmartCommunity.TimeSeries.Tests.Support;
using SmartCommunity.TimeSeries.Writing;

namespace SmartCommunity.TimeSeries.Tests.Writing;

/// <summary>The writer's bounded buffer and on-disk spool: full buffers, disposal, restarts, a full spool and the counters.</summary>
public sealed class InfluxWriterBufferAndSpoolTests : InfluxWriterTestBase
{
    [Fact]
    public async Task TryWriteNeverBlocksAndCountsWhatItRefusesWhenTheBufferIsFull()
    {
        var release = new TaskCompletionSource();
        Influx.Respond = async _ =>
        {
            await release.Task;
            return new HttpResponseMessage(HttpStatusCode.NoContent);
        };

        await using var writer = Writer(Options(o => { o.BatchSize = 10; o.BufferLimit = 10; }));
        try
        {
            for (var i = 0; i < 10; i++)
            {
                writer.TryWrite(P(i));
            }

            await Eventually.TrueAsync(() => Influx.Requests.Count == 1, because: "the loop is stuck in a send");
            var accepted = 0;
            for (var i = 0; i < 20; i++)
            {
                accepted += writer.TryWrite(P(100 + i)) ? 1 : 0;
            }

            Assert.False(writer.TryWrite(P(999, Durability.Durable)));
            Assert.Equal(10, accepted);
            var c = writer.GetCounters();
            Assert.Equal(10, c.DroppedBufferFull);
            Assert.Equal(1, c.DurableRefused);
            Assert.Equal(20, c.BufferSize); // 10 in the request in flight, 10 queued
            Assert.Equal(10, c.BufferLimit);
        }
        finally
        {
            release.TrySetResult();
        }

        await Eventually.TrueAsync(() => writer.GetCounters().PointsWritten == 20, because: "the buffer drains");
    }

    [Fact]
    public async Task WriteAsyncWaitsForRoomInsteadOfRefusing()
    {
        var release = new TaskCompletionSource();
        Influx.Respond = async _ =>
        {
            await release.Task;
            return new HttpResponseMessage(HttpStatusCode.NoContent);
        };

        await using var writer = Writer(Options(o => { o.BatchSize = 5; o.BufferLimit = 5; }));
        for (var i = 0; i < 5; i++)
        {
            await writer.WriteAsync(P(i, Durability.Durable));
        }

        await Eventually.TrueAsync(() => Influx.Requests.Count == 1, because: "the loop is stuck in a send");
        for (var i = 5; i < 10; i++)
        {
            await writer.WriteAsync(P(i, Durability.Durable));
        }

        var blocked = writer.WriteAsync(P(10, Durability.Durable)).AsTask();
        var wasBlocked = !blocked.IsCompleted;
        release.SetResult();
        Assert.True(wasBlocked);
        await blocked;
        await Eventually.TrueAsync(() => writer.GetCounters().PointsWritten == 11, because: "all durable points delivered");
    }

    [Fact]
    public async Task DisposeSendsWhatIsStillQueued()
    {
        await using (var writer = Writer(Options(o => o.FlushInterval = TimeSpan.FromHours(1))))
        {
            for (var i = 0; i < 42; i++)
            {
                writer.TryWrite(P(i));
            }
        }

        Assert.Equal(42, Influx.AcceptedLines.Count);
    }

    [Fact]
    public async Task ASecondDisposeWaitsForTheFirstDrainSoTheSpoolIsFreeWhenEitherReturns()
    {
        // A WebApplication stopped from outside runs its host's stop twice at once; both reach the writer.
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var sending = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Influx.Respond = async _ =>
        {
            sending.TrySetResult();
            await release.Task;
            return new HttpResponseMessage(HttpStatusCode.NoContent);
        };
        var writer = Writer(Options(o => o.FlushInterval = TimeSpan.FromHours(1)));
        for (var i = 0; i < 42; i++)
        {
            Assert.True(writer.TryWrite(P(i)));
        }

        var first = writer.DisposeAsync().AsTask();
        await sending.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var second = writer.DisposeAsync().AsTask();
        await Task.Delay(100);
        Assert.False(second.IsCompleted, "the second dispose returned while the first was still draining");
        release.SetResult();
        await Task.WhenAll(first, second).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(42, Influx.AcceptedLines.Count);
        await using var restarted = Writer(Options()); // the spool's lock is free: this would throw otherwise
        Assert.Equal(0, restarted.GetCounters().SpoolPoints);
    }

    [Fact]
    public async Task TheSpoolSurvivesAWriterRestart()
    {
        Influx.Refuse();
        await using (var writer = Writer(Options(o => o.BatchSize = 10)))
        {
            for (var i = 0; i < 55; i++)
            {
                writer.TryWrite(P(i, i % 5 == 0 ? Durability.Durable : Durability.Telemetry));
            }
        }

        var spooled = Directory.GetFiles(Temp.Sub("spool"), "*.lp").Sum(f => File.ReadAllLines(f).Length);
        Assert.Equal(55, spooled);
        Influx.Answer(HttpStatusCode.NoContent);
        await using (var writer = Writer(Options(o => o.BatchSize = 10)))
        {
            await Eventually.TrueAsync(() => writer.GetCounters().PointsWritten == 55, because: "the old spool is replayed");
        }

        Assert.Equal(55, Influx.AcceptedLines.Distinct().Count());
        Assert.Empty(Directory.GetFiles(Temp.Sub("spool")));
    }

    [Fact]
    public async Task TwoWritersCannotShareASpoolFolder()
    {
        await using var first = Writer(Options());
        var ex = Assert.Throws<InvalidOperationException>(() => Writer(Options()));
        Assert.Contains("in use by another writer", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CountersAddUpAfterAnOutageWithEvictionsAndRejections()
    {
        Influx.Refuse();
        var big = new string('x', 60_000);
        await using var writer = Writer(Options(o => { o.BatchSize = 1; o.SpoolLimitBytes = 1024 * 1024; }));
        for (var i = 0; i < 30; i++)
        {
            writer.TryWrite(new Point("blob").Field("s", big).Field("i", i).At(T0.AddSeconds(i)));
        }

        await writer.FlushAsync();
        Influx.Answer(HttpStatusCode.BadRequest, "{\"error\":\"partial write: points beyond retention policy dropped=1\"}");
        await Eventually.TrueAsync(() => writer.GetCounters().SpoolPoints == 0, because: "the spool is answered for");
        await writer.FlushAsync(); // a loop turn later: the counters are at rest

        var c = writer.GetCounters();
        Assert.True(c.DroppedSpoolFull > 0);
        Assert.True(c.DroppedRejected > 0);
        Assert.Equal(c.PointsAdded, c.PointsWritten + c.DroppedSpoolFull + c.DroppedRejected + c.BufferSize + c.SpoolPoints);
        Assert.Equal(c.DroppedSpoolFull + c.DroppedRejected, c.Dropped);
    }

    [Fact]
    public async Task WhenTheSpoolIsFullTheOldestTelemetryIsEvictedAndCounted()
    {
        Influx.Refuse();
        var big = new string('x', 60_000);
        await using var writer = Writer(Options(o => { o.BatchSize = 1; o.SpoolLimitBytes = 1024 * 1024; }));
        for (var i = 0; i < 40; i++)
        {
            writer.TryWrite(new Point("blob").Field("s", big).Field("i", i).At(T0.AddSeconds(i)));
        }

        await writer.FlushAsync();
        var c = writer.GetCounters();
        Assert.True(c.SpoolBytes <= 1024 * 1024);
        Assert.Equal(40, c.SpoolPoints + c.DroppedSpoolFull);
        Assert.True(c.DroppedSpoolFull > 0);

        Influx.Answer(HttpStatusCode.NoContent);
        await Eventually.TrueAsync(() => writer.GetCounters().SpoolPoints == 0, because: "the spool is replayed");
        var delivered = Influx.AcceptedLines.Select(l => l[(l.LastIndexOf(",i=", StringComparison.Ordinal) + 3)..l.IndexOf("i ", l.LastIndexOf(",i=", StringComparison.Ordinal), StringComparison.Ordinal)]).ToList();
        Assert.Equal("39", delivered[^1]);
        Assert.DoesNotContain("0", delivered); // the oldest went first
    }

    [Fact]
    public async Task DurablePointsAreNeverDroppedWhenTheSpoolIsFull()
    {
        Influx.Refuse();
        var big = new string('x', 60_000);
        await using var writer = Writer(Options(o => { o.BatchSize = 1; o.BufferLimit = 4; o.SpoolLimitBytes = 1024 * 1024; }));
        for (var i = 0; i < 5; i++)
        {
            await writer.WriteAsync(new Point("blob").Field("s", big).Field("i", i).At(T0.AddSeconds(i)));
        }

        await writer.FlushAsync();
        Assert.Equal(5, writer.GetCounters().SpoolPoints);

        // More durable data than the spool holds: telemetry makes room first, then the producer has to wait.
        const int Alerts = 30;
        var producer = Task.Run(async () =>
        {
            for (var i = 0; i < Alerts; i++)
            {
                await writer.WriteAsync(new Point("alert", Durability.Durable).Field("s", big).Field("i", i).At(T0.AddSeconds(i)));
            }
        });

        await Eventually.TrueAsync(
            () => writer.GetCounters() is { DroppedSpoolFull: 5, BufferSize: 5, SpoolBytes: > 900_000 }, because: "telemetry is evicted, one durable batch waits in memory and the buffer is full");
        Assert.False(producer.IsCompleted);
        var c = writer.GetCounters();
        Assert.Equal(5, c.DroppedSpoolFull);
        Assert.Equal(0, c.DroppedRejected);
        Assert.False(writer.TryWrite(P(1000)));
        Assert.Equal(1, writer.GetCounters().DroppedBufferFull);

        Influx.Answer(HttpStatusCode.NoContent);
        await producer.WaitAsync(TimeSpan.FromSeconds(20));
        await Eventually.TrueAsync(() => writer.GetCounters().PointsWritten == Alerts, because: "every durable point arrives");
        var alerts = Influx.AcceptedLines.Where(l => l.StartsWith("alert", StringComparison.Ordinal)).ToList();
        Assert.Equal(Alerts, alerts.Count);
        Assert.Equal(Alerts, alerts.Distinct().Count());
    }
}
