using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using SmartCommunity.EdgeAgent.Devices;
using SmartCommunity.EdgeAgent.Drivers.Simulation;
using SmartCommunity.EdgeAgent.Queue;
using SmartCommunity.EdgeAgent.Tests.Support;
using SmartCommunity.Protocol.Messages;
using SmartCommunity.Protocol.Topics;
using SmartCommunity.Protocol.Validation;

namespace SmartCommunity.EdgeAgent.Tests.Drivers;

/// <summary>
/// Runs a simulation model over simulated time, sends what it emits through the agent's real publishing path
/// (envelope, JSON, on-disk queue) and decodes the stored payloads with the gateway's <see cref="MessageDecoder"/>.
/// </summary>
internal static class SimulationHarness
{
    public static readonly DateTimeOffset Midnight = new(2026, 7, 15, 0, 0, 0, TimeSpan.FromHours(8));

    public sealed record Decoded(List<TelemetryMessage> Telemetry, List<EventMessage> Events, List<string> Payloads);

    public static List<SimulatedMessage> Run(SimulationModel model, DateTimeOffset start, TimeSpan duration)
    {
        var emitted = new List<SimulatedMessage>();
        for (var now = start; now <= start + duration; now += model.Tick)
        {
            emitted.AddRange(model.Advance(now));
        }

        return emitted;
    }

    /// <summary>Publishes through <see cref="DevicePublisher"/> and decodes every stored payload; fails on the first refusal.</summary>
    public static Decoded PublishAndDecode(IEnumerable<SimulatedMessage> messages, DeviceKind kind, DateTimeOffset now)
    {
        using var dir = new TempDirectory();
        using var outbox = DiskOutbox.Open(dir.Path, new QueueOptions { MaxMessages = 1_000_000, MaxBytes = 1L << 30 }, NullLogger.Instance);
        var publisher = new DevicePublisher(outbox, boot: 1, new FakeTimeProvider(now));
        foreach (var message in messages)
        {
            Assert.True(message.Telemetry is { } t ? publisher.Publish(t) : publisher.Publish(message.Event!));
        }

        var decoded = new Decoded([], [], []);
        while (outbox.Peek() is { } stored)
        {
            decoded.Payloads.Add(System.Text.Encoding.UTF8.GetString(stored.Payload));
            if (stored.Class == MessageClass.Telemetry)
            {
                var result = MessageDecoder.DecodeTelemetry(stored.Payload, kind, now, ValidationLimits.Default);
                Assert.True(result.IsSuccess, $"{result.Error} in {decoded.Payloads[^1]}");
                decoded.Telemetry.Add(result.Message!);
            }
            else
            {
                var result = MessageDecoder.DecodeEvent(stored.Payload, kind, now, ValidationLimits.Default);
                Assert.True(result.IsSuccess, $"{result.Error} in {decoded.Payloads[^1]}");
                decoded.Events.Add(result.Message!);
            }

            outbox.Complete(stored.Index);
        }

        return decoded;
    }
}
