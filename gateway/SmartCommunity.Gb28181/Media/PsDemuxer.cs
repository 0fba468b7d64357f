using System.Buffers.Binary;

namespace SmartCommunity.Gb28181.Media;

/// <summary>Counts of what a demuxer refused or dropped; each is a metric with its reason.</summary>
public sealed class DemuxCounts
{
    /// <summary>Bytes skipped to find the next pack header (garbage, or a unit cut short by a lost packet).</summary>
    public long ResyncBytes { get; internal set; }

    public long Resyncs { get; internal set; }

    /// <summary>Pack headers, PES or maps whose fields are impossible (bad marker bits, PES length 0, header longer than the PES).</summary>
    public long Malformed { get; internal set; }

    /// <summary>PES of streams not forwarded: audio, padding, private data.</summary>
    public long DroppedPes { get; internal set; }

    public long VideoPes { get; internal set; }

    /// <summary>Video PES whose payload holds an H.264/H.265 sequence parameter set: where a new viewer can start (cameras send one before each key frame).</summary>
    public long KeyPes { get; internal set; }
}

/// <summary>Stream types of a program stream map (ISO/IEC 13818-1 Table 2-34), as GB/T 28181-2016 Appendix C uses them.</summary>
public static class PsStreamType
{
    public const byte Mpeg4 = 0x10;
    public const byte H264 = 0x1B;
    public const byte H265 = 0x24;
    public const byte Svac = 0x80;
}

/// <summary>
/// Demultiplexes the MPEG-2 program stream of GB/T 28181-2016 Appendix C (ISO/IEC 13818-1 §2.5): pack headers
/// (<c>00 00 01 BA</c>), system header (<c>BB</c>), program stream map (<c>BC</c>) and PES. What is well formed and
/// needed for the picture — pack headers, the system header, the map and video PES (<c>E0</c>–<c>EF</c>) — is handed on
/// unit by unit as the original bytes, so the PES keep the camera's PTS; audio, padding and private streams are
/// dropped. Bytes that are not a unit (garbage, a unit cut short by a lost RTP packet) are skipped to the next pack
/// header and counted. Every unit is bounded by its 16-bit length, so at most one unit (≤ 65 541 bytes) is buffered.
/// Not thread-safe.
/// </summary>
public sealed class PsDemuxer
{
    private const int MaxUnit = 6 + 65_535;
    private readonly Action<PsUnit> _output;
    private readonly byte[] _buffer = new byte[MaxUnit * 2];
    private int _filled;
    private bool _synced;

    /// <param name="output">Receives each forwarded unit (its bytes are valid only during the call).</param>
    public PsDemuxer(Action<PsUnit> output) => _output = output;

    public DemuxCounts Counts { get; } = new();

    /// <summary>The video stream type the last program stream map declared (<see cref="PsStreamType"/>), or null.</summary>
    public byte? VideoStreamType { get; private set; }

    public void Add(ReadOnlySpan<byte> data)
    {
        while (data.Length > 0)
        {
            var take = Math.Min(data.Length, _buffer.Length - _filled);
            data[..take].CopyTo(_buffer.AsSpan(_filled));
            _filled += take;
            data = data[take..];
            Consume();
        }
    }

    /// <summary>A gap in the input (RTP packets lost): the unit being read is incomplete, so drop it and wait for the next pack header.</summary>
    public void Discontinuity()
    {
        if (_filled > 0)
        {
            Counts.Resyncs++;
            Counts.ResyncBytes += _filled;
        }

        _filled = 0;
        _synced = false;
    }

    private void Consume()
    {
        var offset = 0;
        while (true)
        {
            var span = _buffer.AsSpan(offset, _filled - offset);
            if (!_synced || !StartsWithStartCode(span))
            {
                // Look for the next pack header; everything before it is skipped.
                var pack = IndexOfPackHeader(span);
                if (pack < 0)
                {
                    var keep = Math.Min(span.Length, 3); // A start code may be split across two reads.
                    Skip(span.Length - keep);
                    offset += span.Length - keep;
                    break;
                }

                Skip(pack);

                offset += pack;
                _synced = true;
                continue;
            }

            if (span.Length < 4)
            {
                break;
            }

            var length = UnitLength(span, out var malformed);
            if (malformed)
            {
                Counts.Malformed++;
                _synced = false;
                offset += 4;
                Skip(4);
                continue;
            }

            if (length < 0 || span.Length < length)
            {
                break; // Wait for the rest of the unit.
            }

            Emit(span[..length]);
            offset += length;
        }

        _buffer.AsSpan(offset, _filled - offset).CopyTo(_buffer);
        _filled -= offset;
    }

    private void Skip(int bytes)
    {
        if (bytes > 0)
        {
            Counts.Resyncs++;
            Counts.ResyncBytes += bytes;
        }
    }

    /// <summary>The unit's whole length, −1 when more bytes are needed to know it.</summary>
    private static int UnitLength(ReadOnlySpan<byte> span, out bool malformed)
    {
        malformed = false;
        switch (span[3])
        {
            case 0xBA:
                if (span.Length < 14)
                {
                    return -1;
                }

                if ((span[4] & 0xC0) == 0x40)
                {
                    // MPEG-2 pack header (§2.5.3.3): marker bits in bytes 4, 6, 8, 9 and 12; stuffing length in byte 13.
                    malformed = (span[4] & 0x04) == 0 || (span[6] & 0x04) == 0 || (span[8] & 0x04) == 0 || (span[9] & 0x01) == 0 || (span[12] & 0x03) != 0x03;
                    return 14 + (span[13] & 0x07);
                }

                // MPEG-1 pack header (ISO/IEC 11172-1 §2.4.3.2): '0010' then 12 bytes in all.
                malformed = (span[4] & 0xF1) != 0x21;
                return 12;
            case 0xB9:
                return 4; // Program end code.
            case < 0xB9:
                malformed = true; // A video start code (slice, sequence header) outside PES: not a program stream unit.
                return 0;
            default:
                if (span.Length < 6)
                {
                    return -1;
                }

                var length = BinaryPrimitives.ReadUInt16BigEndian(span[4..]);
                malformed = length == 0; // PES_packet_length 0 is allowed in transport streams only (§2.4.3.7).
                return 6 + length;
        }
    }

    private void Emit(ReadOnlySpan<byte> unit)
    {
        var id = unit[3];
        switch (id)
        {
            case 0xBA or 0xBB or 0xB9:
                _output(new PsUnit(unit, PsUnitKind.Header, false, null));
                return;
            case 0xBC:
                ReadStreamMap(unit);
                _output(new PsUnit(unit, PsUnitKind.StreamMap, false, null));
                return;
            case >= 0xE0 and <= 0xEF:
                if (!TryPesPayload(unit, out var payload, out var pts))
                {
                    Counts.Malformed++;
                    return;
                }

                Counts.VideoPes++;
                var key = H264.ContainsParameterSet(payload, VideoStreamType == PsStreamType.H265);
                if (key)
                {
                    Counts.KeyPes++;
                }

                _output(new PsUnit(unit, PsUnitKind.Video, key, pts));
                return;
            default:
                Counts.DroppedPes++;
                return;
        }
    }

    /// <summary>The PES payload after the MPEG-2 PES header (§2.4.3.6), with its PTS when it has one.</summary>
    internal static bool TryPesPayload(ReadOnlySpan<byte> pes, out ReadOnlySpan<byte> payload, out long? pts)
    {
        payload = default;
        pts = null;
        if (pes.Length < 9 || (pes[6] & 0xC0) != 0x80)
        {
            return false;
        }

        var headerEnd = 9 + pes[8];
        if (headerEnd > pes.Length)
        {
            return false;
        }

        if ((pes[7] & 0x80) != 0)
        {
            if (pes[8] < 5)
            {
                return false;
            }

            var p = pes[9..];
            pts = ((long)(p[0] & 0x0E) << 29) | ((long)p[1] << 22) | ((long)(p[2] & 0xFE) << 14) | ((long)p[3] << 7) | ((long)p[4] >> 1);
        }

        payload = pes[headerEnd..];
        return true;
    }

    private void ReadStreamMap(ReadOnlySpan<byte> map)
    {
        // §2.5.4.1: 6-byte start, 2 flag bytes, info length, info, map length, then (type, id, info length, info) entries.
        if (map.Length < 12)
        {
            Counts.Malformed++;
            return;
        }

        var at = 10 + BinaryPrimitives.ReadUInt16BigEndian(map[8..]);
        if (at + 2 > map.Length)
        {
            Counts.Malformed++;
            return;
        }

        var end = Math.Min(map.Length - 4, at + 2 + BinaryPrimitives.ReadUInt16BigEndian(map[at..])); // The last 4 bytes are the CRC.
        at += 2;
        while (at + 4 <= end)
        {
            var (type, id) = (map[at], map[at + 1]);
            if (id is >= 0xE0 and <= 0xEF)
            {
                VideoStreamType = type;
            }

            at += 4 + BinaryPrimitives.ReadUInt16BigEndian(map[(at + 2)..]);
        }
    }

    private static bool StartsWithStartCode(ReadOnlySpan<byte> span) =>
        span.Length < 3 ? span.Length == 0 || (span[0] == 0 && (span.Length < 2 || span[1] == 0)) : span[0] == 0 && span[1] == 0 && span[2] == 1;

    private static int IndexOfPackHeader(ReadOnlySpan<byte> span)
    {
        ReadOnlySpan<byte> pack = [0, 0, 1, 0xBA];
        return span.IndexOf(pack);
    }
}

/// <summary>What a forwarded unit is.</summary>
public enum PsUnitKind
{
    /// <summary>Pack header, system header or end code.</summary>
    Header,
    StreamMap,
    Video,
}

/// <summary>One forwarded unit of a program stream: its bytes as received, and for video whether a viewer can start there.</summary>
public readonly ref struct PsUnit(ReadOnlySpan<byte> bytes, PsUnitKind kind, bool key, long? pts)
{
    public ReadOnlySpan<byte> Bytes { get; } = bytes;

    public PsUnitKind Kind { get; } = kind;

    /// <summary>The PES carries a sequence parameter set (H.264 NAL type 7; H.265 VPS/SPS, types 32 and 33): a key frame follows.</summary>
    public bool Key { get; } = key;

    /// <summary>Presentation time in 90 kHz units, when the PES has one.</summary>
    public long? Pts { get; } = pts;
}

/// <summary>NAL unit types in an Annex B byte stream (ITU-T H.264 §7.4.1.2, H.265 §7.4.2.2).</summary>
public static class H264
{
    /// <summary>
    /// True when a start code is followed by a sequence parameter set. Not the IDR slice itself: a key frame larger
    /// than one PES has slices in several, and only the first PES of the frame is where a decoder can start.
    /// </summary>
    public static bool ContainsParameterSet(ReadOnlySpan<byte> annexB, bool h265 = false)
    {
        for (var i = 0; i + 3 < annexB.Length; i++)
        {
            if (annexB[i] != 0 || annexB[i + 1] != 0 || annexB[i + 2] != 1)
            {
                continue;
            }

            var header = annexB[i + 3];
            if (h265 ? ((header >> 1) & 0x3F) is 32 or 33 : (header & 0x1F) == 7)
            {
                return true;
            }

            i += 2;
        }

        return false;
    }
}
