using SmartCommunity.Gb28181.Media;
using SmartCommunity.Gb28181.Sip;

namespace SmartCommunity.Gb28181.Tests.Media;

public class PsReassemblerTests
{
    private const uint Ssrc = 0x0BEBC201;

    private static byte[] Packet(ushort sequence, byte fill, uint ssrc = Ssrc)
    {
        var buffer = new byte[12 + 4];
        RtpPacket.Write(buffer, sequence, sequence * 3600u, ssrc, marker: false, 96, [fill, fill, fill, fill]);
        return buffer;
    }

    private static (PsReassembler Reassembler, List<byte> Output) Make(int window = 8)
    {
        var output = new List<byte>();
        return (new PsReassembler(bytes => output.AddRange(bytes.ToArray()), Ssrc, window), output);
    }

    [Fact]
    public void PacketsInOrderComeOutInOrder()
    {
        var (reassembler, output) = Make();
        for (var i = 0; i < 5; i++)
        {
            reassembler.Add(Packet((ushort)i, (byte)i));
        }

        Assert.Equal([0, 1, 2, 3, 4], output.Where((_, i) => i % 4 == 0));
        Assert.Equal(0, reassembler.Counts.Reordered + reassembler.Counts.Lost);
    }

    [Fact]
    public void ReorderedPacketsArePutBackInSequenceAndCounted()
    {
        var (reassembler, output) = Make();
        foreach (var s in new ushort[] { 0, 2, 1, 4, 3, 5 })
        {
            reassembler.Add(Packet(s, (byte)s));
        }

        Assert.Equal([0, 1, 2, 3, 4, 5], output.Where((_, i) => i % 4 == 0));
        Assert.Equal(2, reassembler.Counts.Reordered);
        Assert.Equal(0, reassembler.Counts.Lost);
    }

    [Fact]
    public void ALostPacketIsGivenUpWhenTheWindowFillsAndTheStreamGoesOn()
    {
        var (reassembler, output) = Make(window: 4);
        foreach (var s in new ushort[] { 0, 2, 3, 4, 5, 6 })
        {
            reassembler.Add(Packet(s, (byte)s));
        }

        Assert.Equal([0, 2, 3, 4, 5, 6], output.Where((_, i) => i % 4 == 0));
        Assert.Equal(1, reassembler.Counts.Lost);
        reassembler.Add(Packet(1, 1));
        Assert.Equal(1, reassembler.Counts.Late);
    }

    [Fact]
    public void SequenceNumbersWrapAround()
    {
        var (reassembler, output) = Make();
        foreach (var s in new ushort[] { 65534, 0, 65535, 1 })
        {
            reassembler.Add(Packet(s, (byte)(s & 0xFF)));
        }

        Assert.Equal([0xFE, 0xFF, 0, 1], output.Where((_, i) => i % 4 == 0));
        Assert.Equal(0, reassembler.Counts.Lost);
    }

    [Fact]
    public void AForeignSsrcDuplicatesAndGarbageAreCountedAndDropped()
    {
        var (reassembler, output) = Make();
        reassembler.Add(Packet(0, 0));
        reassembler.Add(Packet(1, 9, ssrc: 42));
        reassembler.Add(Packet(2, 2));
        reassembler.Add(Packet(2, 2));
        reassembler.Add([0x80, 0x60]);
        reassembler.Add(new byte[20]);
        reassembler.Add(Packet(1, 1));

        Assert.Equal([0, 1, 2], output.Where((_, i) => i % 4 == 0));
        Assert.Equal(1, reassembler.Counts.WrongSsrc);
        Assert.Equal(1, reassembler.Counts.Duplicates);
        Assert.Equal(2, reassembler.Counts.Malformed);
    }

    [Fact]
    public void HeaderExtensionsAndPaddingAreSkipped()
    {
        byte[] packet = [0xB0, 96, 0, 7, 0, 0, 0, 1, 0x0B, 0xEB, 0xC2, 0x01, 0xBE, 0xDE, 0, 1, 9, 9, 9, 9, 0xAA, 0xBB, 0, 2];
        Assert.True(RtpPacket.TryParse(packet, out var rtp, out _));
        Assert.Equal([0xAA, 0xBB], rtp.Payload.ToArray());
        Assert.Equal(7, rtp.Sequence);
    }

    [Fact]
    public void SdpOfferAndAnswerCarryTheGbFields()
    {
        var ssrc = Sdp.Ssrc(playback: false, "3402000000", 1);
        Assert.Equal("0200000001", ssrc); // 0 live, digits 4–8 of the domain (20000), sequence 0001
        var offer = Sdp.PlayOffer("34020000001320000001", "127.0.0.1", 30000, ssrc);
        var media = Sdp.Parse(System.Text.Encoding.ASCII.GetBytes(offer))!;
        Assert.Equal(("Play", "127.0.0.1", 30000, "RTP/AVP", ssrc), (media.SessionName, media.Address, media.Port, media.Transport, media.Ssrc));
        Assert.Null(Sdp.Parse("v=0\r\ns=Play\r\n"u8));
    }
}
