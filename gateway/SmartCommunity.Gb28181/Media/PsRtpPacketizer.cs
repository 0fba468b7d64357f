namespace SmartCommunity.Gb28181.Media;

/// <summary>
/// Cuts an MPEG-2 program stream into RTP packets for a GB/T 28181 peer (GB/T 28181-2016 Appendix C: PS over RTP,
/// payload type 96, 90 kHz clock). Each pack (<c>00 00 01 BA</c>) starts a new packet and takes its SCR base as the
/// RTP timestamp (both count 90 kHz, ISO/IEC 13818-1 §2.5.3.4), so every packet of a pack carries the same time and
/// the last one the marker, as receivers that play by timestamp expect. A pack larger than
/// <see cref="MaxPayload"/> spans several packets. Bytes before the first pack are dropped (counted).
/// </summary>
public sealed class PsRtpPacketizer(uint ssrc, int maxPayload = 1_400, ushort firstSequence = 0)
{
    /// <summary>A run without a pack start longer than this is sent as it stands rather than held.</summary>
    private const int MaxHeld = 1 << 20;
    private static ReadOnlySpan<byte> PackStart => [0, 0, 1, 0xBA];
    private readonly byte[] _packet = new byte[12 + maxPayload];
    private byte[] _held = new byte[64 * 1024];
    private int _length;
    private ushort _sequence = firstSequence;
    private uint _timestamp;

    public int MaxPayload { get; } = maxPayload;

    /// <summary>Bytes dropped because no pack had started yet.</summary>
    public long SkippedBytes { get; private set; }

    /// <summary>Packets written so far.</summary>
    public long Packets { get; private set; }

    /// <summary>Adds program-stream bytes; every pack completed by them goes out through <paramref name="send"/>, in order.</summary>
    public void Add(ReadOnlySpan<byte> data, Action<ReadOnlySpan<byte>> send)
    {
        ArgumentNullException.ThrowIfNull(send);
        if (_length == 0)
        {
            var start = data.IndexOf(PackStart);
            if (start < 0)
            {
                SkippedBytes += data.Length;
                return;
            }

            SkippedBytes += start;
            data = data[start..];
        }

        if (_length + data.Length > _held.Length)
        {
            Array.Resize(ref _held, Math.Max(_held.Length * 2, _length + data.Length));
        }

        data.CopyTo(_held.AsSpan(_length));
        var searchFrom = Math.Max(4, _length - 3);
        _length += data.Length;
        var consumed = 0;
        while (true)
        {
            var next = _held.AsSpan(searchFrom, _length - searchFrom).IndexOf(PackStart);
            if (next < 0)
            {
                break;
            }

            next += searchFrom;
            SendPack(_held.AsSpan(consumed, next - consumed), send);
            consumed = next;
            searchFrom = next + 4;
        }

        if (_length - consumed > MaxHeld)
        {
            SendPack(_held.AsSpan(consumed, _length - consumed), send);
            consumed = _length;
        }

        _held.AsSpan(consumed, _length - consumed).CopyTo(_held);
        _length -= consumed;
    }

    /// <summary>Sends what is held (the last pack of a stream that ended).</summary>
    public void Flush(Action<ReadOnlySpan<byte>> send)
    {
        if (_length > 0)
        {
            SendPack(_held.AsSpan(0, _length), send);
            _length = 0;
        }
    }

    /// <summary>The 33-bit SCR base of an MPEG-2 pack header, cut to RTP's 32 bits; null for a header too short or of MPEG-1.</summary>
    public static uint? ScrTimestamp(ReadOnlySpan<byte> pack)
    {
        // ISO/IEC 13818-1 Table 2-33: '01', SCR[32..30], marker, SCR[29..15], marker, SCR[14..0], marker, extension.
        if (pack.Length < 10 || (pack[4] & 0xC0) != 0x40)
        {
            return null;
        }

        ulong b4 = pack[4], b5 = pack[5], b6 = pack[6], b7 = pack[7], b8 = pack[8];
        var scr = (((b4 >> 3) & 0x07) << 30) | ((b4 & 0x03) << 28) | (b5 << 20) | (((b6 >> 3) & 0x1F) << 15) | ((b6 & 0x03) << 13) | (b7 << 5) | ((b8 >> 3) & 0x1F);
        return unchecked((uint)scr);
    }

    private void SendPack(ReadOnlySpan<byte> pack, Action<ReadOnlySpan<byte>> send)
    {
        _timestamp = ScrTimestamp(pack) ?? _timestamp;
        while (!pack.IsEmpty)
        {
            var part = pack[..Math.Min(MaxPayload, pack.Length)];
            pack = pack[part.Length..];
            var written = RtpPacket.Write(_packet, _sequence++, _timestamp, ssrc, pack.IsEmpty, 96, part);
            Packets++;
            send(_packet.AsSpan(0, written));
        }
    }
}
