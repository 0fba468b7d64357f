using System.Globalization;

namespace SmartCommunity.Sl651.Framing;

/// <summary>
/// The 5-byte remote station address (SL 651-2014, "遥测站地址"). Hydrological stations put an 8-digit BCD station
/// code in the low 4 bytes behind a zero byte; other station types use HEX. Either way the 10 hex digits as sent
/// (e.g. <c>0012345678</c>) name the station, so that is what <see cref="ToString"/> returns.
/// </summary>
public readonly record struct Sl651StationAddress(ulong Value)
{
    public const int Size = 5;

    public static Sl651StationAddress Read(ReadOnlySpan<byte> source)
    {
        ulong value = 0;
        for (var i = 0; i < Size; i++)
        {
            value = (value << 8) | source[i];
        }

        return new Sl651StationAddress(value);
    }

    public static Sl651StationAddress Parse(string hex) =>
        new(ulong.Parse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture) & 0xFF_FFFF_FFFF);

    public void Write(Span<byte> destination)
    {
        for (var i = 0; i < Size; i++)
        {
            destination[i] = (byte)(Value >> (8 * (Size - 1 - i)));
        }
    }

    public override string ToString() => Value.ToString("X10", CultureInfo.InvariantCulture);
}
