using System.Net;
using System.Net.Http.Json;
using SmartCommunity.Gateway.Infrastructure.Metrics;
using SmartCommunity.Gateway.Tests.Support;
using SmartCommunity.Gateway.TimeSeries;
using SmartCommunity.Testing;
using SmartCommunity.TimeSeries.Storage;
using SmartCommunity.TimeSeries.Writing;

namespace SmartCommunity.Gateway.Tests.TimeSeries;

/// <summary>The default mode: no InfluxDB, series in <c>{DataDirectory}/timeseries.db</c>, read through the API.</summary>
public sealed class EmbeddedTimeSeriesTests : IAsyncLifetime
{
    private GatewayFactory _gateway = null!;

    public Task InitializeAsync()
    {
        _gateway = new GatewayFactory().Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task TelemetryPublishedThroughTheBrokerCanBeChartedThroughTheApi()
    {
        Assert.IsType<SqliteTimeSeriesStore>(_gateway.Get<ITimeSeriesStore>());
        var now = Payloads.NowMs;
        await DeviceTraffic.PublishAsync(_gateway, now);
        using var client = await _gateway.LoginAsync("wa");

        var url = $"/api/timeseries/water_level?field=level_m&device={TestCommunity.LevelStation}&from={now - 60_000}&to={now + 1}&interval=1s&agg=max";
        var chart = await WaitForPointsAsync(client, url, DeviceTraffic.Readings);

        Assert.Equal([.. Enumerable.Range(0, DeviceTraffic.Readings).Select(DeviceTraffic.LevelAt)], chart.Points.Select(p => p.V));
        Assert.Equal(now - (now % 1000), chart.Points[^1].T.ToUnixTimeMilliseconds()); // buckets start on whole seconds
        Assert.Equal("max", chart.Agg);
    }

    [Fact]
    public async Task EventsAreCountedPerTypeAndCameraAndDoorTelemetryAreStoredByCell()
    {
        var now = Payloads.NowMs;
        await DeviceTraffic.PublishAsync(_gateway, now);
        using var client = await _gateway.LoginAsync("ps");
        var range = $"from={now - 60_000}&to={now + 60_000}&interval=1m";

        var events = await WaitForAsync(client, $"/api/timeseries/device_event?field=count&device={TestCommunity.DoorUnit}&{range}&agg=count",
            c => c.Points.Sum(p => p.V) >= DeviceTraffic.Readings + 1);
        Assert.Equal(DeviceTraffic.Readings + 1, events.Points.Sum(p => p.V));
        await WaitForAsync(client, $"/api/timeseries/camera_stream?field=fps&cell={TestCommunity.BuildingA}&{range}&agg=max",
            c => c.Points.Count > 0 && c.Points.Max(p => p.V) == 24 + DeviceTraffic.Readings - 1);
        await WaitForAsync(client, $"/api/timeseries/door_traffic?field=in_total&cell={TestCommunity.BuildingB}&{range}&agg=max",
            c => c.Points.Count > 0 && c.Points.Max(p => p.V) == 10 * (DeviceTraffic.Readings - 1));
    }

    [Fact]
    public async Task GatewayMetricsAreSampledAndTheWriterCountersAreOnMetrics()
    {
        var now = Payloads.NowMs;
        await DeviceTraffic.PublishAsync(_gateway, now);
        using var client = await _gateway.LoginAsync("admin");
        await Eventually.TrueAsync(() => _gateway.Get<SmartCommunity.Metrics.PrometheusBridge>().Render().Contains("sc_ingest_rejected_total{reason=\"malformed_json\"} 1", StringComparison.Ordinal));

        _gateway.Get<GatewayMetricsSampler>().Sample(write: true);

        var range = $"from={now - 60_000}&to={now + 600_000}&interval=1h&agg=count";
        await WaitForPointsAsync(client, $"/api/timeseries/gateway_ingest?field=accepted&{range}", 1);
        await WaitForPointsAsync(client, $"/api/timeseries/gateway_rejects?field=rejected&{range}", 1);
        await WaitForPointsAsync(client, $"/api/timeseries/gateway_devices?field=total&{range}", 1);
        await _gateway.Get<IPointWriter>().FlushAsync();
        var metrics = _gateway.Get<SmartCommunity.Metrics.PrometheusBridge>().Render();
        Assert.Contains("sc_timeseries_info{mode=\"embedded\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("sc_timeseries_buffer_limit 50000", metrics, StringComparison.Ordinal);
        Assert.Contains("sc_timeseries_metrics_dropped{reason=\"buffer_full\"} 0", metrics, StringComparison.Ordinal);
        Assert.Contains("sc_timeseries_embedded_maintenance_runs", metrics, StringComparison.Ordinal);
        var counters = _gateway.Get<IPointWriter>().GetCounters();
        Assert.True(counters.PointsWritten > DeviceTraffic.Readings * 4, $"written {counters.PointsWritten}");
        Assert.Equal(counters.PointsAdded, counters.PointsWritten);
    }

    [Fact]
    public async Task EmbeddedDataSurvivesARestart()
    {
        var now = Payloads.NowMs;
        await DeviceTraffic.PublishAsync(_gateway, now);
        var url = $"/api/timeseries/water_level?field=level_m&device={TestCommunity.LevelStation}&from={now - 60_000}&to={now + 1}&interval=1s";
        using (var client = await _gateway.LoginAsync("wa"))
        {
            await WaitForPointsAsync(client, url, DeviceTraffic.Readings);
        }

        await _gateway.DisposeAsync();
        _gateway = _gateway.Reopen().Start();

        using var again = await _gateway.LoginAsync("wa");
        var chart = await again.GetFromJsonAsync<ChartSeries>(url);
        Assert.Equal(DeviceTraffic.Readings, chart!.Points.Count);
    }

    [Fact]
    public async Task TheRetentionPassRunsAndIsCounted()
    {
        await _gateway.Get<TimeSeriesLifecycle>().RunMaintenanceAsync(CancellationToken.None);

        Assert.Contains("sc_timeseries_embedded_maintenance_runs 1", _gateway.Get<SmartCommunity.Metrics.PrometheusBridge>().Render(), StringComparison.Ordinal);
    }

    internal static Task<ChartSeries> WaitForPointsAsync(HttpClient client, string url, int atLeast) =>
        WaitForAsync(client, url, c => c.Points.Count >= atLeast);

    internal static async Task<ChartSeries> WaitForAsync(HttpClient client, string url, Func<ChartSeries, bool> done)
    {
        ChartSeries? chart = null;
        await Eventually.TrueAsync(async () =>
        {
            var response = await client.GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            chart = await response.Content.ReadFromJsonAsync<ChartSeries>();
            return done(chart!);
        }, TimeSpan.FromSeconds(20), url);
        return chart!;
    }
}
