using SmartCommunity.EdgeAgent.Tests.Support;
using SmartCommunity.Protocol.Messages;
using SmartCommunity.Protocol.Topics;
using SmartCommunity.Protocol.Validation;

namespace SmartCommunity.EdgeAgent.Tests.Mqtt;

/// <summary>Store-and-forward against a real mosquitto that the tests stop and start.</summary>
public sealed class StoreAndForwardTests : IAsyncLifetime, IDisposable
{
    private const string DeviceId = "door-7";
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

    private Dictionary<string, string?> Config(int maxMessages = 100_000)
    {
        var config = TestAgent.Config(_broker.Port, _data.Path, DeviceId);
        config["Agent:Queue:MaxMessages"] = maxMessages.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return config;
    }

    /// <summary>Publishes <paramref name="count"/> messages, every third an event; returns how many the queue refused.</summary>
    private static async Task<int> PublishMixedAsync(TestAgent agent, int from, int count)
    {
        var context = agent.Device(DeviceId).Context;
        var refused = 0;
        for (var i = from; i < from + count; i++)
        {
            var stored = i % 3 == 0
                ? await context.PublishEventAsync(new EventMessage { Type = EventTypes.Passage, Door = "d" + i, Direction = EventTypes.DirectionIn })
                : await context.PublishTelemetryAsync(new TelemetryMessage { InTotal = i, OutTotal = 0 });
            refused += stored ? 0 : 1;
        }

        return refused;
    }

    private Task WaitForOnlineAsync(long boot) => _gateway.WaitForAsync(
        ms => ms.Any(m => m.Topic == TopicScheme.Status(DeviceId) && m.Text.Contains("\"online\"", StringComparison.Ordinal) && m.Text.Contains($"\"boot\":{boot},", StringComparison.Ordinal)),
        $"the device to say online with boot {boot}");

    [Fact]
    public async Task EveryMessageStoredDuringABrokerOutageArrivesExactlyOnceAndInOrderWhenTheBrokerIsBack()
    {
        await using var agent = await TestAgent.StartAsync(Config());
        var device = agent.Device(DeviceId);
        await WaitForOnlineAsync(device.Boot);
        await PublishMixedAsync(agent, 0, 30);
        await _gateway.WaitForAsync(ms => ms.Count(m => m.Leaf is "telemetry" or "event") == 30, "the first 30 messages");
        await Eventually.TrueAsync(() => device.Snapshot().Queued == 0, what: () => "the queue to drain");

        await _broker.StopAsync();
        await Eventually.TrueAsync(() => !device.IsConnected, what: () => "the agent to notice the outage");
        Assert.Equal(0, await PublishMixedAsync(agent, 30, 120));
        Assert.Equal(120, device.Snapshot().Queued);

        await _broker.StartAgainAsync();
        await _gateway.WaitForAsync(ms => ms.Count(m => m.Leaf is "telemetry" or "event") >= 150, "all 150 messages after the outage");

        var sequenced = _gateway.Sequenced(DeviceId);
        Assert.Equal(Enumerable.Range(0, 150).Select(i => (long)i), sequenced.Select(m => m.Seq));
        Assert.All(sequenced, m => Assert.Equal(device.Boot, m.Boot));
        Assert.Equal(Enumerable.Range(0, 150).Select(i => i % 3 == 0 ? "event" : "telemetry"), sequenced.Select(m => m.Leaf));
        var counters = device.Snapshot();
        Assert.Equal((150L, 120L, 0L, 0L), (counters.Published, counters.Replayed, counters.Queued, counters.Dropped));
        Assert.True(counters.Reconnects >= 1);
    }

    [Fact]
    public async Task MessagesQueuedWhenTheAgentStopsDuringAnOutageAreSentByTheNextAgentWhoseBootIsHigher()
    {
        long firstBoot;
        await using (var first = await TestAgent.StartAsync(Config()))
        {
            firstBoot = first.Device(DeviceId).Boot;
            await WaitForOnlineAsync(firstBoot);
            await PublishMixedAsync(first, 0, 5);
            await _gateway.WaitForAsync(ms => ms.Count(m => m.Leaf is "telemetry" or "event") == 5, "the first 5 messages");
            await Eventually.TrueAsync(() => first.Device(DeviceId).Snapshot().Queued == 0);

            await _broker.StopAsync();
            await Eventually.TrueAsync(() => !first.Device(DeviceId).IsConnected);
            await PublishMixedAsync(first, 5, 40);
        }

        await _broker.StartAgainAsync();
        await using var second = await TestAgent.StartAsync(Config());
        var device = second.Device(DeviceId);
        Assert.Equal(firstBoot + 1, device.Boot);
        await _gateway.WaitForAsync(ms => ms.Count(m => m.Leaf is "telemetry" or "event") == 45, "the 40 messages left by the first agent");
        await PublishMixedAsync(second, 0, 3);
        await _gateway.WaitForAsync(ms => ms.Count(m => m.Leaf is "telemetry" or "event") == 48, "3 new messages");

        var sequenced = _gateway.Sequenced(DeviceId);
        Assert.Equal(
            Enumerable.Range(0, 45).Select(i => (firstBoot, (long)i)).Concat(Enumerable.Range(0, 3).Select(i => (firstBoot + 1, (long)i))),
            sequenced.Select(m => (m.Boot, m.Seq)));
        Assert.Equal(40, device.Snapshot().Replayed);
    }

    [Fact]
    public async Task WhenTheQueueFillsDuringAnOutageTheOldestTelemetryIsDroppedAndCountedAndEveryEventArrives()
    {
        await using var agent = await TestAgent.StartAsync(Config(maxMessages: 10));
        var device = agent.Device(DeviceId);
        await WaitForOnlineAsync(device.Boot);
        await _broker.StopAsync();
        await Eventually.TrueAsync(() => !device.IsConnected);

        // 30 messages, every third an event: 10 events, 20 telemetry, into a queue of 10. Stored telemetry makes
        // room until the queue holds only events (after the event seq 27); the last two readings are then refused.
        var refused = await PublishMixedAsync(agent, 0, 30);
        var full = device.Snapshot();
        Assert.Equal(2, refused);
        Assert.Equal((10L, 18L, 2L, 0L), (full.Queued, full.DroppedOldestTelemetry, full.RefusedTelemetry, full.RefusedEvents));

        await _broker.StartAgainAsync();
        await _gateway.WaitForAsync(ms => ms.Count(m => m.Leaf is "telemetry" or "event") == 10, "the 10 kept messages");
        var sequenced = _gateway.Sequenced(DeviceId);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)(i * 3)), sequenced.Select(m => m.Seq));
        Assert.All(sequenced, m => Assert.Equal("event", m.Leaf));
    }

    [Fact]
    public async Task WhatTheAgentPublishesPassesTheGatewaysDecoder()
    {
        await using var agent = await TestAgent.StartAsync(Config());
        var device = agent.Device(DeviceId);
        await PublishMixedAsync(agent, 0, 6);
        await _gateway.WaitForAsync(ms => ms.Count(m => m.Leaf is "telemetry" or "event") == 6, "6 messages");
        var now = DateTimeOffset.UtcNow;
        foreach (var m in _gateway.Sequenced(DeviceId))
        {
            var error = m.Leaf == "event"
                ? MessageDecoder.DecodeEvent(m.Payload, DeviceKind.DoorAccess, now, ValidationLimits.Default).Error
                : MessageDecoder.DecodeTelemetry(m.Payload, DeviceKind.DoorAccess, now, ValidationLimits.Default).Error;
            Assert.Null(error);
        }

        var online = _gateway.Messages.Last(m => m.Topic == TopicScheme.Status(DeviceId));
        Assert.True(MessageDecoder.DecodeStatus(online.Payload, now, ValidationLimits.Default).IsSuccess);
    }

    [Fact]
    public async Task TheDeviceSaysOnlineRetainedWhenItConnectsAndOfflineWhenItStops()
    {
        long boot;
        await using (var agent = await TestAgent.StartAsync(Config()))
        {
            boot = agent.Device(DeviceId).Boot;
            await WaitForOnlineAsync(boot);
        }

        await _gateway.WaitForAsync(ms => ms.LastOrDefault(m => m.Topic == TopicScheme.Status(DeviceId))?.Text.Contains("\"offline\"", StringComparison.Ordinal) == true, "offline status");

        // A gateway that connects later still learns the state: the status is retained.
        await using var late = await TestSubscriber.ConnectAsync(_broker.Port, TopicScheme.Status(DeviceId));
        await late.WaitForAsync(ms => ms.Any(m => m.Retain && m.Text.Contains("\"offline\"", StringComparison.Ordinal)), "the retained status");
    }

    [Fact]
    public async Task AQueueWhoseTailWasCutByACrashIsRepairedAndWhatWasIntactIsSent()
    {
        await _broker.StopAsync();
        await using (var first = await TestAgent.StartAsync(Config()))
        {
            await PublishMixedAsync(first, 0, 9);
        }

        // The crash: half a record at the end of the segment.
        var segment = Directory.GetFiles(Path.Combine(_data.Path, DeviceId, "outbox"), "*.seg").Single();
        await using (var file = new FileStream(segment, FileMode.Append))
        {
            await file.WriteAsync(new byte[] { 200, 0, 0, 0, 9, 9, 9 });
        }

        await _broker.StartAgainAsync();
        await using var second = await TestAgent.StartAsync(Config());
        await _gateway.WaitForAsync(ms => ms.Count(m => m.Leaf is "telemetry" or "event") == 9, "the 9 intact messages");
        Assert.Equal(Enumerable.Range(0, 9).Select(i => (long)i), _gateway.Sequenced(DeviceId).Select(m => m.Seq));
        Assert.Equal(7, second.Device(DeviceId).Snapshot().CorruptBytesTruncated);
        Assert.Contains(second.Logs.Lines, l => l.StartsWith("Warning", StringComparison.Ordinal) && l.Contains("damaged tail", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheAgentAlsoSpeaksMqtt311()
    {
        var config = Config();
        config["Broker:ProtocolVersion"] = "3.1.1";
        await using var agent = await TestAgent.StartAsync(config);
        await WaitForOnlineAsync(agent.Device(DeviceId).Boot);
        await PublishMixedAsync(agent, 0, 3);
        await _gateway.WaitForAsync(ms => ms.Count(m => m.Leaf is "telemetry" or "event") == 3, "3 messages over MQTT 3.1.1");
    }
}
