using System.Buffers.Binary;
using System.Globalization;

namespace SmartCommunity.Gateway.Video.LiveView;

/// <summary>One top-level box of a fragmented MP4 stream (ISO/IEC 14496-12 §4.2): its four-letter type and all its bytes.</summary>
public sealed record Mp4Box(string Type, byte[] Bytes);

/// <summary>
/// Reads what ffmpeg's MP4 muxer writes with <c>empty_moov+default_base_moof</c>: <c>ftyp</c>, <c>moov</c> (the
/// init segment), then <c>moof</c>+<c>mdat</c> pairs (media fragments). Only as much of the format as live view
/// needs: box boundaries, whether a fragment starts with a sync sample (a key frame: where a new viewer may
/// join), and the RFC 6381 codec string a browser's Media Source Extensions ask for.
/// </summary>
public static class Fmp4
{
    /// <summary>A box larger than this ends the stream: no camera fragment is near it, and it bounds memory.</summary>
    public const int MaxBoxBytes = 16 << 20;

    // ISO/IEC 14496-12 §8.8.3.1: sample_is_non_sync_sample, bit 16 of the sample flags.
    private const uint NonSyncSample = 0x0001_0000;

    /// <summary>The next top-level box, or null at the end of the stream. Throws <see cref="InvalidDataException"/> on a malformed header.</summary>
    public static async Task<Mp4Box?> ReadBoxAsync(Stream stream, CancellationToken cancellationToken)
    {
        var header = new byte[8];
        if (!await ReadExactlyOrEndAsync(stream, header, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var size = BinaryPrimitives.ReadUInt32BigEndian(header);
        var type = System.Text.Encoding.ASCII.GetString(header, 4, 4);
        // Sizes 0 (to the end) and 1 (64-bit size) are legal but never written by ffmpeg for a fragment; a live stream refuses them.
        if (size < 8 || size > MaxBoxBytes)
        {
            throw new InvalidDataException($"MP4 box '{type}' of {size} bytes is not accepted in a live stream.");
        }

        var bytes = new byte[size];
        header.CopyTo(bytes, 0);
        await stream.ReadExactlyAsync(bytes.AsMemory(8), cancellationToken).ConfigureAwait(false);
        return new Mp4Box(type, bytes);
    }

    /// <summary>
    /// Whether a <c>moof</c>'s first sample is a sync sample: <c>trun</c>'s first-sample or per-sample flags, else
    /// <c>tfhd</c>'s default, else the <c>trex</c> default from the init segment (§8.8.7–8.8.8).
    /// </summary>
    public static bool StartsWithKeyFrame(ReadOnlySpan<byte> moof, uint? trexDefaultFlags)
    {
        if (Child(moof[8..], "traf") is not { } trafRange)
        {
            return false;
        }

        var traf = moof[8..][trafRange][8..];
        uint? flags = trexDefaultFlags;
        if (Child(traf, "tfhd") is { } tfhdRange)
        {
            var tfhd = traf[tfhdRange];
            var tf = BinaryPrimitives.ReadUInt32BigEndian(tfhd[8..]) & 0xFFFFFF;
            var offset = 16 + ((tf & 0x1) != 0 ? 8 : 0) + ((tf & 0x2) != 0 ? 4 : 0) + ((tf & 0x8) != 0 ? 4 : 0) + ((tf & 0x10) != 0 ? 4 : 0);
            if ((tf & 0x20) != 0 && tfhd.Length >= offset + 4)
            {
                flags = BinaryPrimitives.ReadUInt32BigEndian(tfhd[offset..]);
            }
        }

        if (Child(traf, "trun") is { } trunRange)
        {
            var trun = traf[trunRange];
            var tr = BinaryPrimitives.ReadUInt32BigEndian(trun[8..]) & 0xFFFFFF;
            var offset = 16 + ((tr & 0x1) != 0 ? 4 : 0);
            if ((tr & 0x4) != 0 && trun.Length >= offset + 4)
            {
                flags = BinaryPrimitives.ReadUInt32BigEndian(trun[offset..]);
            }
            else if ((tr & 0x400) != 0)
            {
                var sampleFlagsAt = offset + ((tr & 0x100) != 0 ? 4 : 0) + ((tr & 0x200) != 0 ? 4 : 0);
                if (trun.Length >= sampleFlagsAt + 4)
                {
                    flags = BinaryPrimitives.ReadUInt32BigEndian(trun[sampleFlagsAt..]);
                }
            }
        }

        // No flags anywhere means the defaults, which are zero: a sync sample.
        return ((flags ?? 0) & NonSyncSample) == 0;
    }

    /// <summary>The <c>trex</c> default sample flags of the init segment's first track, if it has them.</summary>
    public static uint? TrexDefaultFlags(ReadOnlySpan<byte> moov)
    {
        if (Child(moov[8..], "mvex") is not { } mvexRange)
        {
            return null;
        }

        var mvex = moov[8..][mvexRange];
        return Child(mvex[8..], "trex") is { } trexRange && mvex[8..][trexRange] is { Length: >= 32 } trex
            ? BinaryPrimitives.ReadUInt32BigEndian(trex[28..])
            : null;
    }

    /// <summary>
    /// The RFC 6381 codec of an H.264 init segment (<c>avc1.PPCCLL</c> from the <c>avcC</c> record, ISO/IEC
    /// 14496-15 §5.3.3), or null for anything else (H.265, which most browsers cannot decode through MSE).
    /// </summary>
    public static string? H264Codec(ReadOnlySpan<byte> moov)
    {
        var at = moov.IndexOf("avcC"u8);
        if (at < 4 || moov.Length < at + 8)
        {
            return null;
        }

        return "avc1." + string.Create(CultureInfo.InvariantCulture, $"{moov[at + 5]:x2}{moov[at + 6]:x2}{moov[at + 7]:x2}");
    }

    /// <summary>The range of the first child box of that type in a box's payload (the bytes after a header), or null.</summary>
    private static Range? Child(ReadOnlySpan<byte> payload, string type)
    {
        var at = 0;
        while (at + 8 <= payload.Length)
        {
            var size = (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(payload[at..]), int.MaxValue);
            if (size < 8 || at + size > payload.Length)
            {
                return null;
            }

            if (payload.Slice(at + 4, 4).SequenceEqual(System.Text.Encoding.ASCII.GetBytes(type)))
            {
                return at..(at + size);
            }

            at += size;
        }

        return null;
    }

    private static async Task<bool> ReadExactlyOrEndAsync(Stream stream, byte[] buffer, CancellationToken cancellationToken)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                return read == 0 ? false : throw new EndOfStreamException("The stream ended inside an MP4 box header.");
            }

            read += n;
        }

        return true;
    }
}
