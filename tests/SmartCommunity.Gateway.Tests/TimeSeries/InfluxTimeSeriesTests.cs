using System.Net.Http.Json;
using SmartCommunity.Gateway.Infrastructure.Metrics;
using SmartCommunity.Gateway.Tests.Support;
using SmartCommunity.Gateway.TimeSeries;
using SmartCommunity.TimeSeries.Storage;
using SmartCommunity.TimeSeries.Writing;

namespace SmartCommunity.Gateway.Tests.TimeSeries;

/// <summary>InfluxDB mode end to end: device → broker → ingest → writer → influxd → chart API.</summary>
[Collection(InfluxGatewayGroup.Name)]
public sealed class InfluxTimeSeriesTests
{
    private readonly InfluxGatewayFixture _fixture;

    public InfluxTimeSeriesTests(InfluxGatewayFixture fixture) => _fixture = fixture;

    [Fact]
    public async Task TelemetryReachesInfluxDbWithBoundedTagsAndTheDeviceTimestamps()
    {
        var result = await _fixture.Query.QueryAsync(
            $"SELECT \"level_m\", \"flow_m3s\" FROM \"water_level\" WHERE time >= {InfluxGatewayFixture.Ms(_fixture.Now - 60_000)} GROUP BY *");
        var series = Assert.Single(result.Series);
        Assert.Equal(TestCommunity.LevelStation, series.Tags["device"]);
        Assert.Equal("water-level", series.Tags["kind"]);
        Assert.Equal(TestCommunity.BuildingA, series.Tags["cell"]);
        Assert.Equal(3, series.Tags.Count);
        Assert.Equal(DeviceTraffic.Readings, series.Values.Count);
        Assert.Equal(_fixture.Now, series.TimeAt(DeviceTraffic.Readings - 1).ToUnixTimeMilliseconds());

        var tagKeys = await _fixture.Query.QueryAsync("SHOW TAG KEYS FROM \"device_event\"");
        var keys = tagKeys.Series.Single().Values.Select(v => (string)v[0]!).ToHashSet();
        Assert.Equal(["cell", "device", "direction", "kind", "type"], keys.Order());
    }

    [Fact]
    public async Task TheChartApiReadsFromInfluxDbTheSameWay()
    {
        Assert.IsType<InfluxTimeSeriesStore>(_fixture.Gateway.Get<ITimeSeriesStore>());
        using var client = await _fixture.Gateway.LoginAsync("guard-a");
        var now = _fixture.Now;

        var chart = await client.GetFromJsonAsync<ChartSeries>(
            $"/api/timeseries/water_level?field=level_m&device={TestCommunity.LevelStation}&from={now - 60_000}&to={now + 1}&interval=1s&agg=max");

        Assert.Equal([.. Enumerable.Range(0, DeviceTraffic.Readings).Select(DeviceTraffic.LevelAt)], chart!.Points.Select(p => p.V));
    }

    [Fact]
    public void TheWritersCountersAreOnMetricsLikeTelegrafs()
    {
        var counters = _fixture.Gateway.Get<IPointWriter>().GetCounters();
        var metrics = _fixture.Gateway.Get<SmartCommunity.Metrics.PrometheusBridge>().Render();

        Assert.Contains("sc_timeseries_info{mode=\"influxdb\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("sc_timeseries_buffer_limit 100000", metrics, StringComparison.Ordinal);
        Assert.Contains("sc_timeseries_metrics_dropped{reason=\"spool_full\"} 0", metrics, StringComparison.Ordinal);
        Assert.Contains("sc_timeseries_spool_bytes ", metrics, StringComparison.Ordinal);
        Assert.Contains("sc_timeseries_metrics_written ", metrics, StringComparison.Ordinal);
        Assert.True(counters.PointsWritten >= 4 * DeviceTraffic.Readings, $"written {counters.PointsWritten}");
        Assert.Equal(0, counters.Dropped);
    }
}
