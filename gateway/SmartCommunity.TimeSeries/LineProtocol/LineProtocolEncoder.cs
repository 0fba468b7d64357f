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
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Appends one line (with its trailing newline) and returns the number of bytes written.</summary>
    /// <exception cref="ArgumentException">The point has no fields.</exception>
    public static int Encode(Point point, WritePrecision precision, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(point);
        ArgumentNullException.ThrowIfNull(output);
        point.Validate();

        var written = WriteEscaped(output, point.Measurement, EscapeSet.Measurement);
        var tags = point.Tags;
        for (var i = 0; i < tags.Count; i++)
        {
            written += WriteByte(output, (byte)',');
            written += WriteEscaped(output, tags[i].Key, EscapeSet.Key);
            written += WriteByte(output, (byte)'=');
            written += WriteEscaped(output, tags[i].Value, EscapeSet.Key);
        }

        var fields = point.Fields;
        for (var i = 0; i < fields.Count; i++)
        {
            written += WriteByte(output, i == 0 ? (byte)' ' : (byte)',');
            written += WriteEscaped(output, fields[i].Key, EscapeSet.Key);
            written += WriteByte(output, (byte)'=');
            written += WriteFieldValue(output, fields[i].Value);
        }

        if (point.UnixNanoseconds is { } ns)
        {
            written += WriteByte(output, (byte)' ');
            written += WriteInt64(output, ToPrecision(ns, precision));
        }

        written += WriteByte(output, (byte)'\n');
        return written;
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
        WritePrecision.Microseconds => Math.DivRem(unixNanoseconds, 1_000L) is var (q, r) && r < 0 ? q - 1 : q,
        WritePrecision.Milliseconds => Math.DivRem(unixNanoseconds, 1_000_000L) is var (q, r) && r < 0 ? q - 1 : q,
        WritePrecision.Seconds => Math.DivRem(unixNanoseconds, 1_000_000_000L) is var (q, r) && r < 0 ? q - 1 : q,
        _ => throw new ArgumentOutOfRangeException(nameof(precision), precision, null),
    };

    private enum EscapeSet
    {
        Measurement,
        Key,
        StringValue,
    }

    private static bool NeedsEscape(char c, EscapeSet set) => set switch
    {
        EscapeSet.Measurement => c is ',' or ' ',
        EscapeSet.Key => c is ',' or '=' or ' ',
        _ => c is '"' or '\\',
    };

    private static int WriteFieldValue(IBufferWriter<byte> output, FieldValue value)
    {
        switch (value.Kind)
        {
            case FieldKind.FloatingPoint:
                return WriteDouble(output, value.AsDouble);
            case FieldKind.SignedInteger:
                return WriteInt64(output, value.AsInt64) + WriteByte(output, (byte)'i');
            case FieldKind.UnsignedInteger:
                return WriteUInt64(output, value.AsUInt64) + WriteByte(output, (byte)'u');
            case FieldKind.Boolean:
                return WriteAscii(output, value.AsBoolean ? "true"u8 : "false"u8);
            default:
                var n = WriteByte(output, (byte)'"');
                n += WriteEscaped(output, value.AsString, EscapeSet.StringValue);
                return n + WriteByte(output, (byte)'"');
        }
    }

    private static readonly SearchValues<char> MeasurementSpecials = SearchValues.Create(", ");
    private static readonly SearchValues<char> KeySpecials = SearchValues.Create(",= ");
    private static readonly SearchValues<char> StringSpecials = SearchValues.Create("\"\\");

    private static int WriteEscaped(IBufferWriter<byte> output, string text, EscapeSet set)
    {
        // Worst case: every char escaped (2 bytes) or every char 3 UTF-8 bytes; ask once for enough room.
        var span = output.GetSpan(text.Length * 3);
        var specials = set switch
        {
            EscapeSet.Measurement => MeasurementSpecials,
            EscapeSet.Key => KeySpecials,
            _ => StringSpecials,
        };
        if (!text.AsSpan().ContainsAny(specials))
        {
            // The common case: nothing to escape, one vectorised transcode.
            var written = Utf8.GetBytes(text, span);
            output.Advance(written);
            return written;
        }

        var n = 0;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c < 0x80)
            {
                if (NeedsEscape(c, set))
                {
                    span[n++] = (byte)'\\';
                }

                span[n++] = (byte)c;
                i++;
                continue;
            }

            // Should be rare: a run of non-ASCII text (e.g. Chinese station names), transcoded in one call so surrogate pairs stay whole.
            var start = i;
            while (i < text.Length && text[i] >= 0x80)
            {
                i++;
            }

            n += Utf8.GetBytes(text.AsSpan(start, i - start), span[n..]);
        }

        output.Advance(n);
        return n;
    }

    private static int WriteDouble(IBufferWriter<byte> output, double value)
    {
        // .NET Core 3.0+ formats doubles shortest-round-trippable by default ("R" is the same); exponents come out
        // as 1E+20, which the line protocol parser accepts.
        var span = output.GetSpan(32);
        if (!value.TryFormat(span, out var n, "R", CultureInfo.InvariantCulture))
        {
            throw new InvalidOperationException("A double did not fit in 32 bytes.");
        }

        output.Advance(n);
        return n;
    }

    private static int WriteInt64(IBufferWriter<byte> output, long value)
    {
        var span = output.GetSpan(20);
        value.TryFormat(span, out var n, default, CultureInfo.InvariantCulture);
        output.Advance(n);
        return n;
    }

    private static int WriteUInt64(IBufferWriter<byte> output, ulong value)
    {
        var span = output.GetSpan(20);
        value.TryFormat(span, out var n, default, CultureInfo.InvariantCulture);
        output.Advance(n);
        return n;
    }

    private static int WriteAscii(IBufferWriter<byte> output, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(output.GetSpan(bytes.Length));
        output.Advance(bytes.Length);
        return bytes.Length;
    }

    private static int WriteByte(IBufferWriter<byte> output, byte b)
    {
        output.GetSpan(1)[0] = b;
        output.Advance(1);
        return 1;
    }
}
