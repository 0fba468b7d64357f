using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using SmartCommunity.TimeSeries.Points;
using SmartCommunity.TimeSeries.Tests.Support;
using SmartCommunity.TimeSeries.Writing;

namespace SmartCommunity.TimeSeries.Tests.Writing;

/// <summary>The writer against a fake InfluxDB: batching by size and time, the v1 and v2 write APIs, compression, timestamps and options.</summary>
public sealed class InfluxWriterTests : InfluxWriterTestBase
{
    [Fact]
    public async Task WhenABatchFillsItIsSentAsOneRequestWithoutWaitingForTheInterval()
    {
        var time = new FakeTimeProvider(T0);
        await using var writer = Writer(Options(o => { o.BatchSize = 3; o.FlushInterval = TimeSpan.FromHours(1); }), time);
        for (var i = 0; i < 3; i++)
        {
            Assert.True(writer.TryWrite(P(i)));
        }

        await Eventually.TrueAsync(() => Influx.Requests.Count == 1, because: "the full batch is sent");
        Assert.Equal(3, Influx.Requests[0].Lines.Length);
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
        Assert.Empty(Influx.Requests);

        time.Advance(TimeSpan.FromSeconds(1));
        await Eventually.TrueAsync(() => Influx.Requests.Count == 1, because: "the interval flushes the batch");
        Assert.Equal(2, Influx.Requests[0].Lines.Length);
    }

    [Fact]
    public async Task V1WritesGoToWriteWithDatabaseRetentionPolicyPrecisionAndBasicAuth()
    {
        await using (var writer = Writer(Options(o => { o.RetentionPolicy = "one week"; o.Username = "gw"; o.Password = "s3cret"; })))
        {
            writer.TryWrite(P(1));
            await writer.FlushAsync();
        }

        var r = Assert.Single(Influx.Requests);
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

        var r = Assert.Single(Influx.Requests);
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

        var r = Assert.Single(Influx.Requests);
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

        Assert.All(Influx.Requests, r => Assert.True(r.Gzipped));
        Assert.Equal(50, Influx.AcceptedLines.Count);
    }

    [Fact]
    public async Task PointsWithoutATimestampAreStampedWhenAccepted()
    {
        var time = new FakeTimeProvider(T0);
        await using var writer = Writer(Options(o => o.BatchSize = 1), time);
        var p = new Point("m").Field("v", 1.5);
        writer.TryWrite(p);
        Assert.Equal(T0, p.Timestamp);
        await Eventually.TrueAsync(() => Influx.Requests.Count == 1, because: "the point is sent");
        Assert.Equal("m v=1.5 " + T0.ToUnixTimeMilliseconds(), Influx.Requests[0].Body.TrimEnd('\n'));
    }

    [Fact]
    public async Task APointWithoutFieldsIsRefusedAtTheCaller()
    {
        await using var writer = Writer(Options());
        Assert.Throws<ArgumentException>(() => writer.TryWrite(new Point("m").Tag("a", "b")));
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
}
