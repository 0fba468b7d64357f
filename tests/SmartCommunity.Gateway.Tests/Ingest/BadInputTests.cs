using System.Buffers;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using MQTTnet;
using SmartCommunity.Gateway.Infrastructure.Metrics;
using SmartCommunity.Gateway.Ingest;
using SmartCommunity.Gateway.Tests.Support;
using SmartCommunity.Protocol.Topics;
using SmartCommunity.Protocol.Validation;
using SmartCommunity.Testing;

namespace SmartCommunity.Gateway.Tests.Ingest;

/// <summary>Every class of bad input, sent through the real embedded broker between good messages.</summary>
public sealed class BadInputTests : IAsyncLifetime
{
    private readonly RecordingHandler _recorder = new();
    private GatewayFactory _gateway = null!;

    public Task InitializeAsync()
    {
        _gateway = new GatewayFactory(services: s => s.AddSingleton<IDeviceMessageHandler>(_recorder)).Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    private long Rejected(RejectReason reason)
    {
        var line = _gateway.Get<SmartCommunity.Metrics.PrometheusBridge>().Render().Split('\n')
            .Single(l => l.StartsWith($"sc_ingest_rejected_total{{reason=\"{reason.Label()}\"}}", StringComparison.Ordinal));
        return long.Parse(line.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task EachBadInputIsRefusedWithItsReasonAndGoodMessagesAroundItAllArriveInOrder()
    {
        using var device = await _gateway.ConnectDeviceAsync(TestCommunity.LevelStation);
        var topic = TopicScheme.Telemetry(TestCommunity.LevelStation);
        var now = Payloads.NowMs;
        var bad = new (string Payload, RejectReason Reason)[]
        {
            ("{not json", RejectReason.MalformedJson),
            ("""{"v":1,"ts":"noon","seq":1,"level_m":1}""", RejectReason.InvalidField),
            ($$"""{"v":1,"ts":{{now}},"seq":100,"level_m":"high"}""", RejectReason.InvalidField),
            ($$"""{"v":7,"ts":{{now}},"seq":101,"level_m":1}""", RejectReason.UnsupportedVersion),
            ("""{"v":1,"ts":4611686018427387904,"seq":102,"level_m":1}""", RejectReason.TimestampInFuture),
            ($$"""{"v":1,"ts":{{now}},"seq":104,"level_m":123456}""", RejectReason.OutOfRange),
            (Payloads.Level(1, 1.0), RejectReason.DuplicateSequence),
        };

        var seq = 0;
        await device.PublishAsync(topic, Payloads.Level(++seq, 1.0));
        foreach (var (payload, _) in bad)
        {
            await device.PublishAsync(topic, payload);
            await device.PublishAsync(topic, Payloads.Level(++seq + 200, 1.0 + seq));
        }

        await Eventually.TrueAsync(() => _recorder.Telemetry.Count == bad.Length + 1);
        foreach (var group in bad.GroupBy(b => b.Reason))
        {
            Assert.Equal(group.Count(), Rejected(group.Key));
        }

        var levels = _recorder.Telemetry.Select(t => t.Message.LevelM!.Value).ToList();
        Assert.Equal(levels.Order().ToList(), levels);
        Assert.Equal(bad.Length, _gateway.Get<RejectionLog>().Recent(TestCommunity.LevelStation).Count);
    }

    [Fact]
    public async Task AnUnknownTopicIsRefusedAndCounted()
    {
        using var device = await _gateway.ConnectDeviceAsync(TestCommunity.LevelStation);

        var result = await device.PublishAsync("sc/v1/dev/level-1/firmware", "{}");
        var outside = await device.PublishAsync("random/topic", "{}");

        Assert.Equal(MqttClientPublishReasonCode.TopicNameInvalid, result.ReasonCode);
        Assert.Equal(MqttClientPublishReasonCode.TopicNameInvalid, outside.ReasonCode);
        Assert.Equal(2, Rejected(RejectReason.UnknownTopic));
    }

    [Fact]
    public async Task AnOversizedPayloadIsRefusedAndTheConnectionClosedWhileOtherDevicesCarryOn()
    {
        using var hostile = await _gateway.ConnectDeviceAsync(TestCommunity.Camera);
        using var good = await _gateway.ConnectDeviceAsync(TestCommunity.LevelStation);
        var disconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        hostile.DisconnectedAsync += _ =>
        {
            disconnected.TrySetResult();
            return Task.CompletedTask;
        };

        try
        {
            // Just over Ingest:MaxPayloadBytes (16 KB) but under the listener's packet limit (payload + Broker:PacketHeaderBytes),
            // so ingest refuses it; a far larger packet is cut off by the listener while it is read (HostileConnectionTests).
            await hostile.PublishAsync(TopicScheme.Event(TestCommunity.Camera), "{\"detail\":\"" + new string('x', 16_500) + "\"}");
        }
        catch (Exception ex) when (ex is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException)
        {
            // The broker may close the connection before the acknowledgement arrives.
        }

        await disconnected.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await good.PublishAsync(TopicScheme.Telemetry(TestCommunity.LevelStation), Payloads.Level(1, 2.0));
        await Eventually.TrueAsync(() => _recorder.Telemetry.Count == 1);
        Assert.Equal(1, Rejected(RejectReason.Oversized));
        Assert.Empty(_recorder.Events);
    }

    [Fact]
    public async Task AMessageForADeviceThatIsNotRegisteredIsRefusedOnTheExternalBrokerPath()
    {
        // In external-broker mode the sender is not known to the gateway; the topic's device must be registered.
        var pipeline = _gateway.Get<IngestPipeline>();
        var verdict = await pipeline.AcceptAsync(TopicScheme.Telemetry("ghost-device"), new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(Payloads.Level(1, 1))), sender: null, CancellationToken.None);

        Assert.Equal(RejectReason.UnknownDevice, verdict.Reason);
        Assert.Equal(1, Rejected(RejectReason.UnknownDevice));
    }

    [Fact]
    public async Task EventsOfTheWrongDeviceKindAreRefused()
    {
        using var door = await _gateway.ConnectDeviceAsync(TestCommunity.DoorUnit);
        await door.PublishAsync(TopicScheme.Event(TestCommunity.DoorUnit), $$"""{"v":1,"ts":{{Payloads.NowMs}},"seq":1,"type":"zone_enter","zone":"z"}""");
        await door.PublishAsync(TopicScheme.Event(TestCommunity.DoorUnit), Payloads.DoorEvent(2, "door_forced"));

        await Eventually.TrueAsync(() => _recorder.Events.Count == 1);
        Assert.Equal("door_forced", _recorder.Events.Single().Message.Type);
        Assert.Equal(1, Rejected(RejectReason.InvalidField));
    }
}
