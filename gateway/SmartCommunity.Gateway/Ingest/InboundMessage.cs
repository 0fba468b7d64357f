using SmartCommunity.Gateway.Devices;
using SmartCommunity.Gateway.Ingest.Journal;
using SmartCommunity.Protocol.Topics;

namespace SmartCommunity.Gateway.Ingest;

/// <summary>
/// A message between the broker callback and an ingest worker: the payload copied out of the broker's packet, and
/// for reliable messages the journal segment that holds it until the worker has processed it, and the task of its
/// journal commit (null when replayed: already on disk). In cluster mode the worker sets <see cref="Claim"/> from the
/// shared de-duplication table before processing.
/// </summary>
internal readonly record struct InboundMessage(
    MessageClass Class,
    DeviceRuntime? Device,
    string? PersonId,
    byte[] Buffer,
    int Length,
    long ReceivedTimestamp,
    JournalSegment? Segment = null,
    Task? Durable = null,
    SequenceClaim Claim = SequenceClaim.Local)
{
    public ReadOnlySpan<byte> Payload => Buffer.AsSpan(0, Length);

    /// <summary>A reliable message read back from this gateway's journal after a crash.</summary>
    public bool Replayed => Segment is not null && Durable is null;
}

/// <summary>Who decides whether a message was seen before.</summary>
internal enum SequenceClaim : byte
{
    /// <summary>The device's in-memory sequence window (one gateway; or the shared table could not be reached).</summary>
    Local,

    /// <summary>The shared table: this gateway claimed it first.</summary>
    Admitted,

    /// <summary>The shared table: a gateway (this one or another) claimed it before.</summary>
    Duplicate,
}
