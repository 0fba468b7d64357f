using System.Text.Json;
using SmartCommunity.EdgeAgent.Queue;
using SmartCommunity.Protocol.Messages;
using SmartCommunity.Protocol.Serialization;
using SmartCommunity.Protocol.Topics;

namespace SmartCommunity.EdgeAgent.Devices;

/// <summary>
/// Fills in the envelope of a device's outbound messages and stores them in its <see cref="DiskOutbox"/>.
/// <c>seq</c> counts every stored message of every class from 0 per boot; a message the queue refuses does not use
/// a number, one dropped later leaves a gap the gateway sees. Numbering and storing happen under one lock so the
/// queue order is the <c>seq</c> order.
/// </summary>
public sealed class DevicePublisher(DiskOutbox outbox, long boot, TimeProvider time)
{
    private readonly Lock _lock = new();
    private long _nextSeq;

    public long Boot => boot;

    /// <summary>The <c>seq</c> the next stored message gets.</summary>
    public long NextSeq
    {
        get { lock (_lock) return _nextSeq; }
    }

    public bool Publish(TelemetryMessage telemetry) =>
        Store(MessageClass.Telemetry, seq => JsonSerializer.SerializeToUtf8Bytes(
            telemetry with { V = ProtocolVersion.Current, Ts = Stamp(telemetry.Ts), Seq = seq, Boot = boot },
            ProtocolJsonContext.Default.TelemetryMessage));

    public bool Publish(EventMessage evt) =>
        Store(MessageClass.Event, seq => JsonSerializer.SerializeToUtf8Bytes(
            evt with { V = ProtocolVersion.Current, Ts = Stamp(evt.Ts), Seq = seq, Boot = boot },
            ProtocolJsonContext.Default.EventMessage));

    public bool Publish(CommandAckMessage ack) =>
        Store(MessageClass.CommandAck, seq => JsonSerializer.SerializeToUtf8Bytes(
            ack with { V = ProtocolVersion.Current, Ts = Stamp(ack.Ts), Seq = seq, Boot = boot },
            ProtocolJsonContext.Default.CommandAckMessage));

    private long Stamp(long ts) => ts > 0 ? ts : time.GetUtcNow().ToUnixTimeMilliseconds();

    private bool Store(MessageClass messageClass, Func<long, byte[]> serialize)
    {
        lock (_lock)
        {
            var stored = outbox.Enqueue(messageClass, serialize(_nextSeq)) == EnqueueResult.Stored;
            if (stored)
            {
                _nextSeq++;
            }

            return stored;
        }
    }
}
