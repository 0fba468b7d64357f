using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using SmartCommunity.TimeSeries.Points;
using SmartCommunity.TimeSeries.Tests.Support;
using SmartCommunity.TimeSeries.Writing;

namespace SmartCommunity.TimeSeries.Tests.Writing;

public sealed class InfluxWriterTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 0, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _temp = new();
    private readonly FakeInfluxHandler _influx = new();

    public void Dispose() => _temp.Dispose();

    private InfluxOptions Options(Action<InfluxOptions>? tweak = null)
    {
        var o = new InfluxOptions
        {
            ServerUrl = new Uri("http://influx.test:8086/"),
            Database = "community",
            SpoolDirectory = _temp.Sub("spool"),
            BatchSize = 100,
            BufferLimit = 1000,
            FlushInterval = TimeSpan.FromMilliseconds(20),
            RetryInitialDelay = TimeSpan.FromMilliseconds(5),
            RetryMaxDelay = TimeSpan.FromMilliseconds(40),
        };
        tweak?.Invoke(o);
        return o;
    }

    private InfluxWriter Writer(InfluxOptions options, TimeProvider? time = null, CapturingLogger<InfluxWriter>? logger = null) =>
        new(options, new HttpClient(_influx), time, logger);

    private static Point P(int i, Durability d = Durability.Telemetry, string m = "level") =>
        new Point(m, d).Tag("station", "s1").Field("v", i).At(T0.AddSeconds(i));

    [Fact]
    public async Task WhenABatchFillsItIsSentAsOneRequestWithoutWaitingForTheInterval()
    {
        var time = new FakeTimeProvider(T0);
        await using var writer = Writer(Options(o => { o.BatchSize = 3; o.FlushInterval = TimeSpan.FromHours(1); }), time);
        for (var i = 0; i < 3; i++)
        {
            Assert.True(writer.TryWrite(P(i)));
        }

        await Eventually.TrueAsync(() => _influx.Requests.Count == 1, because: "the full batch is sent");
        Assert.Equal(3, _influx.Requests[0].Lines.Length);
        Assert.Equal(3, writer.GetCounters().PointsWritten);
    }

    [Fact]
    public async Task WhenTheFlushIntervalPassesAPartlyFilledBatchIsSent()
    {
        var time = new FakeTimeProvider(T0);
        await using var writer = Writer(Options(o => o.FlushInterval = TimeSpan.FromSeconds(1)), time);
        writer.TryWrite(P(1));
        writer.TryWrite(P(2));
        await Eventually.TrueAsync(() => writer.QueuedInChannel == 0, because: "the loop picks the points up");
        Assert.Empty(_influx.Requests);

        time.Advance(TimeSpan.FromSeconds(1));
        await Eventually.TrueAsync(() => _influx.Requests.Count == 1, because: "the interval flushes the batch");
        Assert.Equal(2, _influx.Requests[0].Lines.Length);
    }

    [Fact]
    public async Task V1WritesGoToWriteWithDatabaseRetentionPolicyPrecisionAndBasicAuth()
    {
        await using (var writer = Writer(Options(o => { o.RetentionPolicy = "one week"; o.Username = "gw"; o.Password = "s3cret"; })))
        {
            writer.TryWrite(P(1));
            await writer.FlushAsync();
        }

        var r = Assert.Single(_influx.Requests);
        Assert.Equal(HttpMethod.Post, r.Method);
        Assert.Equal("http://influx.test:8086/write?db=community&rp=one%20week&precision=ms", r.Uri.AbsoluteUri);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("gw:s3cret")), r.Authorization);
        Assert.Equal("text/plain; charset=utf-8", r.ContentType);
        Assert.Equal("level,station=s1 v=1i " + T0.AddSeconds(1).ToUnixTimeMilliseconds(), r.Body.TrimEnd('\n'));
    }

    [Fact]
    public async Task V1CredentialsCanTravelAsQueryParameters()
    {
        await using (var writer = Writer(Options(o => { o.Username = "gw"; o.Password = "p&w"; o.V1Credentials = V1CredentialMode.QueryString; o.Precision = WritePrecision.Seconds; })))
        {
            writer.TryWrite(P(1));
            await writer.FlushAsync();
        }

        var r = Assert.Single(_influx.Requests);
        Assert.Equal("http://influx.test:8086/write?db=community&u=gw&p=p%26w&precision=s", r.Uri.AbsoluteUri);
        Assert.Null(r.Authorization);
    }

    [Fact]
    public async Task V2WritesGoToApiV2WriteWithOrgBucketPrecisionAndTokenHeader()
    {
        await using (var writer = Writer(Options(o =>
        {
            o.ServerUrl = new Uri("https://cloud.test/influx");
            o.ApiVersion = InfluxApiVersion.V2;
            o.Database = null;
            o.Organization = "城市";
            o.Bucket = "water";
            o.Token = "tok-123";
            o.Precision = WritePrecision.Nanoseconds;
        })))
        {
            writer.TryWrite(P(1));
            await writer.FlushAsync();
        }

        var r = Assert.Single(_influx.Requests);
        Assert.Equal("https://cloud.test/influx/api/v2/write?org=%E5%9F%8E%E5%B8%82&bucket=water&precision=ns", r.Uri.AbsoluteUri);
        Assert.Equal("Token tok-123", r.Authorization);
    }

    [Fact]
    public async Task GzipCompressesTheBodyAndSaysSo()
    {
        await using (var writer = Writer(Options(o => o.UseGzip = true)))
        {
            for (var i = 0; i < 50; i++)
            {
                writer.TryWrite(P(i));
            }

            await writer.FlushAsync();
        }

        Assert.All(_influx.Requests, r => Assert.True(r.Gzipped));
        Assert.Equal(50, _influx.AcceptedLines.Count);
    }

    [Fact]
    public async Task PointsWithoutATimestampAreStampedWhenAccepted()
    {
        var time = new FakeTimeProvider(T0);
        await using var writer = Writer(Options(o => o.BatchSize = 1), time);
        var p = new Point("m").Field("v", 1.5);
        writer.TryWrite(p);
        Assert.Equal(T0, p.Timestamp);
        await Eventually.TrueAsync(() => _influx.Requests.Count == 1, because: "the point is sent");
        Assert.Equal("m v=1.5 " + T0.ToUnixTimeMilliseconds(), _influx.Requests[0].Body.TrimEnd('\n'));
    }

    [Fact]
    public async Task APointWithoutFieldsIsRefusedAtTheCaller()
    {
        await using var writer = Writer(Options());
        Assert.Throws<ArgumentException>(() => writer.TryWrite(new Point("m").Tag("a", "b")));
    }

    [Fact]
    public async Task WhenInfluxIsDownPointsAreSpooledAndReplayedInOrder()
    {
        _influx.Answer(HttpStatusCode.ServiceUnavailable, "{\"error\":\"shutting down\"}");
        await using var writer = Writer(Options(o => o.BatchSize = 7));
        for (var i = 0; i < 100; i++)
        {
            writer.TryWrite(P(i));
        }

        await writer.FlushAsync();
        await Eventually.TrueAsync(() => writer.GetCounters().SpoolPoints == 100, because: "every point is in the spool");
        Assert.True(writer.GetCounters().Retries >= 1);

        _influx.Answer(HttpStatusCode.NoContent);
        await Eventually.TrueAsync(() => writer.GetCounters().PointsWritten == 100, because: "the spool is replayed");

        var values = _influx.AcceptedLines.Select(l => int.Parse(l.Split(' ')[1][2..^1], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(Enumerable.Range(0, 100), values);
        var c = writer.GetCounters();
        Assert.Equal(0, c.SpoolPoints);
        Assert.Equal(0, c.SpoolBytes);
        Assert.Equal(0, c.Dropped);
        Assert.Null(c.LastError);
    }

    [Fact]
    public async Task PointsWrittenDuringAnOutageArriveAfterTheBacklogAndExactlyOnce()
    {
        await using var writer = Writer(Options(o => o.BatchSize = 10));
        for (var i = 0; i < 30; i++)
        {
            writer.TryWrite(P(i));
        }

        await Eventually.TrueAsync(() => writer.GetCounters().PointsWritten == 30, because: "healthy writes");
        _influx.Refuse();
        for (var i = 30; i < 60; i++)
        {
            writer.TryWrite(P(i));
        }

        await Eventually.TrueAsync(() => writer.GetCounters().SpoolPoints == 30, because: "outage points spooled");
        _influx.Answer(HttpStatusCode.NoContent);
        for (var i = 60; i < 90; i++)
        {
            writer.TryWrite(P(i));
        }

        await Eventually.TrueAsync(() => writer.GetCounters().PointsWritten == 90, because: "everything delivered");
        Assert.Equal(90, _influx.AcceptedLines.Count);
        Assert.Equal(90, _influx.AcceptedLines.Distinct().Count());
    }

    [Fact]
    public async Task APartialWriteDropsOnlyTheRejectedPointsAndIsNotRetried()
    {
        _influx.Answer(HttpStatusCode.BadRequest, "{\"error\":\"partial write: field type conflict: input field \\\"v\\\" on measurement \\\"level\\\" is type float, already exists as type integer dropped=2\"}");
        await using var writer = Writer(Options());
        for (var i = 0; i < 10; i++)
        {
            writer.TryWrite(P(i));
        }

        await writer.FlushAsync();
        var c = writer.GetCounters();
        Assert.Single(_influx.Requests);
        Assert.Equal(8, c.PointsWritten);
        Assert.Equal(2, c.DroppedRejected);
        Assert.Equal(0, c.SpoolPoints);
        Assert.Contains("field type conflict", c.LastError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(HttpStatusCode.Unauthorized)]
    [InlineData(HttpStatusCode.Forbidden)]
    [InlineData(HttpStatusCode.NotFound)]
    public async Task ConfigErrorsKeepPointsInTheSpoolAndNeverLogTheSecret(HttpStatusCode status)
    {
        _influx.Answer(status, "{\"error\":\"authorization failed\"}");
        var logger = new CapturingLogger<InfluxWriter>();
        await using (var writer = Writer(Options(o => { o.Username = "gateway"; o.Password = "Pa55-secret-word"; o.V1Credentials = V1CredentialMode.QueryString; }), logger: logger))
        {
            for (var i = 0; i < 5; i++)
            {
                writer.TryWrite(P(i));
            }

            await writer.FlushAsync();
            await Eventually.TrueAsync(() => writer.GetCounters().SpoolPoints == 5, because: "points kept in the spool");
            Assert.True(writer.GetCounters().ConfigErrors >= 1);

            _influx.Answer(HttpStatusCode.NoContent);
            await Eventually.TrueAsync(() => writer.GetCounters().PointsWritten == 5, because: "the operator fixed it");
        }

        Assert.Contains(logger.Entries, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Error && e.Text.Contains("refused writes", StringComparison.Ordinal));
        Assert.DoesNotContain(logger.Entries, e => e.Text.Contains("Pa55-secret-word", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheTokenNeverAppearsInLogsOrCounters()
    {
        _influx.Answer(HttpStatusCode.Unauthorized, "{\"code\":\"unauthorized\",\"message\":\"unauthorized access\"}");
        var logger = new CapturingLogger<InfluxWriter>();
        await using var writer = Writer(Options(o => { o.ApiVersion = InfluxApiVersion.V2; o.Bucket = "b"; o.Organization = "o"; o.Token = "TOKEN-xyz-987"; }), logger: logger);
        writer.TryWrite(P(1));
        await writer.FlushAsync();
        await Eventually.TrueAsync(() => writer.GetCounters().ConfigErrors >= 1, because: "the 401 is seen");
        Assert.DoesNotContain(logger.Entries, e => e.Text.Contains("TOKEN-xyz-987", StringComparison.Ordinal));
        Assert.DoesNotContain("TOKEN-xyz-987", writer.GetCounters().LastError ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task TimeoutsAreRetriedWithBackoff()
    {
        var calls = 0;

        // The handler ignores cancellation on purpose for the first calls; the writer's own timeout must still fire.
        _influx.Respond = async _ =>
        {
            if (Interlocked.Increment(ref calls) <= 2)
            {
                await Task.Delay(TimeSpan.FromSeconds(30));
            }

            return new HttpResponseMessage(HttpStatusCode.NoContent);
        };

        await using var writer = new InfluxWriter(Options(o => o.RequestTimeout = TimeSpan.FromMilliseconds(100)), new HttpClient(new CancellableHandler(_influx)));
        writer.TryWrite(P(1));
        await Eventually.TrueAsync(() => writer.GetCounters().PointsWritten == 1, because: "the third attempt succeeds");
        Assert.Equal(2, writer.GetCounters().Retries);
        Assert.Single(_influx.AcceptedLines);
    }

    [Fact]
    public async Task TryWriteNeverBlocksAndCountsWhatItRefusesWhenTheBufferIsFull()
    {
        var release = new TaskCompletionSource();
        _influx.Respond = async _ =>
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

            await Eventually.TrueAsync(() => _influx.Requests.Count == 1, because: "the loop is stuck in a send");
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
        _influx.Respond = async _ =>
        {
            await release.Task;
            return new HttpResponseMessage(HttpStatusCode.NoContent);
        };

        await using var writer = Writer(Options(o => { o.BatchSize = 5; o.BufferLimit = 5; }));
        for (var i = 0; i < 5; i++)
        {
            await writer.WriteAsync(P(i, Durability.Durable));
        }

        await Eventually.TrueAsync(() => _influx.Requests.Count == 1, because: "the loop is stuck in a send");
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

        Assert.Equal(42, _influx.AcceptedLines.Count);
    }

    [Fact]
    public async Task ASecondDisposeWaitsForTheFirstDrainSoTheSpoolIsFreeWhenEitherReturns()
    {
        // A WebApplication stopped from outside runs its host's stop twice at once; both reach the writer.
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var sending = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _influx.Respond = async _ =>
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

        Assert.Equal(42, _influx.AcceptedLines.Count);
        await using var restarted = Writer(Options()); // the spool's lock is free: this would throw otherwise
        Assert.Equal(0, restarted.GetCounters().SpoolPoints);
    }

    [Fact]
    public async Task TheSpoolSurvivesAWriterRestart()
    {
        _influx.Refuse();
        await using (var writer = Writer(Options(o => o.BatchSize = 10)))
        {
            for (var i = 0; i < 55; i++)
            {
                writer.TryWrite(P(i, i % 5 == 0 ? Durability.Durable : Durability.Telemetry));
            }
        }

        var spooled = Directory.GetFiles(_temp.Sub("spool"), "*.lp").Sum(f => File.ReadAllLines(f).Length);
        Assert.Equal(55, spooled);
        _influx.Answer(HttpStatusCode.NoContent);
        await using (var writer = Writer(Options(o => o.BatchSize = 10)))
        {
            await Eventually.TrueAsync(() => writer.GetCounters().PointsWritten == 55, because: "the old spool is replayed");
        }

        Assert.Equal(55, _influx.AcceptedLines.Distinct().Count());
        Assert.Empty(Directory.GetFiles(_temp.Sub("spool")));
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
        _influx.Refuse();
        var big = new string('x', 60_000);
        await using var writer = Writer(Options(o => { o.BatchSize = 1; o.SpoolLimitBytes = 1024 * 1024; }));
        for (var i = 0; i < 30; i++)
        {
            writer.TryWrite(new Point("blob").Field("s", big).Field("i", i).At(T0.AddSeconds(i)));
        }

        await writer.FlushAsync();
        _influx.Answer(HttpStatusCode.BadRequest, "{\"error\":\"partial write: points beyond retention policy dropped=1\"}");
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
        _influx.Refuse();
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

        _influx.Answer(HttpStatusCode.NoContent);
        await Eventually.TrueAsync(() => writer.GetCounters().SpoolPoints == 0, because: "the spool is replayed");
        var delivered = _influx.AcceptedLines.Select(l => l[(l.LastIndexOf(",i=", StringComparison.Ordinal) + 3)..l.IndexOf("i ", l.LastIndexOf(",i=", StringComparison.Ordinal), StringComparison.Ordinal)]).ToList();
        Assert.Equal("39", delivered[^1]);
        Assert.DoesNotContain("0", delivered); // the oldest went first
    }

    [Fact]
    public async Task DurablePointsAreNeverDroppedWhenTheSpoolIsFull()
    {
        _influx.Refuse();
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

        _influx.Answer(HttpStatusCode.NoContent);
        await producer.WaitAsync(TimeSpan.FromSeconds(20));
        await Eventually.TrueAsync(() => writer.GetCounters().PointsWritten == Alerts, because: "every durable point arrives");
        var alerts = _influx.AcceptedLines.Where(l => l.StartsWith("alert", StringComparison.Ordinal)).ToList();
        Assert.Equal(Alerts, alerts.Count);
        Assert.Equal(Alerts, alerts.Distinct().Count());
    }

    [Fact]
    public async Task BackoffGrowsExponentiallyWithJitterUpToTheCap()
    {
        var o = Options(o => { o.RetryInitialDelay = TimeSpan.FromSeconds(1); o.RetryMaxDelay = TimeSpan.FromSeconds(30); });
        await using var writer = new InfluxWriter(o, new HttpClient(_influx));
        {
            for (var failures = 1; failures <= 8; failures++)
            {
                var step = Math.Min(30, Math.Pow(2, failures - 1));
                for (var k = 0; k < 20; k++)
                {
                    var d = writer.Backoff(failures, null).TotalSeconds;
                    Assert.InRange(d, step / 2, step);
                }
            }

            Assert.InRange(writer.Backoff(1, TimeSpan.FromSeconds(10)).TotalSeconds, 10, 10.001);
            Assert.InRange(writer.Backoff(1, TimeSpan.FromHours(1)).TotalSeconds, 30, 30.001);
        }
    }

    [Fact]
    public void InvalidOptionsAreReportedTogether()
    {
        var o = new InfluxOptions { BatchSize = 0, Username = "x" };
        var ex = Assert.Throws<InvalidOperationException>(o.Validate);
        Assert.Contains("ServerUrl", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Database", ex.Message, StringComparison.Ordinal);
        Assert.Contains("BatchSize", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Username and Password", ex.Message, StringComparison.Ordinal);
        Assert.Contains("SpoolDirectory", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>Lets a fake that ignores cancellation still be abandoned, as a real socket would be.</summary>
    private sealed class CancellableHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            base.SendAsync(request, cancellationToken).WaitAsync(cancellationToken);
    }
}
