using System.Globalization;
using System.Net.Http.Json;
using SmartCommunity.Gateway.Tests.Support;
using SmartCommunity.Gateway.TimeSeries;
using SmartCommunity.TimeSeries;
using SmartCommunity.TimeSeries.Hosting;
using SmartCommunity.TimeSeries.Querying;
using SmartCommunity.TimeSeries.Writing;

namespace SmartCommunity.Gateway.Tests.TimeSeries;

/// <summary>
/// A private influxd 1.6.7 and a gateway in <c>TimeSeries:Mode=InfluxDb</c> pointing at it, filled once with
/// <see cref="DeviceTraffic"/>, a hazardous spot with a discharge notice (risk, discharge and alert series), a shelter
/// with a headcount (occupancy) and one
/// gateway-metrics sample, then flushed: what the writer accepted has been
/// acknowledged by InfluxDB when the fixture is ready.
/// </summary>
public sealed class InfluxGatewayFixture : IAsyncLifetime
{
    public const string Database = "smartcommunity";

    public InfluxDbProcess Influx { get; private set; } = null!;

    public GatewayFactory Gateway { get; private set; } = null!;

    public InfluxQueryClient Query { get; private set; } = null!;

    /// <summary>Unix ms of the newest reading the fixture published.</summary>
    public long Now { get; private set; }

    public async Task InitializeAsync()
    {
        Influx = await InfluxDbProcess.StartAsync();
        await Influx.CreateDatabaseAsync(Database);
        Gateway = new GatewayFactory(settings: new()
        {
            ["TimeSeries:Mode"] = "InfluxDb",
            ["TimeSeries:Influx:ServerUrl"] = Influx.Url.ToString(),
            ["TimeSeries:Influx:Database"] = Database,
            ["TimeSeries:Influx:FlushInterval"] = "00:00:00.200",
        }).Start();
        Query = new InfluxQueryClient(new InfluxOptions { ServerUrl = Influx.Url, Database = Database });

        // A spot on the station's river and a discharge notice for it: water_risk, water_discharge and alert points.
        await SmartCommunity.Gateway.Tests.WaterSafety.WaterSafetyTestBed.PutSpotAsync(Gateway);
        Now = Payloads.NowMs;
        await DeviceTraffic.PublishAsync(Gateway, Now);
        await IssueDischargeNoticeAsync();
        await CountShelterAsync();
        var ingest = Gateway.Get<SmartCommunity.Gateway.Ingest.IngestMetrics>();
        // 3 devices × readings telemetry + door passages + 2 other events + the malformed one: wait until all were handled.
        await SmartCommunity.Testing.Eventually.TrueAsync(
            () => ingest.TotalAccepted + ingest.TotalRejected >= (4 * DeviceTraffic.Readings) + 3,
            TimeSpan.FromSeconds(20), "every published message handled");
        Gateway.Get<GatewayMetricsSampler>().Sample(write: true);
        // "Accepted" is counted as a message is dispatched, so the last points may reach the writer just after it.
        await SmartCommunity.Testing.Eventually.TrueAsync(async () =>
        {
            await Gateway.Get<IPointWriter>().FlushAsync();
            return await CountAsync("level_m", "water_level") == DeviceTraffic.Readings
                && await CountAsync("in_total", "door_traffic") == DeviceTraffic.Readings
                && await CountAsync("fps", "camera_stream") == DeviceTraffic.Readings
                && await CountAsync("count", "device_event") == DeviceTraffic.Readings + 2
                && await CountAsync("risk", "water_risk") > 0
                && await CountAsync("active", "water_discharge") > 0
                && await CountAsync("count", "alert") > 0
                && await CountAsync("occupants", "shelter_occupancy") > 0;
        }, TimeSpan.FromSeconds(20), "every point in InfluxDB");
    }

    private async Task IssueDischargeNoticeAsync()
    {
        using var water = await Gateway.LoginAsync("wa");
        var plan = await water.PutAsJsonAsync("/api/water/reservoirs/res-1", new
        {
            name = "青溪水库",
            reaches = new[] { new { id = "reach-1", name = "青溪下游", spots = new[] { new { spotId = SmartCommunity.Gateway.Tests.WaterSafety.WaterSafetyTestBed.SpotId, bands = new[] { new { maxFlowM3s = 1000.0, travelMinutes = 60.0 } } } } } },
        });
        plan.EnsureSuccessStatusCode();
        var notice = await water.PostAsJsonAsync("/api/water/notices", new { reservoirId = "res-1", gateOpenAt = DateTimeOffset.UtcNow.AddMinutes(30), flowM3s = 500.0, durationMinutes = 60 });
        notice.EnsureSuccessStatusCode();
    }

    /// <summary>A shelter with a roll-call headcount: the shelters feature writes its occupancy (shelter_occupancy).</summary>
    private async Task CountShelterAsync()
    {
        SmartCommunity.Gateway.Tests.Shelters.ShelterTestBed.RegisterDevices(Gateway);
        await SmartCommunity.Gateway.Tests.Shelters.ShelterTestBed.PutAsync(Gateway, "gym", SmartCommunity.Gateway.Tests.Shelters.ShelterTestBed.Body());
        using var emergency = await Gateway.LoginAsync("em");
        var headcount = await emergency.PostAsJsonAsync("/api/shelters/gym/headcount", new { occupants = 10, note = "roll call" });
        headcount.EnsureSuccessStatusCode();
    }

    private async Task<long> CountAsync(string field, string measurement)
    {
        var result = await Query.QueryAsync($"SELECT count(\"{field}\") FROM \"{measurement}\"");
        return result.Series.Count == 0 ? 0 : (long)(result.Series[0].NumberAt(0, "count") ?? 0);
    }

    public async Task DisposeAsync()
    {
        Query.Dispose();
        await Gateway.DisposeAsync();
        await Influx.DisposeAsync();
    }

    public static string Ms(long unixMs) => unixMs.ToString(CultureInfo.InvariantCulture) + "ms";
}

[CollectionDefinition(Name)]
public sealed class InfluxGatewayGroup : ICollectionFixture<InfluxGatewayFixture>
{
    public const string Name = "InfluxDB 1.6.7 filled by the gateway";
}
