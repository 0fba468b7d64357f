using SmartCommunity.Gb28181.Media;

namespace SmartCommunity.Gb28181.Tests.Media;

public class PsRtpPacketizerTests
{
    private const uint Ssrc = 440_000_001;

    /// <summary>An MPEG-2 pack header (ISO/IEC 13818-1 Table 2-33) with SCR base <paramref name="scr"/>, then <paramref name="body"/> bytes of filler.</summary>
    private static byte[] Pack(ulong scr, int body, byte fill)
    {
        var pack = new byte[14 + body];
        pack[0] = 0; pack[1] = 0; pack[2] = 1; pack[3] = 0xBA;
        pack[4] = (byte)(0x44 | ((scr >> 27) & 0x38) | ((scr >> 28) & 0x03));
        pack[5] = (byte)(scr >> 20);
        pack[6] = (byte)(0x04 | ((scr >> 12) & 0xF8) | ((scr >> 13) & 0x03));
        pack[7] = (byte)(scr >> 5);
        pack[8] = (byte)(0x04 | ((scr << 3) & 0xF8));
        pack[9] = 0x01; pack[10] = 0x89; pack[11] = 0xC3; pack[12] = 0xF8; pack[13] = 0xFF;
        Array.Fill(pack, fill, 14, body);
        return pack;
    }

    private static List<(ushort Sequence, uint Timestamp, bool Marker, byte[] Payload)> Run(PsRtpPacketizer packetizer, IEnumerable<byte[]> chunks, bool flush = true)
    {
        var sent = new List<(ushort, uint, bool, byte[])>();
        void Send(ReadOnlySpan<byte> bytes)
        {
            Assert.True(RtpPacket.TryParse(bytes, out var packet, out var reason), reason);
            Assert.Equal(Ssrc, packet.Ssrc);
            Assert.Equal(96, packet.PayloadType);
            sent.Add((packet.Sequence, packet.Timestamp, packet.Marker, packet.Payload.ToArray()));
        }

        foreach (var chunk in chunks)
        {
            packetizer.Add(chunk, Send);
        }

        if (flush)
        {
            packetizer.Flush(Send);
        }

        return sent;
    }

    [Theory]
    [InlineData(0UL)]
    [InlineData(90_000UL)]
    [InlineData(0x1_2345_6789UL)] // 33 bits: RTP keeps the low 32.
    public void TheScrBaseOfAPackHeaderIsItsTimestamp(ulong scr) =>
        Assert.Equal(unchecked((uint)scr), PsRtpPacketizer.ScrTimestamp(Pack(scr, 0, 0)));

    [Fact]
    public void EachPackStartsAPacketCarriesItsScrAndEndsWithTheMarker()
    {
        var stream = Pack(3_600, 100, 1).Concat(Pack(7_200, 3_000, 2)).Concat(Pack(10_800, 10, 3)).ToArray();
        // Cut at awkward places: inside the second pack's start code, and byte by byte for a while.
        var chunks = new List<byte[]> { stream[..115], stream[115..116], stream[116..118] };
        chunks.AddRange(stream[118..200].Select(b => new[] { b }));
        chunks.Add(stream[200..]);

        var sent = Run(new PsRtpPacketizer(Ssrc, 1_400, firstSequence: 65_535), chunks);

        Assert.Equal([65_535, 0, 1, 2, 3], sent.Select(p => p.Sequence));
        Assert.Equal([3_600u, 7_200u, 7_200u, 7_200u, 10_800u], sent.Select(p => p.Timestamp));
        Assert.Equal([true, false, false, true, true], sent.Select(p => p.Marker));
        Assert.All(sent, p => Assert.True(p.Payload.Length <= 1_400));
        Assert.Equal(stream, sent.SelectMany(p => p.Payload).ToArray());
    }

    [Fact]
    public void BytesBeforeTheFirstPackAreSkippedAndCounted()
    {
        var packetizer = new PsRtpPacketizer(Ssrc);
        var pack = Pack(90_000, 20, 7);
        var sent = Run(packetizer, [new byte[] { 9, 9, 9 }, [0, 0, 1, 0xE0, 5], pack]);

        Assert.Equal(8, packetizer.SkippedBytes);
        Assert.Equal(pack, Assert.Single(sent).Payload);
    }

    [Fact]
    public void TheLastPackIsHeldUntilTheNextStartsOrTheStreamEnds()
    {
        var packetizer = new PsRtpPacketizer(Ssrc);
        Assert.Empty(Run(packetizer, [Pack(1, 50, 1)], flush: false));
        Assert.Single(Run(packetizer, [], flush: true));
    }
}
