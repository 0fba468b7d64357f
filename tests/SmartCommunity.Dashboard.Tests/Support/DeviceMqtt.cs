using System.Globalization;
using System.Text;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace SmartCommunity.Dashboard.Tests.Support;

/// <summary>A demo device publishing over MQTT 5, QoS 1, with its own credentials, as the real device does.</summary>
public static class DeviceMqtt
{
    private static long _seq = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    /// <summary>The next sequence number (unique in the test run, so the gateway's de-duplication keeps every message).</summary>
    public static long NextSeq() => Interlocked.Increment(ref _seq);

    /// <summary>Publishes payloads on <c>sc/v1/dev/{id}/{channel}</c> (telemetry, event) in order.</summary>
    public static async Task PublishAsync(int mqttPort, string deviceId, string secret, string channel, IEnumerable<string> payloads)
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
        foreach (var payload in payloads)
        {
            var message = new MqttApplicationMessageBuilder()
                .WithTopic($"sc/v1/dev/{deviceId}/{channel}")
                .WithPayload(Encoding.UTF8.GetBytes(payload))
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .Build();
            await client.PublishAsync(message, timeout.Token);
        }

        await client.DisconnectAsync(cancellationToken: timeout.Token);
    }

    public static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
