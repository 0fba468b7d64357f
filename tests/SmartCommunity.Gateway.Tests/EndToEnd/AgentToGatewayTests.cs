using Microsoft.Extensions.DependencyInjection;
using SmartCommunity.Gateway.Broker;
using SmartCommunity.Gateway.Ingest;
using SmartCommunity.Gateway.Tests.Support;
using SmartCommunity.Protocol.Messages;
using SmartCommunity.Protocol.Serialization;
using SmartCommunity.Protocol.Topics;
using SmartCommunity.Testing;

namespace SmartCommunity.Gateway.Tests.EndToEnd;

/// <summary>The real edge agent with its simulators, feeding the real gateway over MQTT, across restarts.</summary>
public sealed class AgentToGatewayTests : IAsyncLifetime
{
    private readonly RecordingHandler _recorder = new();
    private readonly string _agentData = Directory.CreateTempSubdirectory("sc-agent-").FullName;
    private GatewayFactory _gateway = null!;

    private static readonly AgentHost.Device Level = new(TestCommunity.LevelStation, "water-level", "sim-water-level",
        new() { ["TelemetrySeconds"] = "0.05", ["BaseLevelM"] = "3.0", ["Seed"] = "1" });

    private static readonly AgentHost.Device Door = new(TestCommunity.DoorUnit, "door-access", "sim-door-access",
        new() { ["Seed"] = "2", ["Schedule:0:FromHour"] = "0", ["Schedule:0:InPerHour"] = "36000", ["Schedule:0:OutPerHour"] = "18000" });

    private static readonly AgentHost.Device Speaker = new(TestCommunity.Speaker, "warning-device", "sim-warning-device",
        new() { ["ClipSeconds"] = "0.1", ["Clips:0"] = "danger_leave" });

    public Task InitializeAsync()
    {
        _gateway = new GatewayFactory(services: Services).Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    private void Services(IServiceCollection services)
    {
        services.AddSingleton<IDeviceMessageHandler>(_recorder);
    }

    [Fact]
    public async Task SimulatedDevicesPublishValidDataAndTheSpeakerExecutesAndAcknowledgesACommand()
    {
        await using var agent = await AgentHost.StartAsync(_gateway.MqttPort, _agentData, Level, Door, Speaker);

        await Eventually.TrueAsync(() => _recorder.Telemetry.Count(t => t.Device == TestCommunity.LevelStation) >= 5, TimeSpan.FromSeconds(20));
        await Eventually.TrueAsync(() => _recorder.Events.Any(e => e.Device == TestCommunity.DoorUnit && e.Message.Type == EventTypes.Passage), TimeSpan.FromSeconds(20));
        await Eventually.TrueAsync(() => _gateway.Get<SmartCommunity.Gateway.Devices.DeviceRegistry>().Get(TestCommunity.Speaker)!.Online, TimeSpan.FromSeconds(20));

        var command = new CommandMessage { Id = "cmd-e2e-1", Ts = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), Type = CommandTypes.PlayVoice, Clip = "danger_leave", Text = "危险水域，请速离开" };
        await _gateway.Get<IDeviceBus>().PublishAsync(TopicScheme.Command(TestCommunity.Speaker),
            System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(command, ProtocolJson.Context.CommandMessage), 1, false, CancellationToken.None);

        await Eventually.TrueAsync(() => _recorder.Acks.Any(a => a.Message.Id == "cmd-e2e-1" && a.Message.Status == CommandAckMessage.Done), TimeSpan.FromSeconds(20));
        Assert.Contains(_recorder.Acks, a => a.Message.Id == "cmd-e2e-1" && a.Message.Status == CommandAckMessage.Accepted);
        Assert.Equal(0, _gateway.Get<IngestMetrics>().TotalRejected);
    }

    [Fact]
    public async Task EventsPublishedWhileTheGatewayIsDownArriveExactlyOnceAfterItRestarts()
    {
        var agent = await AgentHost.StartAsync(_gateway.MqttPort, _agentData, Door);
        await Eventually.TrueAsync(() => _recorder.Events.Count >= 3, TimeSpan.FromSeconds(20));

        // The gateway goes away (a restart) while the door keeps counting people.
        await _gateway.DisposeAsync();
        var beforeRestart = _recorder.Events.Count;
        await Eventually.TrueAsync(() => agent.Counters(TestCommunity.DoorUnit).Queued >= 10, TimeSpan.FromSeconds(20), "the agent queues on disk while the gateway is down");
        _gateway = _gateway.Reopen(services: Services).Start();

        await Eventually.TrueAsync(() => _recorder.Events.Count >= beforeRestart + 10, TimeSpan.FromSeconds(30));
        await agent.DisposeAsync();

        // Every sequence number once, no gaps, although the gateway was down for a while.
        var seqs = _recorder.Events.Where(e => e.Device == TestCommunity.DoorUnit).Select(e => (e.Message.Boot, e.Message.Seq)).ToList();
        // A clean stop is never replayed as if it had crashed (that handled the last segment's messages twice).
        Assert.Equal(0, _gateway.Get<IngestMetrics>().Replayed.Value);

        Assert.Equal(seqs.Count, seqs.Distinct().Count());
        var sorted = seqs.Select(s => s.Seq).Order().ToList();
        Assert.Equal(sorted.Count, (int)(sorted[^1] - sorted[0] + 1) - CountTelemetryAndStatusIn(sorted));
    }

    private int CountTelemetryAndStatusIn(List<long> eventSeqs)
    {
        // seq is shared by all of a device's classes; the door unit also sends telemetry (counters) with seqs in between.
        var telemetry = _recorder.Telemetry.Where(t => t.Device == TestCommunity.DoorUnit).Select(t => t.Message.Seq)
            .Count(s => s > eventSeqs[0] && s < eventSeqs[^1]);
        return telemetry;
    }
}
