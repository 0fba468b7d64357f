using System.Buffers.Binary;
using FsCheck;
using FsCheck.Fluent;
using SmartCommunity.Sl651.Framing;
using SmartCommunity.Testing.Fuzzing;

namespace SmartCommunity.Sl651.Tests.Fuzzing;

/// <summary>
/// SL 651 bytes for fuzzing. Most inputs are frames with a correct CRC around a hostile body, so they get past the
/// frame checks into the report parser: BCD times and values with nibbles above 9, elements that run past the end,
/// even-period time steps of 0 and 99 days, negative values, extended identifiers. The rest are broken frames.
/// </summary>
public static class Sl651Inputs
{
    private static readonly byte[] KnownIdentifiers = [0x03, 0x04, 0x0E, 0x20, 0x26, 0x27, 0x37, 0x38, 0x39, 0x3A, 0x3B, 0xF0, 0xF1, 0xFF];
    private static readonly byte[] EndChars = [0x03, 0x17, 0x05, 0x04, 0x06, 0x15, 0x1B];

    /// <summary>A BCD byte, usually valid, sometimes with a nibble above 9 or all ones.</summary>
    private static Gen<byte> BcdByte { get; } = Gen.Frequency([
        (8, Gen.Choose(0, 99).Select(v => (byte)(((v / 10) << 4) | (v % 10)))),
        (1, Gen.Choose(0, 255).Select(v => (byte)v)),
        (1, Gen.Elements<byte>(0xFF, 0x0A, 0xA0, 0x99, 0x00))]);

    /// <summary>YYMMDDhhmm[ss]: valid dates, 31 February, month 13, hour 24, and random BCD.</summary>
    private static Gen<byte[]> Time(int length) => Gen.Frequency([
        (6, Gen.Zip(Gen.Choose(0, 99), Gen.Zip(Gen.Choose(1, 12), Gen.Choose(1, 28))).Select(t => Bcd(t.Item1, t.Item2.Item1, t.Item2.Item2, 8, 30, 15)[..length])),
        (1, Gen.Elements(Bcd(25, 2, 31, 0, 0, 0), Bcd(25, 13, 1, 0, 0, 0), Bcd(25, 1, 1, 24, 0, 0), Bcd(0, 1, 1, 0, 0, 0), Bcd(99, 12, 31, 23, 59, 59), Bcd(24, 2, 29, 0, 0, 0), Bcd(25, 0, 0, 0, 0, 0)).Select(b => b[..length])),
        (2, Gen.ArrayOf(BcdByte, length))]);

    /// <summary>One element: identifier, definition byte (length and decimals) and value bytes that may disagree with it.</summary>
    private static Gen<byte[]> Element { get; } =
        from identifier in Gen.Frequency([(6, Gen.Elements(KnownIdentifiers)), (1, Gen.Choose(0, 255).Select(v => (byte)v))])
        from extended in Gen.Choose(0, 255)
        from length in Gen.Frequency([(6, Gen.Choose(1, 9)), (1, Gen.Choose(0, 31))])
        from decimals in Gen.Choose(0, 7)
        from value in Gen.Frequency([
            (5, Gen.ArrayOf(BcdByte, length)),
            (1, Gen.Constant(Enumerable.Repeat((byte)0xFF, length).ToArray())),
            (1, Gen.ArrayOf(BcdByte, Math.Max(0, length - 1)).Select(v => (byte[])[0xFF, .. v])),
            (1, Gen.Choose(0, length + 3).SelectMany(n => Gen.ArrayOf(BcdByte, n)))])
        select identifier == 0xFF ? [identifier, (byte)extended, (byte)((length << 3) | decimals), .. value] : new[] { identifier, (byte)((length << 3) | decimals) }.Concat(value).ToArray();

    /// <summary>Time step element 04 18 DDhhmm of an even-period report, from zero to 99 days 99 hours 99 minutes.</summary>
    private static Gen<byte[]> TimeStep { get; } = Gen.ArrayOf(BcdByte, 3).Select(v => (byte[])[0x04, 0x18, .. v]);

    /// <summary>Report body: serial, send time, F1 F1 address and category, F0 F0 observation time, elements.</summary>
    private static Gen<byte[]> ReportBody { get; } =
        from serial in Gen.Choose(0, 65535)
        from sendTime in Time(6)
        from station in Gen.ArrayOf(Gen.Choose(0, 255).Select(v => (byte)v), 5)
        from category in Gen.Elements((byte)'H', (byte)'K', (byte)'P', (byte)0, (byte)0xFF)
        from observation in Time(5)
        from step in Gen.Frequency([(3, Gen.Constant(Array.Empty<byte>())), (1, TimeStep)])
        from elements in Gen.Choose(0, 12).SelectMany(n => Gen.ArrayOf(Element, n))
        from cut in Gen.Frequency([(6, Gen.Constant(int.MaxValue)), (1, Gen.Choose(0, 60))])
        select Cut([(byte)(serial >> 8), (byte)serial, .. sendTime, 0xF1, 0xF1, .. station, category, 0xF0, 0xF0, .. observation, .. step, .. elements.SelectMany(e => e)], cut);

    /// <summary>A whole frame with a correct CRC (usually), the body above or random bytes, any function code and end char.</summary>
    public static Gen<byte[]> Frame { get; } =
        from body in Gen.Frequency([(6, ReportBody), (1, HostileBytes.Random.Select(b => b.Length > Sl651FrameLayout.MaxBodyLength ? b[..Sl651FrameLayout.MaxBodyLength] : b))])
        from function in Gen.Frequency([(6, Gen.Choose(0x2F, 0x34)), (1, Gen.Choose(0, 255))])
        from direction in Gen.Frequency([(8, Gen.Constant(0)), (1, Gen.Constant(8)), (1, Gen.Choose(0, 15))])
        from syn in Gen.Frequency([(8, Gen.Constant<byte[]?>(null)), (1, Gen.ArrayOf(Gen.Choose(0, 255).Select(v => (byte)v), 3).Select(b => (byte[]?)b))])
        from end in Gen.Elements(EndChars)
        from damage in Gen.Frequency([(8, Gen.Constant(0)), (1, Gen.Choose(1, 4))])
        from spot in Gen.Choose(0, int.MaxValue)
        select Damage(Build(body, (byte)function, direction, syn, end), damage, spot);

    /// <summary>A stream: frames, garbage and cut frames back to back, fed in reads of a random size.</summary>
    public static Gen<(byte[] Bytes, int Chunk)> Stream { get; } =
        from parts in Gen.Choose(1, 8).SelectMany(n => Gen.ArrayOf(Gen.Frequency([(4, Frame), (1, HostileBytes.Random)]), n))
        from chunk in Gen.Frequency([(3, Gen.Choose(1, 64)), (1, Gen.Choose(65, 5000))])
        select (parts.SelectMany(p => p).ToArray(), chunk);

    private static byte[] Build(byte[] body, byte function, int direction, byte[]? packetInfo, byte end)
    {
        var content = packetInfo is null ? body : [.. packetInfo, .. body];
        var length = Math.Min(content.Length, Sl651FrameLayout.MaxBodyLength);
        var frame = new byte[Sl651FrameLayout.Overhead + length];
        frame[0] = frame[1] = Sl651ControlChars.FrameStart;
        frame[2] = 0x01;
        "\x00\x12\x34\x56\x78"u8.ToArray().CopyTo(frame, 3);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(Sl651FrameLayout.PasswordOffset), 0x1234);
        frame[Sl651FrameLayout.FunctionCodeOffset] = function;
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(Sl651FrameLayout.LengthOffset), (ushort)((direction << 12) | length));
        frame[Sl651FrameLayout.StartCharOffset] = packetInfo is null ? Sl651ControlChars.Stx : Sl651ControlChars.Syn;
        content.AsSpan(0, length).CopyTo(frame.AsSpan(Sl651FrameLayout.HeaderSize));
        frame[^Sl651FrameLayout.TrailerSize] = end;
        Sl651Crc.Write(frame.AsSpan(frame.Length - 2), Sl651Crc.Compute(frame.AsSpan(0, frame.Length - 2)));
        return frame;
    }

    /// <summary>1: one byte changed (CRC now wrong), 2: cut short, 3: length field rewritten, 4: garbage in front.</summary>
    private static byte[] Damage(byte[] frame, int how, int where)
    {
        switch (how)
        {
            case 1:
                frame[where % frame.Length] ^= (byte)(1 + (where % 255));
                return frame;
            case 2:
                return frame[..(where % frame.Length)];
            case 3:
                BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(Sl651FrameLayout.LengthOffset), (ushort)where);
                return frame;
            case 4:
                return [0x7E, (byte)where, 0x7E, .. frame];
            default:
                return frame;
        }
    }

    private static byte[] Cut(byte[] bytes, int at) => at >= bytes.Length ? bytes : bytes[..at];

    private static byte[] Bcd(params int[] values) => values.Select(v => (byte)(((v / 10) << 4) | (v % 10))).ToArray();
}
