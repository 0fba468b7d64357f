using System.Buffers.Binary;

namespace SmartCommunity.Gb28181.Media;

/// <summary>An RTP packet header and payload (RFC 3550 §5.1), pointing into the received buffer.</summary>
public readonly ref struct RtpPacket
{
    public RtpPacket(ushort sequence, uint timestamp, uint ssrc, bool marker, byte payloadType, ReadOnlySpan<byte> payload)
    {
        Sequence = sequence;
        Timestamp = timestamp;
        Ssrc = ssrc;
        Marker = marker;
        PayloadType = payloadType;
        Payload = payload;
    }

    public ushort Sequence { get; }

    public uint Timestamp { get; }

    public uint Ssrc { get; }

    public bool Marker { get; }

    public byte PayloadType { get; }

    public ReadOnlySpan<byte> Payload { get; }

    /// <summary>Parses a packet; on refusal <paramref name="reason"/> is a short code (<c>short</c>, <c>version</c>, …).</summary>
    public static bool TryParse(ReadOnlySpan<byte> data, out RtpPacket packet, out string? reason)
    {
        packet = default;
        reason = null;
        if (data.Length < 12)
        {
            reason = "short";
            return false;
        }

        if (data[0] >> 6 != 2)
        {
            reason = "version";
            return false;
        }

        var offset = 12 + ((data[0] & 0x0F) * 4);
        if ((data[0] & 0x10) != 0)
        {
            // RFC 3550 §5.3.1: 16-bit profile field, 16-bit length in 32-bit words, then the extension.
            if (data.Length < offset + 4)
            {
                reason = "short";
                return false;
            }

            offset += 4 + (BinaryPrimitives.ReadUInt16BigEndian(data[(offset + 2)..]) * 4);
        }

        var end = data.Length;
        if ((data[0] & 0x20) != 0 && end > 0)
        {
            end -= data[^1]; // RFC 3550 §5.1: the last octet counts the padding, itself included.
        }

        if (offset > end)
        {
            reason = "short";
            return false;
        }

        packet = new RtpPacket(BinaryPrimitives.ReadUInt16BigEndian(data[2..]), BinaryPrimitives.ReadUInt32BigEndian(data[4..]),
            BinaryPrimitives.ReadUInt32BigEndian(data[8..]), (data[1] & 0x80) != 0, (byte)(data[1] & 0x7F), data[offset..end]);
        return true;
    }

    /// <summary>Writes a 12-byte header and the payload (for senders: tests, and the cascade's upward stream).</summary>
    public static int Write(Span<byte> destination, ushort sequence, uint timestamp, uint ssrc, bool marker, byte payloadType, ReadOnlySpan<byte> payload)
    {
        destination[0] = 0x80;
        destination[1] = (byte)((marker ? 0x80 : 0) | (payloadType & 0x7F));
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], sequence);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], timestamp);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], ssrc);
        payload.CopyTo(destination[12..]);
        return 12 + payload.Length;
    }
}
