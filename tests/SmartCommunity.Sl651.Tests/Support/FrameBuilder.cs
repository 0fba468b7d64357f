namespace SmartCommunity.Sl651.Tests.Support;

/// <summary>
/// Builds SL 651 HEX frames byte by byte with its own CRC and BCD code, so tests do not trust the production encoder.
/// Defaults: centre 01, station 0012345678, password 1234, uplink, STX … ETX.
/// </summary>
internal sealed class FrameBuilder
{
    private readonly List<byte> _body = [];
    private byte _centre = 0x01;
    private byte[] _station = Hex("0012345678");
    private ushort _password = 0x1234;
    private byte _function = 0x32;
    private byte _directionNibble;
    private byte _startChar = 0x02;
    private byte[] _packetInfo = [];
    private byte _endChar = 0x03;
    private int? _lengthOverride;
    private bool _corruptCrc;

    /// <summary>A report body: serial, send time, F1 F1 station address + category 'H', F0 F0 observation time.</summary>
    public static FrameBuilder Report(byte function = 0x32, ushort serial = 7, string sendTime = "250715080005", string observationTime = "2507150800") =>
        new FrameBuilder().Function(function).Body($"{serial:X4}{sendTime}F1F1001234567848F0F0{observationTime}");

    public static FrameBuilder KeepAlive(ushort serial = 9, string sendTime = "250715080010") =>
        new FrameBuilder().Function(0x2F).Body($"{serial:X4}{sendTime}");

    public FrameBuilder Function(byte function)
    {
        _function = function;
        return this;
    }

    public FrameBuilder Downlink()
    {
        _directionNibble = 0x8;
        return this;
    }

    public FrameBuilder StartChar(byte value)
    {
        _startChar = value;
        return this;
    }

    /// <summary>Makes this a SYN frame with the given packet total and number (12 bits each).</summary>
    public FrameBuilder MultiPacket(int total, int number)
    {
        _startChar = 0x16;
        _packetInfo = [(byte)(total >> 4), (byte)(((total & 0x0F) << 4) | (number >> 8)), (byte)number];
        return this;
    }

    public FrameBuilder EndChar(byte value)
    {
        _endChar = value;
        return this;
    }

    /// <summary>Writes this value into the 12-bit length field instead of the real body length.</summary>
    public FrameBuilder LengthField(int value)
    {
        _lengthOverride = value;
        return this;
    }

    public FrameBuilder CorruptCrc()
    {
        _corruptCrc = true;
        return this;
    }

    /// <summary>Appends hex to the body (spaces allowed).</summary>
    public FrameBuilder Body(string hex)
    {
        _body.AddRange(Hex(hex));
        return this;
    }

    public FrameBuilder Element(string hex) => Body(hex);

    public byte[] Build()
    {
        var length = _lengthOverride ?? (_packetInfo.Length + _body.Count);
        var frame = new List<byte> { 0x7E, 0x7E };
        if (_directionNibble == 0)
        {
            frame.Add(_centre);
            frame.AddRange(_station);
        }
        else
        {
            frame.AddRange(_station);
            frame.Add(_centre);
        }

        frame.Add((byte)(_password >> 8));
        frame.Add((byte)_password);
        frame.Add(_function);
        frame.Add((byte)((_directionNibble << 4) | ((length >> 8) & 0x0F)));
        frame.Add((byte)length);
        frame.Add(_startChar);
        frame.AddRange(_packetInfo);
        frame.AddRange(_body);
        frame.Add(_endChar);
        var crc = Crc16Modbus([.. frame]);
        if (_corruptCrc)
        {
            crc ^= 0x0100;
        }

        frame.Add((byte)(crc >> 8)); // SL 651 sends the CRC high byte first.
        frame.Add((byte)crc);
        return [.. frame];
    }

    public static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal));

    /// <summary>Bit-by-bit CRC-16/Modbus (reflected 0xA001, init 0xFFFF), deliberately not table-driven.</summary>
    public static ushort Crc16Modbus(ReadOnlySpan<byte> bytes)
    {
        var crc = 0xFFFF;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var i = 0; i < 8; i++)
            {
                crc = (crc & 1) == 1 ? (crc >> 1) ^ 0xA001 : crc >> 1;
            }
        }

        return (ushort)crc;
    }
}
