using SmartCommunity.Testing;

namespace SmartCommunity.Gateway.Tests.Operations;

/// <summary>
/// The real gateway process's <c>/metrics</c>, read as a scraper reads it: well-formed Prometheus text, counters typed
/// counter (the time-series writer's too, which were gauges while the library could not reach the registry), levels
/// typed gauge, and the names dashboards and docs use.
/// </summary>
public sealed class MetricsScrapeTests : IDisposable
{
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("sc-scrape-");

    public void Dispose() => _work.Delete(recursive: true);

    [Fact]
    public async Task TheGatewaysMetricsParseAsPrometheusTextWithCountersTypedCounter()
    {
        await using var gateway = await GatewayProcess.StartAsync(_work.FullName, deviceCount: 1);

        var scrape = PrometheusText.Parse(await gateway.MetricsTextAsync());

        foreach (var counter in (string[])["sc_ingest_received_total", "sc_ingest_rejected_total", "sc_broker_connect_refused_total",
            "sc_timeseries_metrics_added", "sc_timeseries_metrics_written", "sc_timeseries_metrics_dropped", "sc_timeseries_errors",
            "sc_timeseries_retries", "sc_timeseries_config_errors", "sc_timeseries_durable_refused"])
        {
            Assert.Equal("counter", scrape.TypeOf(counter));
        }

        foreach (var gauge in (string[])["sc_ingest_queue_depth", "sc_devices_registered", "sc_timeseries_buffer_size", "sc_service_up"])
        {
            Assert.Equal("gauge", scrape.TypeOf(gauge));
        }

        // Every family named like a count is a counter: none is left published as a gauge.
        Assert.All(scrape.Types.Where(t => t.Key.EndsWith("_total", StringComparison.Ordinal)), t => Assert.Equal("counter", t.Value));
        Assert.Equal(1, scrape.Value("sc_devices_registered"));
        Assert.Equal(0, scrape.Value("sc_ingest_rejected_total", "reason=\"malformed_json\""));
        Assert.Equal(1, scrape.Value("sc_timeseries_info", "mode=\"embedded\""));
    }
}
