using System.Buffers.Binary;
using static SmartCommunity.Sl651.Framing.Sl651FrameLayout;

namespace SmartCommunity.Sl651.Framing;

/// <summary>Builds single-packet (STX) HEX/BCD frames with the CRC in the standard's byte order.</summary>
public static class Sl651FrameEncoder
{
    public static byte[] Encode(
        Sl651Direction direction,
        byte centreAddress,
        Sl651StationAddress station,
        ushort password,
        Sl651FunctionCode functionCode,
        ReadOnlySpan<byte> body,
        byte endChar)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(body.Length, MaxBodyLength);
        if (!Sl651ControlChars.IsEndChar(endChar))
        {
            throw new ArgumentOutOfRangeException(nameof(endChar), endChar, "Not an SL 651 end char.");
        }

        var frame = new byte[Overhead + body.Length];
        frame[0] = Sl651ControlChars.FrameStart;
        frame[1] = Sl651ControlChars.FrameStart;
        var addresses = frame.AsSpan(AddressesOffset, 1 + Sl651StationAddress.Size);
        if (direction == Sl651Direction.Up)
        {
            addresses[0] = centreAddress;
            station.Write(addresses[1..]);
        }
        else
        {
            // SL 651-2014 "下行帧结构": station address first, then the centre address.
            station.Write(addresses);
            addresses[^1] = centreAddress;
        }

        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(PasswordOffset), password);
        frame[FunctionCodeOffset] = (byte)functionCode;
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(LengthOffset), (ushort)(((int)direction << 12) | body.Length));
        frame[StartCharOffset] = Sl651ControlChars.Stx;
        body.CopyTo(frame.AsSpan(HeaderSize));
        frame[^TrailerSize] = endChar;
        Sl651Crc.Write(frame.AsSpan(frame.Length - 2), Sl651Crc.Compute(frame.AsSpan(0, frame.Length - 2)));
        return frame;
    }
}
