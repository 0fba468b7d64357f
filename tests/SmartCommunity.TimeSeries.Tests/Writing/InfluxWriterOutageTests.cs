using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using SmartCommunity.TimeSeries.Points;
using SmartCommunity.TimeSeries.Tests.Support;
using SmartCommunity.TimeSeries.Writing;

namespace SmartCommunity.TimeSeries.Tests.Writing;

/// <summary>An InfluxDB that is down, slow, partly refusing or misconfigured: points are spooled, replayed in order and exactly once, and secrets stay out of logs.</summary>
public sealed class InfluxWriterOutageTests : InfluxWriterTestBase
{
    [Fact]
    public async Task WhenInfluxIsDownPointsAreSpooledAndReplayedInOrder()
    {
        Influx.Answer(HttpStatusCode.ServiceUnavailable, "{\"error\":\"shutting down\"}");
        await using var writer = Writer(Options(o => o.BatchSize = 7));
        for (var i = 0; i < 100; i++)
        {
            writer.TryWrite(P(i));
        }

        await writer.FlushAsync();
        await Eventually.TrueAsync(() => writer.GetCounters().SpoolPoints == 100, because: "every point is in the spool");
        Assert.True(writer.GetCounters().Retries >= 1);

        Influx.Answer(HttpStatusCode.NoContent);
        await Eventually.TrueAsync(() => writer.GetCounters().PointsWritten == 100, because: "the spool is replayed");

        var values = Influx.AcceptedLines.Select(l => int.Parse(l.Split(' ')[1][2..^1], System.Globalization.CultureInfo.InvariantCulture)).ToList();
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
        Influx.Refuse();
        for (var i = 30; i < 60; i++)
        {
            writer.TryWrite(P(i));
        }

        await Eventually.TrueAsync(() => writer.GetCounters().SpoolPoints == 30, because: "outage points spooled");
        Influx.Answer(HttpStatusCode.NoContent);
        for (var i = 60; i < 90; i++)
        {
            writer.TryWrite(P(i));
        }

        await Eventually.TrueAsync(() => writer.GetCounters().PointsWritten == 90, because: "everything delivered");
        Assert.Equal(90, Influx.AcceptedLines.Count);
        Assert.Equal(90, Influx.AcceptedLines.Distinct().Count());
    }

    [Fact]
    public async Task APartialWriteDropsOnlyTheRejectedPointsAndIsNotRetried()
    {
        Influx.Answer(HttpStatusCode.BadRequest, "{\"error\":\"partial write: field type conflict: input field \\\"v\\\" on measurement \\\"level\\\" is type float, already exists as type integer dropped=2\"}");
        await using var writer = Writer(Options());
        for (var i = 0; i < 10; i++)
        {
            writer.TryWrite(P(i));
        }

        await writer.FlushAsync();
        var c = writer.GetCounters();
        Assert.Single(Influx.Requests);
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
        Influx.Answer(status, "{\"error\":\"authorization failed\"}");
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

            Influx.Answer(HttpStatusCode.NoContent);
            await Eventually.TrueAsync(() => writer.GetCounters().PointsWritten == 5, because: "the operator fixed it");
        }

        Assert.Contains(logger.Entries, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Error && e.Text.Contains("refused writes", StringComparison.Ordinal));
        Assert.DoesNotContain(logger.Entries, e => e.Text.Contains("Pa55-secret-word", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheTokenNeverAppearsInLogsOrCounters()
    {
        Influx.Answer(HttpStatusCode.Unauthorized, "{\"code\":\"unauthorized\",\"message\":\"unauthorized access\"}");
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
        Influx.Respond = async _ =>
        {
            if (Interlocked.Increment(ref calls) <= 2)
            {
                await Task.Delay(TimeSpan.FromSeconds(30));
            }

            return new HttpResponseMessage(HttpStatusCode.NoContent);
        };

        await using var writer = new InfluxWriter(Options(o => o.RequestTimeout = TimeSpan.FromMilliseconds(100)), new HttpClient(new CancellableHandler(Influx)));
        writer.TryWrite(P(1));
        await Eventually.TrueAsync(() => writer.GetCounters().PointsWritten == 1, because: "the third attempt succeeds");
        Assert.Equal(2, writer.GetCounters().Retries);
        Assert.Single(Influx.AcceptedLines);
    }

    [Fact]
    public async Task BackoffGrowsExponentiallyWithJitterUpToTheCap()
    {
        var o = Options(o => { o.RetryInitialDelay = TimeSpan.FromSeconds(1); o.RetryMaxDelay = TimeSpan.FromSeconds(30); });
        await using var writer = new InfluxWriter(o, new HttpClient(Influx));
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

    /// <summary>Lets a fake that ignores cancellation still be abandoned, as a real socket would be.</summary>
    private sealed class CancellableHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            base.SendAsync(request, cancellationToken).WaitAsync(cancellationToken);
    }
}
