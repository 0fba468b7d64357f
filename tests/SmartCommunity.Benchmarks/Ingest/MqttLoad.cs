using System.Diagnostics;
using System.Globalization;
using System.Text;
using MQTTnet;
using MQTTnet.Protocol;
using SmartCommunity.Protocol.Topics;

namespace SmartCommunity.Benchmarks.Ingest;

/// <summary>
/// The same publishing load for both sides of a comparison: <c>clients</c> device connections, each sending
/// <c>perClient</c> telemetry messages (a realistic ~80-byte water-level reading) as fast as MQTT allows.
/// </summary>
internal static class MqttLoad
{
    public static Task<List<IMqttClient>> ConnectAsync(int port, int clients, Func<int, (string Id, string? Secret)> identity) =>
        ConnectAsync("127.0.0.1", port, clients, identity);

    public static async Task<List<IMqttClient>> ConnectAsync(string host, int port, int clients, Func<int, (string Id, string? Secret)> identity)
    {
        var connected = new List<IMqttClient>(clients);
        for (var i = 1; i <= clients; i++)
        {
            var (id, secret) = identity(i);
            var client = new MqttClientFactory().CreateMqttClient();
            var result = await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer(host, port).WithClientId(id)
                .WithCredentials(id, secret).WithTimeout(TimeSpan.FromSeconds(30)).Build());
            if (result.ResultCode != MqttClientConnectResultCode.Success)
            {
                throw new InvalidOperationException($"{id} could not connect: {result.ResultCode}");
            }

            connected.Add(client);
        }

        return connected;
    }

    /// <summary>Publishes the load from every client at once; returns when every message was handed to the socket.</summary>
    /// <param name="eventType">Null for readings on the telemetry topic; otherwise events of this type on the event topic.</param>
    public static Task PublishAsync(IReadOnlyList<IMqttClient> clients, int perClient, Func<int, string> deviceId, MqttQualityOfServiceLevel qos, string? eventType = null)
    {
        return Task.WhenAll(clients.Select((client, index) => Task.Run(async () =>
        {
            var topic = eventType is null ? TopicScheme.Telemetry(deviceId(index + 1)) : TopicScheme.Event(deviceId(index + 1));
            var boot = Stopwatch.GetTimestamp();
            for (var seq = 1; seq <= perClient; seq++)
            {
                await client.PublishAsync(new MqttApplicationMessage { Topic = topic, PayloadSegment = Payload(seq, boot, eventType), QualityOfServiceLevel = qos });
            }
        })));
    }

    /// <summary>The message template every load uses: a ~80-byte water-level reading, or an event of <paramref name="eventType"/>.</summary>
    public static byte[] Payload(long seq, long boot, string? eventType)
    {
        var ts = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        return Encoding.UTF8.GetBytes(eventType is null
            ? string.Create(CultureInfo.InvariantCulture, $$"""{"v":1,"ts":{{ts}},"seq":{{seq}},"boot":{{boot}},"level_m":{{12 + (seq % 100) / 1000.0}},"battery_v":12.6}""")
            : string.Create(CultureInfo.InvariantCulture, $$"""{"v":1,"ts":{{ts}},"seq":{{seq}},"boot":{{boot}},"type":"{{eventType}}","level_m":{{12 + (seq % 100) / 1000.0}}}"""));
    }

    public static async Task DisconnectAsync(IEnumerable<IMqttClient> clients)
    {
        foreach (var client in clients)
        {
            try
            {
                await client.DisconnectAsync();
            }
            catch (Exception ex) when (ex is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException)
            {
                // Already gone.
            }

            client.Dispose();
        }
    }
}
