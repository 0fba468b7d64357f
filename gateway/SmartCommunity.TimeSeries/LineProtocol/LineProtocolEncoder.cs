using System.Buffers;
using System.Globalization;
using System.Text;
using SmartCommunity.TimeSeries.Points;

namespace SmartCommunity.TimeSeries.LineProtocol;

/// <summary>
/// Writes points as InfluxDB line protocol (<c>measurement,tag=v field=1.5,n=3i 1700000000000</c>), UTF-8, one line
/// per point ending in <c>\n</c>, straight into a caller's buffer: nothing is allocated per point.
/// Rules follow the InfluxDB line protocol reference ("Special characters"):
/// measurement escapes comma and space; tag keys, tag values and field keys escape comma, equals sign and space;
/// string field values are double-quoted with double quote and backslash escaped; integers end in <c>i</c>,
/// unsigned integers in <c>u</c>; floats are written shortest-round-trip with the invariant culture.
/// </summary>
public static class LineProtocolEncoder
{
    // Longest text of a long, an ulong or a shortest-round-trip double ("-1.7976931348623157E+308") is 24 bytes.
    private const int MaxNumberBytes = 32;

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private static readonly SearchValues<char> MeasurementSpecials = SearchValues.Create(", ");
    private static readonly SearchValues<char> KeySpecials = SearchValues.Create(",= ");
    private static readonly SearchValues<char> StringSpecials = SearchValues.Create("\"\\");

    /// <summary>Appends one line (with its trailing newline) and returns the number of bytes written.</summary>
    /// <exception cref="ArgumentException">The point has no fields.</exception>
    public static int Encode(Point point, WritePrecision precision, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(point);
        ArgumentNullException.ThrowIfNull(output);
        point.Validate();

        // Ask the buffer once for the worst case (3 bytes per UTF-16 char covers both escaping and UTF-8), then
        // write with a local index: one GetSpan and one Advance per point.
        var span = output.GetSpan(MaxBytes(point));
        var n = WriteEscaped(span, point.Measurement, MeasurementSpecials);
        var tags = point.TagSpan;
        for (var i = 0; i < tags.Length; i++)
        {
            span[n++] = (byte)',';
            n += WriteEscaped(span[n..], tags[i].Key, KeySpecials);
            span[n++] = (byte)'=';
            n += WriteEscaped(span[n..], tags[i].Value, KeySpecials);
        }

        var fields = point.FieldSpan;
        for (var i = 0; i < fields.Length; i++)
        {
            span[n++] = i == 0 ? (byte)' ' : (byte)',';
            n += WriteEscaped(span[n..], fields[i].Key, KeySpecials);
            span[n++] = (byte)'=';
            n += WriteFieldValue(span[n..], fields[i].Value);
        }

        if (point.UnixNanoseconds is { } ns)
        {
            span[n++] = (byte)' ';
            n += WriteInt64(span[n..], ToPrecision(ns, precision));
        }

        span[n++] = (byte)'\n';
        output.Advance(n);
        return n;
    }

    /// <summary>Convenience for tests and tools: the line without its trailing newline.</summary>
    public static string EncodeToString(Point point, WritePrecision precision = WritePrecision.Nanoseconds)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        Encode(point, precision, buffer);
        return Encoding.UTF8.GetString(buffer.WrittenSpan[..^1]);
    }

    /// <summary>Truncates towards the past (floor), so pre-1970 timestamps round the same way as later ones.</summary>
    public static long ToPrecision(long unixNanoseconds, WritePrecision precision) => precision switch
    {
        WritePrecision.Nanoseconds => unixNanoseconds,
        WritePrecision.Microseconds => FloorDiv(unixNanoseconds, 1_000L),
        WritePrecision.Milliseconds => FloorDiv(unixNanoseconds, 1_000_000L),
        WritePrecision.Seconds => FloorDiv(unixNanoseconds, 1_000_000_000L),
        _ => throw new ArgumentOutOfRangeException(nameof(precision), precision, null),
    };

    private static long FloorDiv(long value, long divisor)
    {
        var (q, r) = Math.DivRem(value, divisor);
        return r < 0 ? q - 1 : q;
    }

    private static int MaxBytes(Point point)
    {
        var chars = point.Measurement.Length;
        var tags = point.TagSpan;
        for (var i = 0; i < tags.Length; i++)
        {
            chars += tags[i].Key.Length + tags[i].Value.Length;
        }

        var fields = point.FieldSpan;
        var extra = 0;
        for (var i = 0; i < fields.Length; i++)
        {
            chars += fields[i].Key.Length;
            extra += fields[i].Value.Kind == FieldKind.Text ? 2 : MaxNumberBytes;
            if (fields[i].Value.Kind == FieldKind.Text)
            {
                chars += fields[i].Value.AsString.Length;
            }
        }

        // separators: one per tag pair (',' '='), one per field (' ' or ',', '='), timestamp with its space, newline
        return (chars * 3) + (tags.Length * 2) + (fields.Length * 2) + extra + MaxNumberBytes + 2;
    }

    private static int WriteFieldValue(Span<byte> span, FieldValue value)
    {
        switch (value.Kind)
        {
            case FieldKind.FloatingPoint:
                // .NET Core 3.0+ formats doubles shortest-round-trippable by default; exponents come out as 1E+20,
                // which the line protocol parser accepts. Typical sensor values take a faster path with the same bytes.
                if (ShortDecimal.TryWrite(value.AsDouble, span, out var d))
                {
                    return d;
                }

                value.AsDouble.TryFormat(span, out d, default, CultureInfo.InvariantCulture);
                return d;
            case FieldKind.SignedInteger:
                var i = WriteInt64(span, value.AsInt64);
                span[i] = (byte)'i';
                return i + 1;
            case FieldKind.UnsignedInteger:
                value.AsUInt64.TryFormat(span, out var u, default, CultureInfo.InvariantCulture);
                span[u] = (byte)'u';
                return u + 1;
            case FieldKind.Boolean:
                var text = value.AsBoolean ? "true"u8 : "false"u8;
                text.CopyTo(span);
                return text.Length;
            default:
                span[0] = (byte)'"';
                var n = 1 + WriteEscaped(span[1..], value.AsString, StringSpecials);
                span[n] = (byte)'"';
                return n + 1;
        }
    }

    private static int WriteInt64(Span<byte> span, long value)
    {
        value.TryFormat(span, out var n, default, CultureInfo.InvariantCulture);
        return n;
    }

    private static int WriteEscaped(Span<byte> span, string text, SearchValues<char> specials)
    {
        var first = text.AsSpan().IndexOfAny(specials);
        if (first < 0)
        {
            // The common case: nothing to escape. ASCII is a vectorised copy; anything else one UTF-8 transcode.
            return System.Text.Ascii.FromUtf16(text, span, out var ascii) == OperationStatus.Done ? ascii : Utf8.GetBytes(text, span);
        }

        // Should be rare: copy the clean prefix, then go char by char.
        var n = first == 0 ? 0 : Utf8.GetBytes(text.AsSpan(0, first), span);
        var i = first;
        while (i < text.Length)
        {
            var c = text[i];
            if (c < 0x80)
            {
                if (specials.Contains(c))
                {
                    span[n++] = (byte)'\\';
                }

                span[n++] = (byte)c;
                i++;
                continue;
            }

            // A run of non-ASCII text (e.g. Chinese station names), transcoded in one call so surrogate pairs stay whole.
            var start = i;
            while (i < text.Length && text[i] >= 0x80)
            {
                i++;
            }

            n += Utf8.GetBytes(text.AsSpan(start, i - start), span[n..]);
        }

        return n;
    }
}
