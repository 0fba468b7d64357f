using System.Globalization;
using System.Text;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace SmartCommunity.Dashboard.Tests.Support;

/// <summary>A demo level station: publishes <c>level_m</c> telemetry over MQTT 5, QoS 1, as the device does.</summary>
public static class LevelStation
{
    private static long _seq = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    /// <summary>The beach's station (the spot whose risk the shared fixture makes red above danger).</summary>
    public static Task PublishBeachAsync(int mqttPort, params double[] levels) =>
        PublishAsync(mqttPort, DemoPeople.BeachStation, DemoPeople.BeachStationSecret, levels);

    /// <summary>Readings one second apart, the last one now.</summary>
    public static async Task PublishAsync(int mqttPort, string deviceId, string secret, params double[] levels)
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", mqttPort)
            .WithClientId(deviceId)
            .WithCredentials(deviceId, secret)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithTimeout(TimeSpan.FromSeconds(10))
            .Build();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await client.ConnectAsync(options, timeout.Token);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        for (var i = 0; i < levels.Length; i++)
        {
            var seq = Interlocked.Increment(ref _seq);
            var ts = now - ((levels.Length - 1 - i) * 1000L);
            var payload = string.Create(CultureInfo.InvariantCulture, $$"""{"v":1,"ts":{{ts}},"seq":{{seq}},"level_m":{{levels[i]}}}""");
            var message = new MqttApplicationMessageBuilder()
                .WithTopic($"sc/v1/dev/{deviceId}/telemetry")
                .WithPayload(Encoding.UTF8.GetBytes(payload))
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .Build();
            await client.PublishAsync(message, timeout.Token);
        }

        await client.DisconnectAsync(cancellationToken: timeout.Token);
    }
}
