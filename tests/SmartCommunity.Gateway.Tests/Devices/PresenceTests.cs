using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MQTTnet;
using SmartCommunity.Gateway.Devices;
using SmartCommunity.Gateway.Tests.Support;
using SmartCommunity.Protocol.Topics;
using SmartCommunity.Testing;

namespace SmartCommunity.Gateway.Tests.Devices;

public sealed class PresenceTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly List<PresenceChange> _changes = [];
    private GatewayFactory _gateway = null!;

    public Task InitializeAsync()
    {
        _gateway = new GatewayFactory(services: s => s.AddSingleton<TimeProvider>(_time)).Start();
        _gateway.Get<DevicePresence>().Changed += change =>
        {
            lock (_changes)
            {
                _changes.Add(change);
            }
        };
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    private DeviceRuntime Device(string id) => _gateway.Get<DeviceRegistry>().Get(id)!;

    private bool Saw(string id, bool online, string cause)
    {
        lock (_changes)
        {
            return _changes.Any(c => c.DeviceId == id && c.Online == online && c.Cause == cause);
        }
    }

    [Fact]
    public async Task ConnectingMarksADeviceOnlineAndACleanDisconnectMarksItOffline()
    {
        var client = await _gateway.ConnectDeviceAsync(TestCommunity.DoorUnit);
        await Eventually.TrueAsync(() => Saw(TestCommunity.DoorUnit, true, "connected"));

        await client.DisconnectAsync();
        client.Dispose();

        await Eventually.TrueAsync(() => Saw(TestCommunity.DoorUnit, false, "disconnected"));
        Assert.False(Device(TestCommunity.DoorUnit).Online);
    }

    [Fact]
    public async Task TheLastWillFromABrokenConnectionMarksTheDeviceOffline()
    {
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", _gateway.MqttPort)
            .WithClientId(TestCommunity.LevelStation)
            .WithCredentials(TestCommunity.LevelStation, TestCommunity.SecretOf(TestCommunity.LevelStation))
            .WithWillTopic(TopicScheme.Status(TestCommunity.LevelStation))
            .WithWillPayload("{\"v\":1,\"state\":\"offline\"}")
            .WithWillRetain()
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(1))
            .Build();
        var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(options);
        await client.PublishAsync(TopicScheme.Status(TestCommunity.LevelStation), "{\"v\":1,\"state\":\"online\"}");
        await Eventually.TrueAsync(() => Device(TestCommunity.LevelStation).Online);

        // Drop the connection without DISCONNECT, as a power cut would: the broker sends the will.
        client.Dispose();

        await Eventually.TrueAsync(() => !Device(TestCommunity.LevelStation).Online, TimeSpan.FromSeconds(15));
        await Eventually.TrueAsync(() => Saw(TestCommunity.LevelStation, false, "connection lost") || Saw(TestCommunity.LevelStation, false, "status offline"));
    }

    [Fact]
    public async Task ADeviceSeenOnlyThroughDataGoesOfflineAfterTheSilenceTimeout()
    {
        // As in external-broker mode: data without a connection the gateway can see.
        var runtime = Device(TestCommunity.Camera);
        var presence = _gateway.Get<DevicePresence>();
        ((SmartCommunity.Gateway.Ingest.IDeviceMessageHandler)presence).OnTelemetry(runtime, new Protocol.Messages.TelemetryMessage { Ts = _time.GetUtcNow().ToUnixTimeMilliseconds() }, 0);
        runtime.MarkSeen(_time.GetUtcNow().ToUnixTimeMilliseconds());
        Assert.True(runtime.Online);

        _time.Advance(TimeSpan.FromMinutes(4));
        presence.CheckSilence();
        Assert.True(runtime.Online);

        _time.Advance(TimeSpan.FromMinutes(2));
        presence.CheckSilence();
        Assert.False(runtime.Online);
        await Eventually.TrueAsync(() => Saw(TestCommunity.Camera, false, "silent"));
    }
}
