namespace SmartCommunity.Sl651.Framing;

/// <summary>Why bytes from the wire were not accepted. Each reason is counted separately by the server.</summary>
public enum Sl651RejectReason
{
    /// <summary>The bytes do not begin with 7E 7E.</summary>
    BadStart,

    /// <summary>The frame ended (buffer, connection or idle timeout) before the length field said it would.</summary>
    Truncated,

    /// <summary>The length field does not match the bytes given (more bytes than it declares).</summary>
    LengthMismatch,

    /// <summary>The length field declares a frame bigger than the configured maximum.</summary>
    FrameTooLarge,

    /// <summary>The direction nibble is neither 0 (up) nor 8 (down).</summary>
    BadDirectionFlag,

    /// <summary>The byte after the length field is neither STX nor SYN.</summary>
    BadStartChar,

    /// <summary>The byte where the length field puts the end char is not one of ETX, ETB, ENQ, EOT, ACK, NAK, ESC.</summary>
    BadEndChar,

    /// <summary>The CRC-16/Modbus in the frame differs from the one computed over it.</summary>
    CrcMismatch,

    /// <summary>The packet total/number after SYN is missing or inconsistent.</summary>
    BadPacketInfo,

    /// <summary>A BCD field (time, element value) holds a nibble above 9, or a time that does not exist.</summary>
    MalformedBcd,

    /// <summary>The body is too short or an element runs past its end.</summary>
    MalformedBody,

    /// <summary>A downlink frame arrived where only uplink frames are expected.</summary>
    WrongDirection,

    /// <summary>A valid frame whose function code is not a report this library decodes.</summary>
    UnsupportedFunctionCode,

    /// <summary>A valid SYN (multi-packet) frame; reassembly is not supported.</summary>
    MultiPacketUnsupported,
}

/// <summary>A rejection: the reason to count and a message for a log line.</summary>
public readonly record struct Sl651Rejection(Sl651RejectReason Reason, string Message)
{
    public override string ToString() => $"{Reason}: {Message}";
}
