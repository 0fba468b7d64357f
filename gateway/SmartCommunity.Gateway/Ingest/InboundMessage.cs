using SmartCommunity.Gateway.Devices;
using SmartCommunity.Protocol.Topics;

namespace SmartCommunity.Gateway.Ingest;

/// <summary>
/// A message between the broker callback and an ingest worker: the payload copied out of the broker's packet.
/// </summary>
internal readonly record struct InboundMessage(
    MessageClass Class,
    DeviceRuntime? Device,
    string? PersonId,
    byte[] Buffer,
    int Length,
    long ReceivedTimestamp)
{
    public ReadOnlySpan<byte> Payload => Buffer.AsSpan(0, Length);
}
