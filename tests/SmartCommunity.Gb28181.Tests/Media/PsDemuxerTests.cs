using SmartCommunity.Gb28181.Media;

namespace SmartCommunity.Gb28181.Tests.Media;

public sealed class PsDemuxerTests
{
    // MPEG-2 pack header (ISO/IEC 13818-1 §2.5.3.3) with its marker bits set and no stuffing.
    private static readonly byte[] Pack = [0, 0, 1, 0xBA, 0x44, 0x00, 0x04, 0x00, 0x04, 0x01, 0x01, 0x89, 0xC3, 0xF8];

    private static byte[] Pes(byte streamId, byte[] payload, bool pts = true)
    {
        var header = pts ? new byte[] { 0x80, 0x80, 5, 0x21, 0x00, 0x01, 0x00, 0x01 } : [0x80, 0x00, 0];
        var length = header.Length + payload.Length;
        return [0, 0, 1, streamId, (byte)(length >> 8), (byte)length, .. header, .. payload];
    }

    private static readonly byte[] SpsAndIdr = [0, 0, 0, 1, 0x67, 0x42, 0x00, 0x1E, 0, 0, 0, 1, 0x65, 0x88, 0x84];
    private static readonly byte[] Slice = [0, 0, 0, 1, 0x41, 0x9A, 0x02];

    private static (List<(PsUnitKind Kind, bool Key, byte[] Bytes)> Units, PsDemuxer Demuxer) Demux(params byte[][] chunks)
    {
        var units = new List<(PsUnitKind, bool, byte[])>();
        var demuxer = new PsDemuxer(u => units.Add((u.Kind, u.Key, u.Bytes.ToArray())));
        foreach (var chunk in chunks)
        {
            demuxer.Add(chunk);
        }

        return (units, demuxer);
    }

    [Fact]
    public void VideoPesArePassedOnWithTheirBytesAndAudioIsDropped()
    {
        var video = Pes(0xE0, SpsAndIdr);
        var (units, demuxer) = Demux([.. Pack, .. video, .. Pes(0xC0, [1, 2, 3]), .. Pack, .. Pes(0xE0, Slice)]);

        Assert.Equal([PsUnitKind.Header, PsUnitKind.Video, PsUnitKind.Header, PsUnitKind.Video], units.Select(u => u.Kind));
        Assert.Equal(video, units[1].Bytes);
        Assert.True(units[1].Key);
        Assert.False(units[3].Key);
        Assert.Equal(1, demuxer.Counts.DroppedPes);
        Assert.Equal(0, demuxer.Counts.Malformed + demuxer.Counts.Resyncs);
    }

    [Fact]
    public void AUnitSplitAcrossReadsAtEveryByteIsStillWhole()
    {
        byte[] stream = [.. Pack, .. Pes(0xE0, SpsAndIdr), .. Pack, .. Pes(0xE0, Slice)];
        for (var cut = 1; cut < stream.Length; cut++)
        {
            var (units, _) = Demux(stream[..cut], stream[cut..]);
            Assert.Equal(4, units.Count);
        }
    }

    [Fact]
    public void GarbageIsSkippedToTheNextPackHeaderAndCounted()
    {
        byte[] garbage = [0xDE, 0xAD, 0xBE, 0xEF, 0, 0, 1];
        var (units, demuxer) = Demux([.. garbage, .. Pack, .. Pes(0xE0, Slice), .. garbage, .. Pack, .. Pes(0xE0, Slice)]);

        Assert.Equal(2, units.Count(u => u.Kind == PsUnitKind.Video));
        Assert.Equal(2, demuxer.Counts.Resyncs);
        Assert.Equal(2 * garbage.Length, demuxer.Counts.ResyncBytes);
    }

    [Fact]
    public void APesOfLengthZeroOrWithAHeaderLongerThanItselfIsRefusedAsMalformed()
    {
        byte[] zero = [0, 0, 1, 0xE0, 0, 0];
        byte[] tooLong = [0, 0, 1, 0xE0, 0, 3, 0x80, 0x80, 200];
        var (units, demuxer) = Demux([.. Pack, .. zero, .. Pack, .. tooLong, .. Pack, .. Pes(0xE0, Slice)]);

        Assert.Equal(2, demuxer.Counts.Malformed);
        Assert.Single(units, u => u.Kind == PsUnitKind.Video);
    }

    [Fact]
    public void AStreamMapNamesTheVideoStreamType()
    {
        // §2.5.4.1: map with one entry, type 0x1B (H.264) for stream E0, and a CRC.
        byte[] map = [0, 0, 1, 0xBC, 0, 14, 0xE0, 0xFF, 0, 0, 0, 4, 0x1B, 0xE0, 0, 0, 0, 0, 0, 0];
        var (units, demuxer) = Demux([.. Pack, .. map, .. Pes(0xE0, Slice)]);

        Assert.Equal(PsStreamType.H264, demuxer.VideoStreamType);
        Assert.Contains(units, u => u.Kind == PsUnitKind.StreamMap);
    }

    [Fact]
    public void ADiscontinuityDropsTheUnitInProgress()
    {
        var video = Pes(0xE0, SpsAndIdr);
        var units = new List<PsUnitKind>();
        var demuxer = new PsDemuxer(u => units.Add(u.Kind));
        demuxer.Add([.. Pack, .. video[..10]]);
        demuxer.Discontinuity();
        demuxer.Add(video.AsSpan(10));
        demuxer.Add([.. Pack, .. Pes(0xE0, Slice)]);

        Assert.Equal([PsUnitKind.Header, PsUnitKind.Header, PsUnitKind.Video], units);
        Assert.True(demuxer.Counts.Resyncs >= 1);
    }

    [Fact]
    public void RandomBytesNeverThrowAndNeverPassAnyUnitThatIsNotWellFramed()
    {
        var random = new Random(18);
        var demuxer = new PsDemuxer(u => Assert.True(u.Bytes.Length >= 4 && u.Bytes[0] == 0 && u.Bytes[1] == 0 && u.Bytes[2] == 1));
        var chunk = new byte[4_000];
        for (var i = 0; i < 500; i++)
        {
            random.NextBytes(chunk);
            if (i % 7 == 0)
            {
                Pack.CopyTo(chunk, random.Next(chunk.Length - Pack.Length));
            }

            demuxer.Add(chunk.AsSpan(0, random.Next(chunk.Length)));
        }

        Assert.True(demuxer.Counts.ResyncBytes > 0);
    }

    [Fact]
    public void Rfc4571FramesAreCutOutOfAStreamAndAZeroLengthEndsIt()
    {
        var framer = new Rfc4571Framer(maxPacket: 1_500);
        var packets = new List<byte[]>();
        byte[] stream = [.. Rfc4571Framer.Frame([1, 2, 3]), .. Rfc4571Framer.Frame(new byte[1_500])];
        Assert.True(framer.Add(stream.AsSpan(0, 4), p => packets.Add(p.ToArray())));
        Assert.True(framer.Add(stream.AsSpan(4), p => packets.Add(p.ToArray())));
        Assert.Equal([3, 1_500], packets.Select(p => p.Length));

        Assert.False(framer.Add([0, 0], _ => { }));
        Assert.False(new Rfc4571Framer(maxPacket: 1_500).Add([0x05, 0xDD], _ => { })); // 1 501 > the limit.
    }
}
