using SmartCommunity.Gateway.Tests.Support;
using SmartCommunity.Gateway.WaterSafety.Risk;
using SmartCommunity.Protocol.Topics;
using SmartCommunity.Testing;
using SmartCommunity.TimeSeries.Hosting;
using SmartCommunity.TimeSeries.Writing;

namespace SmartCommunity.Gateway.Tests.WaterSafety;

/// <summary>The level windows (rise-rate input) are read back from the time-series store when the gateway starts.</summary>
public sealed class LevelWindowReloadTests
{
    private const int Readings = 12;
    private const double RiseMPerHour = 0.6;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AfterARestartTheRateOfRiseIsKnownFromStoredReadingsBeforeANewOneArrives(bool influxDb)
    {
        await using var influx = influxDb ? await InfluxDbProcess.StartAsync() : null;
        var settings = new Dictionary<string, string?>();
        if (influx is not null)
        {
            await influx.CreateDatabaseAsync("sc");
            settings["TimeSeries:Mode"] = "InfluxDb";
            settings["TimeSeries:Influx:ServerUrl"] = influx.Url.ToString();
            settings["TimeSeries:Influx:Database"] = "sc";
        }

        var gateway = new GatewayFactory(settings: settings).Start();
        try
        {
            await WaterSafetyTestBed.PutSpotAsync(gateway);

            // Twelve readings two minutes apart, the newest now, rising 0.6 m/h to 30.0 m.
            var now = Payloads.NowMs;
            using (var station = await gateway.ConnectDeviceAsync(TestCommunity.LevelStation))
            {
                for (var i = 0; i < Readings; i++)
                {
                    var ts = now - ((Readings - 1 - i) * 120_000L);
                    await station.PublishAsync(TopicScheme.Telemetry(TestCommunity.LevelStation), Payloads.Level(i + 1, 30.0 + (RiseMPerHour * (ts - now) / 3_600_000.0), ts));
                }
            }

            var monitor = gateway.Get<SpotMonitor>();
            await Eventually.TrueAsync(() => monitor.State(WaterSafetyTestBed.SpotId).RiseMPerHour is { } r && Math.Abs(r - RiseMPerHour) < 0.01, because: "the live window has every reading");
            await gateway.Get<IPointWriter>().FlushAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            await gateway.DisposeAsync();
        }

        await using var restarted = gateway.Reopen(settings).Start();
        var again = restarted.Get<SpotMonitor>();
        await Eventually.TrueAsync(() => again.State(WaterSafetyTestBed.SpotId).RiseMPerHour is not null, because: "the window is reloaded from the store at start");

        var state = again.State(WaterSafetyTestBed.SpotId);
        Assert.Equal(Readings, again.Reloaded[TestCommunity.LevelStation]);
        Assert.Equal(RiseMPerHour, state.RiseMPerHour!.Value, 2);
        Assert.Equal(30.0, state.LevelM!.Value, 1);
        Assert.Contains(state.Reasons, r => r.Code == "rise_warning"); // 0.6 m/h ≥ the spot's 0.3 m/h warning rate
    }
}
