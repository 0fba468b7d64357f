using SmartCommunity.Gateway.Devices;
using SmartCommunity.Gateway.Ingest.Journal;
using SmartCommunity.Protocol.Topics;

namespace SmartCommunity.Gateway.Ingest;

/// <summary>
/// A message between the broker callback and an ingest worker: the payload copied out of the broker's packet, and
/// for reliable messages the journal segment that holds it until the worker has processed it.
/// </summary>
internal readonly record struct InboundMessage(
    MessageClass Class,
    DeviceRuntime? Device,
    string? PersonId,
    byte[] Buffer,
    int Length,
    long ReceivedTimestamp,
    JournalSegment? Segment = null)
{
    public ReadOnlySpan<byte> Payload => Buffer.AsSpan(0, Length);
}
