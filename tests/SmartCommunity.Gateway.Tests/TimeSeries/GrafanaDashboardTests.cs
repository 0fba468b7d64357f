using System.Text.Json;
using SmartCommunity.Gateway.TimeSeries;

namespace SmartCommunity.Gateway.Tests.TimeSeries;

/// <summary>
/// Every query of every Grafana dashboard, run against a real InfluxDB 1.6.7 that the gateway filled through the
/// broker: each must parse and return rows.
/// </summary>
[Collection(InfluxGatewayGroup.Name)]
public sealed class GrafanaDashboardTests
{
    private readonly InfluxGatewayFixture _fixture;

    public GrafanaDashboardTests(InfluxGatewayFixture fixture) => _fixture = fixture;

    public static TheoryData<DashboardQuery> AllQueries() => [.. GrafanaDashboards.Queries()];

    [Theory]
    [MemberData(nameof(AllQueries))]
    public async Task EveryDashboardQueryParsesAndReturnsRows(DashboardQuery query)
    {
        var influxQl = GrafanaDashboards.Concrete(query.InfluxQl, _fixture.Now - 3_600_000, _fixture.Now + 60_000);

        // Throws InfluxQueryException with InfluxDB's parse error when a query is wrong.
        var result = await _fixture.Query.QueryAsync(influxQl);

        Assert.True(result.Series.Count > 0 && result.Series.All(s => s.Values.Count > 0), $"{query}: no rows for {influxQl}");
    }

    [Fact]
    public void TheDashboardsCoverWhatIssue7AsksForAndUseTheProvisionedDataSource()
    {
        var queries = GrafanaDashboards.Queries().ToList();
        string[] required = [SeriesNames.WaterLevel, SeriesNames.WaterRisk, SeriesNames.WaterDischarge, SeriesNames.ShelterOccupancy,
            SeriesNames.DeviceEvent, SeriesNames.GatewayIngest, SeriesNames.GatewayRejects, SeriesNames.GatewayDevices, SeriesNames.Alert];
        foreach (var measurement in required)
        {
            Assert.Contains(queries, q => GrafanaDashboards.Measurements(q.InfluxQl).Contains(measurement));
        }

        var datasource = File.ReadAllText(Path.Combine(GrafanaDashboards.Root, "provisioning", "datasources", "influxdb.yaml"));
        Assert.Contains("uid: smartcommunity-influxdb", datasource, StringComparison.Ordinal);
        Assert.Contains("type: influxdb", datasource, StringComparison.Ordinal);
        var provider = File.ReadAllText(Path.Combine(GrafanaDashboards.Root, "provisioning", "dashboards", "smartcommunity.yaml"));
        Assert.Contains("type: file", provider, StringComparison.Ordinal);

        foreach (var path in Directory.EnumerateFiles(Path.Combine(GrafanaDashboards.Root, "dashboards"), "*.json"))
        {
            var text = File.ReadAllText(path);
            using var document = JsonDocument.Parse(text);
            Assert.False(string.IsNullOrEmpty(document.RootElement.GetProperty("uid").GetString()), path);
            Assert.DoesNotContain("\"uid\": \"${", text, StringComparison.Ordinal); // no unresolved import placeholders
            foreach (var panel in document.RootElement.GetProperty("panels").EnumerateArray())
            {
                Assert.Equal("smartcommunity-influxdb", panel.GetProperty("datasource").GetProperty("uid").GetString());
            }
        }
    }
}
