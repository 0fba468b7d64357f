using System.Globalization;
using System.Text;
using System.Text.Json;
using MQTTnet;
using SmartCommunity.Gateway.Alerts;
using SmartCommunity.Gateway.Tests.Alerts;
using SmartCommunity.Gateway.Tests.Support;
using SmartCommunity.Gateway.WaterSafety.Commands;
using SmartCommunity.Gateway.WaterSafety.Risk;
using SmartCommunity.Protocol.Topics;
using SmartCommunity.Testing;

namespace SmartCommunity.Gateway.Tests.WaterSafety;

/// <summary>Real devices over MQTT: a level station drives the risk up, a camera sees a person, the loudspeaker speaks.</summary>
public sealed class DangerZoneTests
{
    private static string ZoneEnter(long seq, string zone = WaterSafetyTestBed.Zone) => string.Create(CultureInfo.InvariantCulture,
        $$"""{"v":1,"ts":{{Payloads.NowMs}},"seq":{{seq}},"type":"zone_enter","zone":"{{zone}}","track":7,"label":"person","confidence":0.91,"snapshot":"http://127.0.0.1/snap/7.jpg"}""");

    [Fact]
    public async Task APersonEnteringTheDangerZoneWhileTheRiverRisesFastGetsTheVoiceDeterrentAndARedAlertWithEvidence()
    {
        await using var bed = AlertsTestBed.Start();
        var gateway = bed.Gateway;
        await WaterSafetyTestBed.PutSpotAsync(gateway);
        var monitor = gateway.Get<SpotMonitor>();

        // Twenty minutes of a flood rising 1.5 m/h above the danger line, sent as a store-and-forward backlog.
        using var station = await gateway.ConnectDeviceAsync(TestCommunity.LevelStation);
        var start = Payloads.NowMs - (20 * 60_000);
        for (var i = 0; i < 40; i++)
        {
            var ts = start + (i * 30_000L);
            await station.PublishAsync(TopicScheme.Telemetry(TestCommunity.LevelStation), Payloads.Level(i + 1, 32.0 + (1.5 * i * 30 / 3600), ts));
        }

        // All forty readings are in once the window spans them: the rise is then the whole series' slope.
        await Eventually.TrueAsync(() => monitor.State(WaterSafetyTestBed.SpotId).RiseMPerHour is > 1.4 and < 1.6, because: "the backlog is processed");
        Assert.True(monitor.State(WaterSafetyTestBed.SpotId).Level >= RiskLevel.Orange);

        using var speaker = await gateway.ConnectDeviceAsync(TestCommunity.Speaker);
        var received = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        speaker.ApplicationMessageReceivedAsync += e =>
        {
            received.TrySetResult(JsonDocument.Parse(Encoding.UTF8.GetString(e.ApplicationMessage.Payload)).RootElement.Clone());
            return Task.CompletedTask;
        };
        await speaker.SubscribeAsync(TopicScheme.Command(TestCommunity.Speaker), MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce);

        using var camera = await gateway.ConnectDeviceAsync(TestCommunity.Camera);
        await camera.PublishAsync(TopicScheme.Event(TestCommunity.Camera), ZoneEnter(1));

        var command = await received.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("play_voice", command.GetProperty("type").GetString());
        Assert.Equal("danger_leave", command.GetProperty("clip").GetString());
        Assert.Equal("危险水域，请速离开", command.GetProperty("text").GetString());
        var id = command.GetProperty("id").GetString()!;

        await speaker.PublishAsync(TopicScheme.CommandAck(TestCommunity.Speaker),
            string.Create(CultureInfo.InvariantCulture, $$"""{"v":1,"ts":{{Payloads.NowMs}},"seq":1,"id":"{{id}}","status":"done"}"""));
        var sender = gateway.Get<WarningCommandSender>();
        await Eventually.TrueAsync(() => sender.ForReason("spot:spot-a").SingleOrDefault()?.Status == "done");
        Assert.Equal(1, PrometheusText.Parse(gateway.Get<SmartCommunity.Metrics.PrometheusBridge>().Render()).Value("sc_water_danger_zone_command_seconds_count"));

        await bed.FlushAsync();
        await Eventually.TrueAsync(() => bed.OpenFor(WaterSafetyTestBed.SpotId).Any(a => a.Type == "danger_zone_person"));
        var alert = bed.OpenFor(WaterSafetyTestBed.SpotId).Single(a => a.Type == "danger_zone_person");
        Assert.Equal(AlertLevel.Red, alert.Level);
        Assert.Contains(alert.Evidence, e => e.Kind == "snapshot" && e.Uri == "http://127.0.0.1/snap/7.jpg");
        Assert.Contains(alert.Evidence, e => e.Kind == "footage");
        Assert.Contains(bed.OpenFor(WaterSafetyTestBed.SpotId), a => a.Type == "drowning_risk" && a.Level >= AlertLevel.Orange);
        Assert.Contains("sc_water_danger_zone_command_seconds_count 1", gateway.Get<SmartCommunity.Metrics.PrometheusBridge>().Render(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AtLowRiskAPersonAtTheWaterWarnsTheGuardWithoutSoundingTheLoudspeakerAndOtherZonesAreIgnored()
    {
        await using var bed = AlertsTestBed.Start();
        var gateway = bed.Gateway;
        await WaterSafetyTestBed.PutSpotAsync(gateway);

        using var camera = await gateway.ConnectDeviceAsync(TestCommunity.Camera);
        await camera.PublishAsync(TopicScheme.Event(TestCommunity.Camera), ZoneEnter(1, zone: "car-park"));
        await camera.PublishAsync(TopicScheme.Event(TestCommunity.Camera), ZoneEnter(2));

        await Eventually.TrueAsync(() => bed.OpenFor(WaterSafetyTestBed.SpotId).Any(a => a.Type == "danger_zone_person"));
        var alert = bed.OpenFor(WaterSafetyTestBed.SpotId).Single(a => a.Type == "danger_zone_person");
        Assert.True(alert.Level < AlertLevel.Red);
        Assert.Equal(1, alert.Count);
        Assert.Empty(gateway.Get<WarningCommandSender>().ForReason("spot:"));
        Assert.Equal(1, gateway.Get<SpotMonitor>().State(WaterSafetyTestBed.SpotId).PeopleInZone);
    }
}
