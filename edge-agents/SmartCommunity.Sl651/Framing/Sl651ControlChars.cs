namespace SmartCommunity.Sl651.Framing;

/// <summary>Frame control characters, SL 651-2014 table "帧控制字符定义" (HEX/BCD mode).</summary>
public static class Sl651ControlChars
{
    /// <summary>Each frame starts with two of these (SOH in HEX/BCD mode).</summary>
    public const byte FrameStart = 0x7E;

    /// <summary>STX: start of the message body, single packet.</summary>
    public const byte Stx = 0x02;

    /// <summary>SYN: start of the message body in a multi-packet transfer; 3 bytes of packet info follow.</summary>
    public const byte Syn = 0x16;

    /// <summary>ETX: end of message, nothing follows.</summary>
    public const byte Etx = 0x03;

    /// <summary>ETB: end of this packet, more packets follow.</summary>
    public const byte Etb = 0x17;

    /// <summary>ENQ: end of a downlink query or command.</summary>
    public const byte Enq = 0x05;

    /// <summary>EOT: end of transmission; the RTU may hang up.</summary>
    public const byte Eot = 0x04;

    /// <summary>ACK: positive acknowledgement, carry on.</summary>
    public const byte Ack = 0x06;

    /// <summary>NAK: negative acknowledgement, resend.</summary>
    public const byte Nak = 0x15;

    /// <summary>ESC: end of transmission, the RTU stays online.</summary>
    public const byte Esc = 0x1B;

    public static bool IsEndChar(byte value) =>
        value is Etx or Etb or Enq or Eot or Ack or Nak or Esc;
}
