using System.Globalization;
using MQTTnet;
using MQTTnet.Protocol;
using SmartCommunity.Gateway.Tests.Support;
using SmartCommunity.Protocol.Topics;

namespace SmartCommunity.Gateway.Tests.TimeSeries;

/// <summary>
/// What a few minutes of a small community sends, through the real broker: a water-level station, a camera and a door
/// unit with telemetry and events, and one malformed message (so the reject series has a row).
/// </summary>
internal static class DeviceTraffic
{
    public const int Readings = 5;

    /// <summary>Levels the station reports, oldest first, one per 10 s ending now.</summary>
    public static double LevelAt(int i) => 1.25 + (0.1 * i);

    public static async Task PublishAsync(GatewayFactory gateway, long nowMs)
    {
        using var level = await gateway.ConnectDeviceAsync(TestCommunity.LevelStation);
        using var camera = await gateway.ConnectDeviceAsync(TestCommunity.Camera);
        using var door = await gateway.ConnectDeviceAsync(TestCommunity.DoorUnit);
        for (var i = 0; i < Readings; i++)
        {
            var ts = nowMs - ((Readings - 1 - i) * 10_000L);
            await level.PublishAsync(TopicScheme.Telemetry(TestCommunity.LevelStation),
                Json($$"""{"v":1,"ts":{{ts}},"seq":{{i + 1}},"level_m":{{LevelAt(i)}},"flow_m3s":{{12.5 + i}},"rain_mm":0.5,"battery_v":12.6,"signal_dbm":-71}"""), MqttQualityOfServiceLevel.AtLeastOnce);
            await camera.PublishAsync(TopicScheme.Telemetry(TestCommunity.Camera),
                Json($$"""{"v":1,"ts":{{ts}},"seq":{{i + 1}},"fps":{{24 + i}},"bitrate_kbps":4096,"temperature_c":31.5}"""), MqttQualityOfServiceLevel.AtLeastOnce);
            await door.PublishAsync(TopicScheme.Telemetry(TestCommunity.DoorUnit),
                Json($$"""{"v":1,"ts":{{ts}},"seq":{{(2 * i) + 1}},"in_total":{{10 * i}},"out_total":{{7 * i}}}"""), MqttQualityOfServiceLevel.AtLeastOnce);
            await door.PublishAsync(TopicScheme.Event(TestCommunity.DoorUnit),
                Json($$"""{"v":1,"ts":{{ts + 1}},"seq":{{(2 * i) + 2}},"type":"passage","door":"east","direction":"{{(i % 2 == 0 ? "in" : "out")}}","count":2,"card":"free text never a tag"}"""));
        }

        await door.PublishAsync(TopicScheme.Event(TestCommunity.DoorUnit),
            Json($$"""{"v":1,"ts":{{nowMs}},"seq":100,"type":"door_forced","door":"east"}"""));
        await camera.PublishAsync(TopicScheme.Event(TestCommunity.Camera),
            Json($$"""{"v":1,"ts":{{nowMs}},"seq":100,"type":"zone_enter","zone":"pond-1","track":17,"label":"person","confidence":0.9}"""));
        await level.PublishAsync(TopicScheme.Telemetry(TestCommunity.LevelStation), "{not json", MqttQualityOfServiceLevel.AtLeastOnce);
        await level.DisconnectAsync();
        await camera.DisconnectAsync();
        await door.DisconnectAsync();
    }

    private static string Json(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
