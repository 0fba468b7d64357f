using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using static SmartCommunity.Sl651.Framing.Sl651FrameLayout;

namespace SmartCommunity.Sl651.Framing;

public enum Sl651ScanStatus
{
    /// <summary>No complete frame yet; keep the unconsumed bytes and read more.</summary>
    NeedMoreData,

    /// <summary>A frame was decoded.</summary>
    Frame,

    /// <summary>Bytes that looked like a frame start were rejected; scanning resumes one byte later.</summary>
    Rejected,
}

/// <summary>
/// What <see cref="Sl651FrameDecoder.Scan"/> found. <c>Consumed</c>: bytes the caller may drop from the front of the
/// buffer, including <c>Skipped</c>, the garbage bytes before the first 7E 7E.
/// </summary>
public readonly record struct Sl651ScanResult(
    Sl651ScanStatus Status, int Consumed, int Skipped, Sl651Frame? Frame, Sl651Rejection Rejection);

/// <summary>Decodes HEX/BCD-mode frames. Never throws on bytes from the wire; every failure is a <see cref="Sl651Rejection"/>.</summary>
public static class Sl651FrameDecoder
{
    /// <summary>Decodes a buffer that should hold exactly one frame.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> bytes, [NotNullWhen(true)] out Sl651Frame? frame, out Sl651Rejection rejection)
    {
        frame = null;
        if ((bytes.Length > 0 && bytes[0] != Sl651ControlChars.FrameStart) || (bytes.Length > 1 && bytes[1] != Sl651ControlChars.FrameStart))
        {
            rejection = new(Sl651RejectReason.BadStart, "frame does not begin with 7E 7E");
            return false;
        }

        if (bytes.Length < HeaderSize)
        {
            rejection = new(Sl651RejectReason.Truncated, $"{bytes.Length} bytes is shorter than the {HeaderSize}-byte header");
            return false;
        }

        var declared = DeclaredFrameSize(bytes);
        if (declared != bytes.Length)
        {
            rejection = declared > bytes.Length
                ? new(Sl651RejectReason.Truncated, $"length field declares a {declared}-byte frame, only {bytes.Length} bytes given")
                : new(Sl651RejectReason.LengthMismatch, $"length field declares a {declared}-byte frame, {bytes.Length} bytes given");
            return false;
        }

        var result = Scan(bytes, MaxFrameSize);
        frame = result.Frame;
        rejection = result.Rejection;
        return frame is not null;
    }

    /// <summary>
    /// Finds the next frame in a stream buffer: skips garbage up to the next 7E 7E, waits for the length the header
    /// declares, then checks start char, end char and CRC.
    /// </summary>
    public static Sl651ScanResult Scan(ReadOnlySpan<byte> buffer, int maxFrameSize)
    {
        var start = buffer.IndexOf(stackalloc byte[] { Sl651ControlChars.FrameStart, Sl651ControlChars.FrameStart });
        if (start < 0)
        {
            // Keep a trailing 7E: it may be the first half of the next frame start.
            var skip = buffer.Length > 0 && buffer[^1] == Sl651ControlChars.FrameStart ? buffer.Length - 1 : buffer.Length;
            return new(Sl651ScanStatus.NeedMoreData, skip, skip, null, default);
        }

        var bytes = buffer[start..];
        if (bytes.Length < HeaderSize)
        {
            return new(Sl651ScanStatus.NeedMoreData, start, start, null, default);
        }

        var direction = bytes[LengthOffset] >> 4;
        if (direction is not ((int)Sl651Direction.Up or (int)Sl651Direction.Down))
        {
            return Reject(start, Sl651RejectReason.BadDirectionFlag, $"direction nibble is {direction:X}, expected 0 (up) or 8 (down)");
        }

        var size = DeclaredFrameSize(bytes);
        if (size > maxFrameSize)
        {
            return Reject(start, Sl651RejectReason.FrameTooLarge, $"length field declares a {size}-byte frame, the limit is {maxFrameSize}");
        }

        if (bytes.Length < size)
        {
            return new(Sl651ScanStatus.NeedMoreData, start, start, null, default);
        }

        return Check(bytes[..size], start);
    }

    private static int DeclaredFrameSize(ReadOnlySpan<byte> bytes) =>
        Overhead + (BinaryPrimitives.ReadUInt16BigEndian(bytes[LengthOffset..]) & MaxBodyLength);

    private static Sl651ScanResult Check(ReadOnlySpan<byte> frame, int start)
    {
        var startChar = frame[StartCharOffset];
        if (startChar is not (Sl651ControlChars.Stx or Sl651ControlChars.Syn))
        {
            return Reject(start, Sl651RejectReason.BadStartChar, $"start char is 0x{startChar:X2}, expected STX 02 or SYN 16");
        }

        var endChar = frame[^TrailerSize];
        if (!Sl651ControlChars.IsEndChar(endChar))
        {
            return Reject(start, Sl651RejectReason.BadEndChar,
                $"byte where the length field puts the end char is 0x{endChar:X2}; expected ETX, ETB, ENQ, EOT, ACK, NAK or ESC (is the length field right?)");
        }

        var expected = Sl651Crc.Compute(frame[..^2]);
        var actual = Sl651Crc.Read(frame[^2..]);
        if (expected != actual)
        {
            return Reject(start, Sl651RejectReason.CrcMismatch, $"frame CRC is {actual:X4}, computed {expected:X4}");
        }

        var body = frame[HeaderSize..^TrailerSize];
        Sl651PacketInfo? packet = null;
        if (startChar == Sl651ControlChars.Syn)
        {
            // SL 651-2014, "多包传输": 3 bytes after SYN, high 12 bits packet total, low 12 bits packet number (from 1).
            if (body.Length < PacketInfoSize)
            {
                return Reject(start, Sl651RejectReason.BadPacketInfo, "SYN frame is too short to hold the 3-byte packet info");
            }

            var total = (body[0] << 4) | (body[1] >> 4);
            var number = ((body[1] & 0x0F) << 8) | body[2];
            if (total == 0 || number == 0 || number > total)
            {
                return Reject(start, Sl651RejectReason.BadPacketInfo, $"packet {number} of {total} is not a valid packet number");
            }

            packet = new Sl651PacketInfo(total, number);
            body = body[PacketInfoSize..];
        }

        var isUp = frame[LengthOffset] >> 4 == (int)Sl651Direction.Up;
        var addresses = frame.Slice(AddressesOffset, 1 + Sl651StationAddress.Size);
        var centre = isUp ? addresses[0] : addresses[^1];
        var station = Sl651StationAddress.Read(isUp ? addresses[1..] : addresses);
        var decoded = new Sl651Frame(
            isUp ? Sl651Direction.Up : Sl651Direction.Down,
            centre,
            station,
            BinaryPrimitives.ReadUInt16BigEndian(frame[PasswordOffset..]),
            (Sl651FunctionCode)frame[FunctionCodeOffset],
            startChar,
            packet,
            body.ToArray(),
            endChar);
        return new(Sl651ScanStatus.Frame, start + frame.Length, start, decoded, default);
    }

    // Drop only the first 7E: the bytes after it may hold the real frame start.
    private static Sl651ScanResult Reject(int start, Sl651RejectReason reason, string message) =>
        new(Sl651ScanStatus.Rejected, start + 1, start, null, new Sl651Rejection(reason, message));
}
