using Microsoft.Extensions.DependencyInjection;
using MQTTnet;
using MQTTnet.Protocol;
using SmartCommunity.Gateway.Broker;
using SmartCommunity.Gateway.Tests.Support;
using SmartCommunity.Protocol.Topics;
using SmartCommunity.Testing;

namespace SmartCommunity.Gateway.Tests.Broker;

/// <summary>
/// Issue 17: <c>Broker:Transport=Kestrel</c> (MQTTnet.AspNetCore on Kestrel), the variant the ingest benchmark
/// measures against our buffered listener. Whatever the transport, the broker above it is the same: devices
/// authenticate, touch only their own topics, and their messages reach ingest; the HTTP API keeps its port.
/// </summary>
public sealed class KestrelTransportTests : IAsyncLifetime
{
    private readonly RecordingHandler _recorder = new();
    private GatewayFactory _gateway = null!;

    public Task InitializeAsync()
    {
        _gateway = new GatewayFactory(settings: new() { ["Broker:Transport"] = "Kestrel" },
            services: s => s.AddSingleton<Gateway.Ingest.IDeviceMessageHandler>(_recorder)).Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task ADevicesMessagesArriveInOrderAndItsSpoofsAreRefusedOverKestrel()
    {
        Assert.Equal(BrokerTransport.Kestrel, _gateway.Get<EmbeddedBroker>().Transport);
        using var level = await _gateway.ConnectDeviceAsync(TestCommunity.LevelStation);
        for (var seq = 1; seq <= 50; seq++)
        {
            var sent = await level.PublishAsync(TopicScheme.Telemetry(TestCommunity.LevelStation), Payloads.Level(seq, 1.5), MqttQualityOfServiceLevel.AtLeastOnce);
            Assert.True(sent.IsSuccess, sent.ReasonString);
        }

        var spoof = await level.PublishAsync(TopicScheme.Event(TestCommunity.DoorUnit), Payloads.DoorEvent(1, "door_forced"), MqttQualityOfServiceLevel.AtLeastOnce);

        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, spoof.ReasonCode);
        await Eventually.TrueAsync(() => _recorder.Telemetry.Count >= 50, because: "all 50 readings processed");
        Assert.Equal(Enumerable.Range(1, 50).Select(i => (long)i), _recorder.Telemetry.Select(t => t.Message.Seq));
        Assert.Empty(_recorder.Events);
    }

    [Fact]
    public async Task AWrongSecretIsRefusedOverKestrelAndTheApiStillAnswers()
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        var options = _gateway.MqttOptions(TestCommunity.LevelStation, "not-the-secret");

        var refused = await Record.ExceptionAsync(async () =>
        {
            var result = await client.ConnectAsync(options);
            Assert.NotEqual(MqttClientConnectResultCode.Success, result.ResultCode);
        });

        Assert.False(client.IsConnected, refused?.Message);
        using var admin = await _gateway.LoginAsync("admin");
        using var health = await admin.GetAsync("/health");
        Assert.True(health.IsSuccessStatusCode, await health.Content.ReadAsStringAsync());
    }
}
