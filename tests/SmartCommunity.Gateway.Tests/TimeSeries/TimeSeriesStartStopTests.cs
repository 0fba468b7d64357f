using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SmartCommunity.Gateway.Tests.Support;
using SmartCommunity.TimeSeries;
using SmartCommunity.TimeSeries.Hosting;
using SmartCommunity.TimeSeries.Querying;

namespace SmartCommunity.Gateway.Tests.TimeSeries;

/// <summary>Options checked at start without leaking secrets; what the writer holds at shutdown reaches InfluxDB.</summary>
public sealed class TimeSeriesStartStopTests
{
    private const string Password = "very-secret-influx-password";

    [Fact]
    public async Task BadInfluxOptionsStopTheGatewayAtStartListingEveryProblemWithoutTheSecrets()
    {
        await using var gateway = new GatewayFactory(settings: new()
        {
            ["TimeSeries:Mode"] = "InfluxDb",
            ["TimeSeries:Influx:ServerUrl"] = "ftp://influx.example/",
            ["TimeSeries:Influx:Password"] = Password,
            ["TimeSeries:Influx:BatchSize"] = "0",
        });

        var error = Assert.ThrowsAny<OptionsValidationException>(() => gateway.Start());

        Assert.Contains("ServerUrl", error.Message, StringComparison.Ordinal);
        Assert.Contains("Database", error.Message, StringComparison.Ordinal);
        Assert.Contains("Username and Password", error.Message, StringComparison.Ordinal);
        Assert.Contains("BatchSize", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, error.ToString(), StringComparison.Ordinal);
    }

    // Was flaky (2 of 4 full-suite runs): the test's stop and the gateway's own RunAsync both stop the host, the
    // writer's second DisposeAsync returned at once, and whichever stop came second could return mid-drain with the
    // spool still locked. Every dispose now waits for the one drain (TimeSeriesLifecycle, InfluxWriter).
    [Fact]
    public async Task PointsHeldByTheWriterAreInInfluxDbOnceTheGatewayHasStoppedAndNoCredentialIsLogged()
    {
        await using var influx = await InfluxDbProcess.StartAsync();
        await influx.CreateDatabaseAsync("sc");
        var logs = new List<string>();
        var url = new UriBuilder(influx.Url) { UserName = "someone", Password = Password }.Uri;
        var gateway = new GatewayFactory(
            settings: new()
            {
                ["TimeSeries:Mode"] = "InfluxDb",
                ["TimeSeries:Influx:ServerUrl"] = url.ToString(),
                ["TimeSeries:Influx:Database"] = "sc",
                // Nothing is sent before the shutdown: only the drain can deliver these points.
                ["TimeSeries:Influx:FlushInterval"] = "01:00:00",
            },
            services: s => s.AddSingleton<ILoggerProvider>(new ListLoggerProvider(logs))).Start();
        var now = Payloads.NowMs;
        await DeviceTraffic.PublishAsync(gateway, now);
        var ingest = gateway.Get<SmartCommunity.Gateway.Ingest.IngestMetrics>();
        await SmartCommunity.Testing.Eventually.TrueAsync(() => ingest.TotalAccepted + ingest.TotalRejected >= (4 * DeviceTraffic.Readings) + 3);

        await gateway.DisposeAsync();

        // The stop drains the writer: each point is now in InfluxDB or, when the last send could not finish (a
        // loaded machine), in the disk spool. A restart on the same data replays the spool; either way every
        // reading ends up in InfluxDB exactly once.
        await using var restarted = gateway.Reopen(new()
        {
            ["TimeSeries:Mode"] = "InfluxDb",
            ["TimeSeries:Influx:ServerUrl"] = url.ToString(),
            ["TimeSeries:Influx:Database"] = "sc",
        }).Start();
        using var query = new InfluxQueryClient(new InfluxOptions { ServerUrl = influx.Url, Database = "sc" });
        async Task<double> CountAsync()
        {
            var result = await query.QueryAsync("SELECT count(\"level_m\") FROM \"water_level\"");
            return result.Series.Count == 0 ? 0 : result.Series.Single().NumberAt(0, "count") ?? 0;
        }

        await SmartCommunity.Testing.Eventually.TrueAsync(async () => await CountAsync() >= DeviceTraffic.Readings, TimeSpan.FromSeconds(30));
        Assert.Equal(DeviceTraffic.Readings, await CountAsync());
        lock (logs)
        {
            Assert.Contains(logs, l => l.Contains("Time series go to InfluxDB", StringComparison.Ordinal));
            Assert.DoesNotContain(logs, l => l.Contains(Password, StringComparison.Ordinal) || l.Contains("someone", StringComparison.Ordinal));
        }
    }
}
