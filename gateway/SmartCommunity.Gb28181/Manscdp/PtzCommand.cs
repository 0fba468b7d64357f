namespace SmartCommunity.Gb28181.Manscdp;

/// <summary>Directions and zoom of a PTZ command; combine with |. None stops.</summary>
[Flags]
public enum PtzMotion
{
    None = 0,
    Right = 0x01,
    Left = 0x02,
    Down = 0x04,
    Up = 0x08,
    ZoomIn = 0x10,
    ZoomOut = 0x20,
}

/// <summary>
/// The 8-byte PTZ instruction of GB/T 28181-2016 Appendix A.3: A5H; version 0 with the check nibble
/// (A + 5 + 0) mod 16 = FH; address low byte; instruction (bits: 01 right, 02 left, 04 down, 08 up, 10 zoom in,
/// 20 zoom out); pan speed; tilt speed; zoom speed (high nibble) with the address high nibble; checksum = sum of
/// bytes 1–7 mod 256.
/// </summary>
public readonly record struct PtzCommand(PtzMotion Motion, byte PanSpeed, byte TiltSpeed, byte ZoomSpeed, ushort Address = 1)
{
    public static PtzCommand Stop { get; } = new(PtzMotion.None, 0, 0, 0);

    /// <summary>Null with a reason when a value is out of range (right with left, up with down, zoom speed above 15, address above 4095).</summary>
    public static string? Check(PtzMotion motion, int pan, int tilt, int zoom, int address = 1) =>
        (motion & (PtzMotion.Left | PtzMotion.Right)) == (PtzMotion.Left | PtzMotion.Right) ? "Left and right together."
        : (motion & (PtzMotion.Up | PtzMotion.Down)) == (PtzMotion.Up | PtzMotion.Down) ? "Up and down together."
        : (motion & (PtzMotion.ZoomIn | PtzMotion.ZoomOut)) == (PtzMotion.ZoomIn | PtzMotion.ZoomOut) ? "Zoom in and out together."
        : pan is < 0 or > 255 || tilt is < 0 or > 255 ? "Pan and tilt speeds are 0–255."
        : zoom is < 0 or > 15 ? "Zoom speed is 0–15."
        : address is < 0 or > 0xFFF ? "Address is 0–4095."
        : null;

    public byte[] ToBytes()
    {
        var bytes = new byte[8];
        bytes[0] = 0xA5;
        bytes[1] = 0x0F;
        bytes[2] = (byte)(Address & 0xFF);
        bytes[3] = (byte)Motion;
        bytes[4] = PanSpeed;
        bytes[5] = TiltSpeed;
        bytes[6] = (byte)(((ZoomSpeed & 0x0F) << 4) | ((Address >> 8) & 0x0F));
        var sum = 0;
        for (var i = 0; i < 7; i++)
        {
            sum += bytes[i];
        }

        bytes[7] = (byte)(sum % 256);
        return bytes;
    }

    public string ToHex() => Convert.ToHexString(ToBytes());
}
