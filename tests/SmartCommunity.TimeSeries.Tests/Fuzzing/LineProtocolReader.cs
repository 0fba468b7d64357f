using System.Globalization;
using System.Text;
using SmartCommunity.TimeSeries.Points;

namespace SmartCommunity.TimeSeries.Tests.Fuzzing;

/// <summary>
/// Reads one line of line protocol back, following the InfluxDB reference ("Special characters"): measurement
/// escapes comma and space; tag keys, tag values and field keys escape comma, equals sign and space; string fields
/// escape double quote and backslash. A backslash before any other character is literal.
/// </summary>
internal static class LineProtocolReader
{
    /// <summary>Null when <paramref name="line"/> reads back as <paramref name="point"/>, else the first difference.</summary>
    public static string? Compare(string line, Point point, long? timestamp)
    {
        var i = 0;
        var measurement = Token(line, ref i, ",  ", ", ");
        if (measurement != point.Measurement)
        {
            return $"measurement reads back as '{measurement}'";
        }

        foreach (var (key, value) in point.Tags)
        {
            if (i >= line.Length || line[i++] != ',')
            {
                return $"tag '{key}' is missing";
            }

            var k = Token(line, ref i, ",= ", "=");
            i++;
            var v = Token(line, ref i, ",= ", ", ");
            if (k != key || v != value)
            {
                return $"tag '{key}'='{value}' reads back as '{k}'='{v}'";
            }
        }

        for (var f = 0; f < point.Fields.Count; f++)
        {
            var (key, value) = point.Fields[f];
            if (i >= line.Length || line[i++] != (f == 0 ? ' ' : ','))
            {
                return $"field '{key}' is missing";
            }

            var k = Token(line, ref i, ",= ", "=");
            i++;
            if (k != key)
            {
                return $"field key '{key}' reads back as '{k}'";
            }

            if (ReadValue(line, ref i, value) is { } problem)
            {
                return $"field '{key}': {problem}";
            }
        }

        if (timestamp is { } ns)
        {
            return i < line.Length && line[i] == ' ' && long.TryParse(line.AsSpan(i + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var read) && read == ns
                ? null
                : $"timestamp reads back as '{line[Math.Min(i, line.Length)..]}', expected {ns}";
        }

        return i == line.Length ? null : $"trailing text '{line[i..]}'";
    }

    private static string Token(string line, ref int i, string escaped, string stops)
    {
        var text = new StringBuilder();
        while (i < line.Length && !stops.Contains(line[i], StringComparison.Ordinal))
        {
            if (line[i] == '\\' && i + 1 < line.Length && escaped.Contains(line[i + 1], StringComparison.Ordinal))
            {
                i++;
            }

            text.Append(line[i++]);
        }

        return text.ToString();
    }

    private static string? ReadValue(string line, ref int i, FieldValue expected)
    {
        if (expected.Kind == FieldKind.Text)
        {
            if (i >= line.Length || line[i++] != '"')
            {
                return "string field not quoted";
            }

            var text = new StringBuilder();
            while (i < line.Length && line[i] != '"')
            {
                if (line[i] == '\\' && i + 1 < line.Length && line[i + 1] is '"' or '\\')
                {
                    i++;
                }

                text.Append(line[i++]);
            }

            i++;
            return text.ToString() == expected.AsString ? null : "string differs";
        }

        var start = i;
        while (i < line.Length && line[i] is not (',' or ' '))
        {
            i++;
        }

        var token = line[start..i];
        return expected.Kind switch
        {
            FieldKind.FloatingPoint => double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
                && BitConverter.DoubleToInt64Bits(d) == BitConverter.DoubleToInt64Bits(expected.AsDouble) ? null : $"float '{token}' is not {expected.AsDouble:R}",
            FieldKind.SignedInteger => token == expected.AsInt64.ToString(CultureInfo.InvariantCulture) + "i" ? null : $"integer '{token}'",
            FieldKind.UnsignedInteger => token == expected.AsUInt64.ToString(CultureInfo.InvariantCulture) + "u" ? null : $"unsigned '{token}'",
            _ => token == (expected.AsBoolean ? "true" : "false") ? null : $"boolean '{token}'",
        };
    }
}
