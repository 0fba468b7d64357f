using System.Text.Json;
using SmartCommunity.EdgeAgent.Devices;
using SmartCommunity.EdgeAgent.Drivers.Simulation;
using SmartCommunity.EdgeAgent.Tests.Support;
using SmartCommunity.Protocol.Messages;
using SmartCommunity.Protocol.Serialization;
using SmartCommunity.Protocol.Topics;
using SmartCommunity.Protocol.Validation;

namespace SmartCommunity.EdgeAgent.Tests.Commands;

/// <summary>Commands from the gateway's side of a real broker to the driver, and the acks back.</summary>
public sealed class CommandTests : IAsyncLifetime, IDisposable
{
    private const string DeviceId = "speaker-3";
    private readonly TempDirectory _data = new();
    private MosquittoProcess _broker = null!;
    private TestSubscriber _gateway = null!;

    public async Task InitializeAsync()
    {
        _broker = await MosquittoProcess.StartAsync(persistent: true);
        _gateway = await TestSubscriber.ConnectAsync(_broker.Port);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _broker.DisposeAsync();
    }

    public void Dispose() => _data.Dispose();

    private async Task<TestAgent> StartAgentAsync(string driver = ManualDriver.Name, Action<Dictionary<string, string?>>? configure = null)
    {
        var config = TestAgent.Config(_broker.Port, _data.Path, DeviceId, "warning-device", driver);
        configure?.Invoke(config);
        var agent = await TestAgent.StartAsync(config);
        await _gateway.WaitForAsync(ms => ms.Any(m => m.Topic == TopicScheme.Status(DeviceId) && m.Text.Contains("online", StringComparison.Ordinal)), "online");
        return agent;
    }

    private Task SendAsync(CommandMessage command) =>
        _gateway.PublishAsync(TopicScheme.Command(DeviceId), JsonSerializer.Serialize(command, ProtocolJsonContext.Default.CommandMessage));

    private static CommandMessage Command(string id, string type = CommandTypes.PlayVoice) => new()
    {
        Id = id,
        Ts = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
        Type = type,
        Clip = type == CommandTypes.PlayVoice ? "danger_leave" : null,
        DurationS = type == CommandTypes.Siren ? 1 : null,
    };

    private List<CommandAckMessage> Acks(string id) =>
        [.. _gateway.Messages
            .Where(m => m.Topic == TopicScheme.CommandAck(DeviceId))
            .Select(m => MessageDecoder.DecodeCommandAck(m.Payload, DateTimeOffset.UtcNow, ValidationLimits.Default))
            .Select(r => r.Message ?? throw new InvalidOperationException(r.Error))
            .Where(a => a.Id == id)];

    private Task WaitForAcksAsync(string id, int count) =>
        _gateway.WaitForAsync(_ => Acks(id).Count >= count, $"{count} acks for {id}");

    [Fact]
    public async Task ACommandReachesTheDriverAndIsAnsweredAcceptedThenDone()
    {
        await using var agent = await StartAgentAsync();
        await SendAsync(Command("cmd-1"));

        await WaitForAcksAsync("cmd-1", 2);
        Assert.Equal([CommandAckMessage.Accepted, CommandAckMessage.Done], Acks("cmd-1").Select(a => a.Status));
        Assert.Equal("did play_voice", Acks("cmd-1")[1].Detail);
        var seen = Assert.Single(agent.Driver.Commands);
        Assert.Equal(("cmd-1", "danger_leave"), (seen.Id, seen.Clip));
    }

    [Fact]
    public async Task ADriverThatFailsACommandIsAnsweredFailedWithItsReason()
    {
        await using var agent = await StartAgentAsync();
        agent.Driver.Outcome = _ => throw new InvalidOperationException("amplifier overheated");
        await SendAsync(Command("cmd-2"));

        await WaitForAcksAsync("cmd-2", 2);
        var final = Acks("cmd-2")[1];
        Assert.Equal((CommandAckMessage.Failed, "amplifier overheated"), (final.Status, final.Detail));
    }

    [Fact]
    public async Task MalformedCommandsAreCountedAndTheAgentKeepsTakingCommands()
    {
        await using var agent = await StartAgentAsync();
        await _gateway.PublishAsync(TopicScheme.Command(DeviceId), "this is not json");
        await _gateway.PublishAsync(TopicScheme.Command(DeviceId), """{"v":1,"id":"bad-1","ts":1,"type":"self_destruct"}""");
        await SendAsync(Command("cmd-3"));

        await WaitForAcksAsync("cmd-3", 2);
        await WaitForAcksAsync("bad-1", 1);
        Assert.Equal(CommandAckMessage.Failed, Assert.Single(Acks("bad-1")).Status);
        var counters = agent.Device(DeviceId).Snapshot();
        Assert.Equal((3L, 2L), (counters.CommandsReceived, counters.CommandsMalformed));
        Assert.Equal(["cmd-3"], agent.Driver.Commands.Select(c => c.Id));
        Assert.Contains(agent.Logs.Lines, l => l.StartsWith("Warning", StringComparison.Ordinal) && l.Contains("malformed command", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnExpiredCommandIsAnsweredExpiredAndNotRun()
    {
        await using var agent = await StartAgentAsync();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await SendAsync(Command("late-1") with { Ts = now - 120_000, ExpiresTs = now - 60_000 });

        await WaitForAcksAsync("late-1", 1);
        Assert.Equal(CommandAckMessage.Expired, Assert.Single(Acks("late-1")).Status);
        Assert.Empty(agent.Driver.Commands);
        Assert.Equal(1, agent.Device(DeviceId).Snapshot().CommandsExpired);
    }

    [Fact]
    public async Task TheSimulatedWarningDevicePlaysAClipAndStopInterruptsASiren()
    {
        await using var agent = await StartAgentAsync(WarningDeviceSimulator.DriverName, c =>
        {
            c["Devices:0:Settings:ClipSeconds"] = "0.01";
            c["Devices:0:Settings:TelemetrySeconds"] = "3600";
        });

        await SendAsync(Command("voice-1"));
        await WaitForAcksAsync("voice-1", 2);
        Assert.Equal([CommandAckMessage.Accepted, CommandAckMessage.Done], Acks("voice-1").Select(a => a.Status));
        Assert.Contains(agent.Logs.Lines, l => l.Contains("playing clip danger_leave", StringComparison.Ordinal));

        await SendAsync(Command("siren-1", CommandTypes.Siren) with { DurationS = 3600 });
        await WaitForAcksAsync("siren-1", 1);
        await SendAsync(Command("stop-1", CommandTypes.Stop));
        await WaitForAcksAsync("siren-1", 2);
        Assert.Equal("interrupted by a stop command", Acks("siren-1")[1].Detail);
        await WaitForAcksAsync("stop-1", 2);
    }
}
