namespace SmartCommunity.Sl651.Reports;

/// <summary>Packed BCD, two digits per byte, most significant first.</summary>
internal static class Sl651Bcd
{
    /// <summary>Up to 18 digits fit a ulong without overflow.</summary>
    public const int MaxNumberBytes = 9;

    public static bool TryReadNumber(ReadOnlySpan<byte> bytes, out ulong value)
    {
        value = 0;
        if (bytes.Length > MaxNumberBytes)
        {
            return false;
        }

        foreach (var b in bytes)
        {
            int high = b >> 4, low = b & 0x0F;
            if (high > 9 || low > 9)
            {
                return false;
            }

            value = (value * 100) + (ulong)((high * 10) + low);
        }

        return true;
    }

    public static bool TryReadByte(byte b, out int value)
    {
        int high = b >> 4, low = b & 0x0F;
        value = (high * 10) + low;
        return high <= 9 && low <= 9;
    }

    /// <summary>Reads YYMMDDhhmm[ss] (5 or 6 bytes) as a time in the station's zone; years are 20YY.</summary>
    public static bool TryReadTime(ReadOnlySpan<byte> bytes, TimeSpan utcOffset, out DateTimeOffset time)
    {
        time = default;
        Span<int> parts = stackalloc int[6];
        for (var i = 0; i < bytes.Length; i++)
        {
            if (!TryReadByte(bytes[i], out parts[i]))
            {
                return false;
            }
        }

        var (year, month, day, hour, minute, second) = (2000 + parts[0], parts[1], parts[2], parts[3], parts[4], parts[5]);
        if (month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        time = new DateTimeOffset(year, month, day, hour, minute, second, utcOffset);
        return true;
    }

    public static void WriteTime(Span<byte> destination, DateTimeOffset time)
    {
        destination[0] = ToBcd(time.Year % 100);
        destination[1] = ToBcd(time.Month);
        destination[2] = ToBcd(time.Day);
        destination[3] = ToBcd(time.Hour);
        destination[4] = ToBcd(time.Minute);
        destination[5] = ToBcd(time.Second);
    }

    private static byte ToBcd(int value) => (byte)(((value / 10) << 4) | (value % 10));
}
