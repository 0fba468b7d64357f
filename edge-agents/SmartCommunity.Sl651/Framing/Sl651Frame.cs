namespace SmartCommunity.Sl651.Framing;

/// <summary>Packet total and number that follow SYN in a multi-packet transfer (12 bits each).</summary>
public readonly record struct Sl651PacketInfo(int Total, int Number);

/// <summary>
/// One frame that passed start, length, start/end char and CRC checks. <c>Body</c> is a copy of the bytes between
/// the start char and the end char, without the packet info of a SYN frame.
/// </summary>
public sealed record Sl651Frame(
    Sl651Direction Direction,
    byte CentreAddress,
    Sl651StationAddress StationAddress,
    ushort Password,
    Sl651FunctionCode FunctionCode,
    byte StartChar,
    Sl651PacketInfo? Packet,
    ReadOnlyMemory<byte> Body,
    byte EndChar);
