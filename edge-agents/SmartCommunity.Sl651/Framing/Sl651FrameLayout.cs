namespace SmartCommunity.Sl651.Framing;

/// <summary>
/// Byte offsets of the HEX/BCD frame, SL 651-2014 tables "上行帧结构" / "下行帧结构":
/// <c>7E 7E | addresses (6) | password (2) | function (1) | direction+length (2) | STX/SYN | body | end char | CRC (2)</c>.
/// Uplink frames carry the centre address (1 byte) then the station address (5 bytes); downlink frames swap them.
/// </summary>
public static class Sl651FrameLayout
{
    public const int AddressesOffset = 2;
    public const int PasswordOffset = 8;
    public const int FunctionCodeOffset = 10;
    public const int LengthOffset = 11;
    public const int StartCharOffset = 13;

    /// <summary>Bytes before the body: start, addresses, password, function, direction+length, start char.</summary>
    public const int HeaderSize = 14;

    /// <summary>End char and CRC.</summary>
    public const int TrailerSize = 3;

    /// <summary>Everything but the body: a frame is <c>Overhead + length</c> bytes long.</summary>
    public const int Overhead = HeaderSize + TrailerSize;

    /// <summary>The length field is 12 bits (SL 651-2014, "上下行标识及长度").</summary>
    public const int MaxBodyLength = 0x0FFF;

    public const int MaxFrameSize = Overhead + MaxBodyLength;

    /// <summary>Packet total (12 bits) and packet number (12 bits) after SYN.</summary>
    public const int PacketInfoSize = 3;
}
