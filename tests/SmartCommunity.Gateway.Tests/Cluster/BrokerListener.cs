using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using MQTTnet;
using MQTTnet.Protocol;

namespace SmartCommunity.Gateway.Tests.Cluster;

/// <summary>
/// A client of the cluster's own broker that keeps every message on one topic, as a guard's terminal or a
/// loudspeaker would receive them: whichever gateway published, the broker is where a duplicate would show.
/// </summary>
internal sealed class BrokerListener : IAsyncDisposable
{
    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();

    private BrokerListener()
    {
    }

    public ConcurrentQueue<(DateTimeOffset At, JsonElement Json)> Messages { get; } = new();

    public static async Task<BrokerListener> StartAsync(int port, string clientId, string topic)
    {
        var listener = new BrokerListener();
        listener._client.ApplicationMessageReceivedAsync += e =>
        {
            listener.Messages.Enqueue((DateTimeOffset.UtcNow, JsonDocument.Parse(Encoding.UTF8.GetString(e.ApplicationMessage.Payload)).RootElement.Clone()));
            return Task.CompletedTask;
        };
        await listener._client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithClientId(clientId)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).Build());
        var granted = await listener._client.SubscribeAsync(topic, MqttQualityOfServiceLevel.AtLeastOnce);
        if (granted.Items.Single().ResultCode != MqttClientSubscribeResultCode.GrantedQoS1)
        {
            throw new InvalidOperationException($"{clientId} could not subscribe to {topic}: {granted.Items.Single().ResultCode}");
        }

        return listener;
    }

    public List<JsonElement> Where(Func<JsonElement, bool> match) => Messages.Select(m => m.Json).Where(match).ToList();

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
        {
            await _client.DisconnectAsync();
        }

        _client.Dispose();
    }
}
