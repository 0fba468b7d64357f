using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SmartCommunity.Gateway.Tests.Support;
using SmartCommunity.Gateway.TimeSeries;

namespace SmartCommunity.Gateway.Tests.TimeSeries;

/// <summary>The chart API's validation (400 with a reason per parameter) and what guards may read.</summary>
public sealed class TimeSeriesApiTests : IClassFixture<TimeSeriesApiTests.Fixture>
{
    private readonly Fixture _fixture;

    public TimeSeriesApiTests(Fixture fixture) => _fixture = fixture;

    [Theory]
    [InlineData("/api/timeseries/no_such_thing?field=x", "measurement")]
    [InlineData("/api/timeseries/water_level", "field")]
    [InlineData("/api/timeseries/water_level?field=seq", "field")]
    [InlineData("/api/timeseries/water_level?field=level_m&from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z", "to")]
    [InlineData("/api/timeseries/water_level?field=level_m&from=yesterday", "from")]
    [InlineData("/api/timeseries/water_level?field=level_m&interval=5", "interval")]
    [InlineData("/api/timeseries/water_level?field=level_m&interval=0s", "interval")]
    [InlineData("/api/timeseries/water_level?field=level_m&from=0&interval=1s", "interval")]
    [InlineData("/api/timeseries/water_level?field=level_m&agg=median", "agg")]
    [InlineData("/api/timeseries/water_level?field=level_m&agg=3", "agg")]
    [InlineData("/api/timeseries/gateway_ingest?field=accepted&device=level-1", "device")]
    // Issue 19 audit: each of these was a 500 (TimeSpan.FromHours(1e9) overflowed; 0001-01-01 minus an hour threw).
    [InlineData("/api/timeseries/water_level?field=level_m&interval=1000000000h", "interval")]
    [InlineData("/api/timeseries/water_level?field=level_m&interval=100001d", "interval")]
    [InlineData("/api/timeseries/water_level?field=level_m&to=0001-01-01T00:00:00Z", "to")]
    [InlineData("/api/timeseries/water_level?field=level_m&from=0001-01-01T00:00:00Z&to=2026-01-01T00:00:00Z", "from")]
    public async Task ABadParameterIsRefusedWithItsReason(string url, string parameter)
    {
        using var client = await _fixture.Gateway.LoginAsync("ps");

        using var response = await client.GetAsync(url);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("invalid_chart_query", body.GetProperty("code").GetString());
        Assert.True(body.GetProperty("errors").TryGetProperty(parameter, out var reasons), body.ToString());
        Assert.False(string.IsNullOrWhiteSpace(reasons[0].GetString()));
    }

    [Fact]
    public async Task AValidQueryWithNoDataAnswersAnEmptyLineWithItsBucketSize()
    {
        using var client = await _fixture.Gateway.LoginAsync("ps");

        var chart = await client.GetFromJsonAsync<ChartSeries>("/api/timeseries/water_level?field=level_m&from=2026-01-01T00:00:00Z&to=2026-01-01T01:00:00Z");

        Assert.Empty(chart!.Points);
        Assert.Equal(18_000, chart.IntervalMs); // one hour / 200 buckets
        Assert.Equal("mean", chart.Agg);
    }

    [Theory]
    [InlineData("/api/timeseries/water_level?field=level_m&device=level-1", HttpStatusCode.OK)]
    [InlineData("/api/timeseries/water_level?field=level_m&cell=b-a", HttpStatusCode.OK)]
    [InlineData("/api/timeseries/door_traffic?field=in_total&device=door-1", HttpStatusCode.NotFound)]
    [InlineData("/api/timeseries/door_traffic?field=in_total&cell=b-b", HttpStatusCode.NotFound)]
    [InlineData("/api/timeseries/water_level?field=level_m&device=no-such-device", HttpStatusCode.NotFound)]
    [InlineData("/api/timeseries/water_level?field=level_m", HttpStatusCode.BadRequest)]
    [InlineData("/api/timeseries/gateway_ingest?field=accepted", HttpStatusCode.Forbidden)]
    public async Task GuardsReadOnlyTheDevicesOfTheirOwnCells(string url, HttpStatusCode expected)
    {
        using var guard = await _fixture.Gateway.LoginAsync("guard-a");

        using var response = await guard.GetAsync(url);

        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task TheCatalogListsMeasurementsAndHidesGatewayWideOnesFromGuards()
    {
        using var staff = await _fixture.Gateway.LoginAsync("ps");
        using var guard = await _fixture.Gateway.LoginAsync("guard-a");

        var all = await staff.GetFromJsonAsync<MeasurementView[]>("/api/timeseries");
        var guards = await guard.GetFromJsonAsync<MeasurementView[]>("/api/timeseries");

        Assert.Contains(all!, m => m.Measurement == "gateway_ingest");
        Assert.Contains(all!, m => m.Measurement == "water_level" && m.Fields.Contains("level_m"));
        Assert.DoesNotContain(guards!, m => m.Measurement == "gateway_ingest");
        Assert.Contains(guards!, m => m.Measurement == "device_event");
    }

    public sealed class Fixture : IAsyncLifetime
    {
        public GatewayFactory Gateway { get; } = new();

        public Task InitializeAsync()
        {
            Gateway.Start();
            return Task.CompletedTask;
        }

        public async Task DisposeAsync() => await Gateway.DisposeAsync();
    }
}
