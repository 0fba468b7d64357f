using System.Buffers;
using System.Text;
using System.Text.Json;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace SmartCommunity.EdgeAgent.Tests.Support;

/// <summary>
/// The gateway's side in tests: an MQTTnet client with a persistent session (so it misses nothing while the broker
/// restarts), subscribed to the device tree, recording every message in arrival order; reconnects on its own.
/// </summary>
public sealed class TestSubscriber : IAsyncDisposable
{
    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();
    private readonly MqttClientOptions _options;
    private readonly Lock _lock = new();
    private readonly List<Received> _messages = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly string _filter;
    private Task _reconnecting = Task.CompletedTask;

    public sealed record Received(string Topic, byte[] Payload, bool Retain)
    {
        public string Text => Encoding.UTF8.GetString(Payload);

        public long Seq => JsonDocument.Parse(Payload).RootElement.GetProperty("seq").GetInt64();

        public long Boot => JsonDocument.Parse(Payload).RootElement.GetProperty("boot").GetInt64();

        public string Leaf => Topic[(Topic.LastIndexOf('/') + 1)..];
    }

    private TestSubscriber(int port, string filter)
    {
        _filter = filter;
        _options = new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", port)
            .WithClientId("test-gateway-" + Guid.NewGuid().ToString("N")[..8])
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithCleanStart(false)
            .WithSessionExpiryInterval(uint.MaxValue)
            .WithTimeout(TimeSpan.FromSeconds(5))
            .Build();
        _client.ApplicationMessageReceivedAsync += e =>
        {
            lock (_lock)
            {
                _messages.Add(new Received(e.ApplicationMessage.Topic, e.ApplicationMessage.Payload.ToArray(), e.ApplicationMessage.Retain));
            }

            return Task.CompletedTask;
        };
        _client.DisconnectedAsync += _ =>
        {
            if (!_stop.IsCancellationRequested)
            {
                _reconnecting = ReconnectAsync();
            }

            return Task.CompletedTask;
        };
    }

    public static async Task<TestSubscriber> ConnectAsync(int port, string filter = "sc/v1/#")
    {
        var subscriber = new TestSubscriber(port, filter);
        await subscriber._client.ConnectAsync(subscriber._options);
        await subscriber._client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(f => f.WithTopic(filter).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce))
            .Build());
        return subscriber;
    }

    public bool IsConnected => _client.IsConnected;

    public IReadOnlyList<Received> Messages
    {
        get { lock (_lock) return [.. _messages]; }
    }

    /// <summary>Telemetry, events and acks (the classes that carry <c>seq</c>), in arrival order.</summary>
    public IReadOnlyList<Received> Sequenced(string? deviceId = null) =>
        [.. Messages.Where(m => m.Leaf is "telemetry" or "event" or "ack" && (deviceId is null || m.Topic.Contains("/" + deviceId + "/", StringComparison.Ordinal)))];

    public Task WaitForAsync(Func<IReadOnlyList<Received>, bool> condition, string what, TimeSpan? timeout = null) =>
        Eventually.TrueAsync(() => condition(Messages), () => $"{what}; received so far: {Messages.Count} messages: {string.Join(" | ", Messages.TakeLast(5).Select(m => m.Topic + " " + m.Text))}", timeout);

    public Task PublishAsync(string topic, string payload) =>
        _client.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(Encoding.UTF8.GetBytes(payload))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build());

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _reconnecting;
        if (_client.IsConnected)
        {
            await _client.DisconnectAsync();
        }

        _client.Dispose();
        _stop.Dispose();
    }

    private async Task ReconnectAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(50, _stop.Token);
                await _client.ConnectAsync(_options, _stop.Token);
                return;
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception ex) when (ex is MQTTnet.Exceptions.MqttCommunicationException or InvalidOperationException)
            {
                // Broker still down; try again.
            }
        }
    }
}
