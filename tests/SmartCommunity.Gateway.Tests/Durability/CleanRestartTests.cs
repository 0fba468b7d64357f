using Microsoft.Extensions.DependencyInjection;
using SmartCommunity.Gateway.Ingest;
using SmartCommunity.Gateway.Tests.Support;
using SmartCommunity.Protocol.Topics;
using SmartCommunity.Protocol.Validation;
using SmartCommunity.Testing;

namespace SmartCommunity.Gateway.Tests.Durability;

/// <summary>
/// A clean stop closes device connections, and may do so after an event was handled but before its PUBACK left.
/// The device then sends that event again after the restart: it must be known as a duplicate, not handled twice.
/// </summary>
public sealed class CleanRestartTests
{
    [Fact]
    public async Task AnEventHandledBeforeACleanStopAndSentAgainAfterTheRestartIsADuplicate()
    {
        var recorder = new RecordingHandler();
        // No periodic checkpoint during the test: the event stays in the segment the clean stop checkpoints last.
        var settings = new Dictionary<string, string?> { ["Ingest:JournalCheckpointInterval"] = "00:10:00" };
        var gateway = new GatewayFactory(settings: settings, services: s => s.AddSingleton<IDeviceMessageHandler>(recorder)).Start();
        using (var door = await gateway.ConnectDeviceAsync(TestCommunity.DoorUnit))
        {
            await door.PublishAsync(TopicScheme.Event(TestCommunity.DoorUnit), Payloads.DoorEvent(7, "door_forced"));
            await Eventually.TrueAsync(() => recorder.Events.Count == 1);
        }

        await gateway.DisposeAsync();
        Assert.Single(Directory.GetFiles(Path.Combine(gateway.DataDirectory, "ingest-journal"), "*.applied"));

        var restarted = gateway.Reopen(settings, s => s.AddSingleton<IDeviceMessageHandler>(recorder)).Start();
        await using (restarted)
        {
            using var door = await restarted.ConnectDeviceAsync(TestCommunity.DoorUnit);
            await door.PublishAsync(TopicScheme.Event(TestCommunity.DoorUnit), Payloads.DoorEvent(7, "door_forced"));
            await door.PublishAsync(TopicScheme.Event(TestCommunity.DoorUnit), Payloads.DoorEvent(8, "door_forced"));
            await Eventually.TrueAsync(() => recorder.Events.Count == 2, because: "the new event is handled");
            var metrics = restarted.Get<IngestMetrics>();
            await Eventually.TrueAsync(() => metrics.Rejected(RejectReason.DuplicateSequence).Value == 1, because: "the repeat is refused as a duplicate");
            Assert.Equal([7L, 8L], recorder.Events.Select(e => e.Message.Seq));
            Assert.Empty(Directory.GetFiles(Path.Combine(gateway.DataDirectory, "ingest-journal"), "*.applied"));
        }
    }
}
