namespace SmartCommunity.TimeSeries.LineProtocol;

/// <summary>
/// A fast path for the floats sensors send (water levels like <c>12.345</c>): a value that is exactly the nearest
/// double to a decimal with at most six fractional digits is written from that integer, instead of through the
/// general shortest-round-trip formatter, which cost about half of encoding a typical point. The bytes are the same
/// as <see cref="double.TryFormat(Span{byte}, out int, ReadOnlySpan{char}, IFormatProvider?)"/> writes; anything
/// outside the fast path's range goes to that formatter.
/// </summary>
/// <remarks>
/// Why the result round-trips and is the shortest: <c>m / 10^k</c> is correctly rounded by IEEE division, and parsing
/// the decimal text of <c>m·10^-k</c> also yields the double nearest to that exact quotient, so when the division
/// gives back the value, the text parses back to it. Trying k = 0, 1, 2… finds the fewest fractional digits, which in
/// plain notation is the fewest significant digits; below 10^9 one step of 10^-6 is wider than the gap between
/// neighbouring doubles, so only one m per k can match, and the error of <c>value·10^k</c> (well under 0.5) cannot
/// make the rounding miss it. The range keeps to where .NET writes plain (not exponent) notation.
/// </remarks>
internal static class ShortDecimal
{
    private const int MaxFractionDigits = 6;
    private const double Smallest = 1e-3;
    private const double Limit = 1e9;

    private static readonly double[] Scales = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6];

    /// <summary>Writes the value if it is in the fast path's range; false (nothing written) means use the general formatter.</summary>
    public static bool TryWrite(double value, Span<byte> span, out int written)
    {
        written = 0;
        var magnitude = Math.Abs(value);
        if (!(magnitude is >= Smallest and < Limit))
        {
            return false; // also NaN, infinities and both zeros (-0 must keep its sign)
        }

        for (var k = 0; k <= MaxFractionDigits; k++)
        {
            var scale = Scales[k];
            var scaled = Math.Round(magnitude * scale);
            if (scaled / scale != magnitude)
            {
                continue;
            }

            var n = 0;
            if (value < 0)
            {
                span[n++] = (byte)'-';
            }

            written = n + WriteFixed((long)scaled, k, span[n..]);
            return true;
        }

        return false;
    }

    /// <summary>Writes <paramref name="units"/>·10^-<paramref name="fractionDigits"/> as plain decimal text (<c>0.012</c>, <c>12.5</c>, <c>7</c>).</summary>
    private static int WriteFixed(long units, int fractionDigits, Span<byte> span)
    {
        Span<byte> digits = stackalloc byte[20];
        var count = 0;
        do
        {
            digits[count++] = (byte)('0' + (units % 10));
            units /= 10;
        }
        while (units != 0);

        // digits holds the number least significant first; pad with zeros so there is at least one integer digit.
        while (count <= fractionDigits)
        {
            digits[count++] = (byte)'0';
        }

        var n = 0;
        for (var i = count - 1; i >= 0; i--)
        {
            if (i == fractionDigits - 1)
            {
                span[n++] = (byte)'.';
            }

            span[n++] = digits[i];
        }

        return n;
    }
}
