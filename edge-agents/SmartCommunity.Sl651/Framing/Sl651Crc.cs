using System.Buffers.Binary;

namespace SmartCommunity.Sl651.Framing;

/// <summary>
/// CRC-16/Modbus as SL 651-2014 asks for: polynomial x16+x15+x2+1 (0x8005, reflected 0xA001), initial value 0xFFFF,
/// no final XOR, computed from the first 7E through the end char.
/// </summary>
public static class Sl651Crc
{
    /// <summary>
    /// SL 651-2014 (HEX/BCD frame structure, "校验码"): the two CRC bytes are sent high byte first, unlike Modbus RTU,
    /// which sends the low byte first. Checked against the example frames that circulate with the standard (we did
    /// not have its text), e.g. the test report <c>7E7E01…0320FA</c> whose CRC is 0x20FA, sent as <c>20 FA</c>.
    /// </summary>
    public const bool HighByteFirst = true;

    private const ushort ReflectedPolynomial = 0xA001;
    private const ushort InitialValue = 0xFFFF;

    private static readonly ushort[] Table = BuildTable();

    public static ushort Compute(ReadOnlySpan<byte> data)
    {
        var crc = InitialValue;
        var table = Table;
        foreach (var b in data)
        {
            crc = (ushort)((crc >> 8) ^ table[(crc ^ b) & 0xFF]);
        }

        return crc;
    }

    /// <summary>Reads a transmitted CRC in the standard's byte order (see <see cref="HighByteFirst"/>).</summary>
    public static ushort Read(ReadOnlySpan<byte> source) => BinaryPrimitives.ReadUInt16BigEndian(source);

    /// <summary>Writes a CRC in the standard's byte order (see <see cref="HighByteFirst"/>).</summary>
    public static void Write(Span<byte> destination, ushort crc) => BinaryPrimitives.WriteUInt16BigEndian(destination, crc);

    private static ushort[] BuildTable()
    {
        var table = new ushort[256];
        for (var i = 0; i < table.Length; i++)
        {
            var crc = (ushort)i;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (ushort)((crc >> 1) ^ ReflectedPolynomial) : (ushort)(crc >> 1);
            }

            table[i] = crc;
        }

        return table;
    }
}
