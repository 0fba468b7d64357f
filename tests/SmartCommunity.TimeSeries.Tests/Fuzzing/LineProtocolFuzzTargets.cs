using System.Buffers;
using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using SmartCommunity.TimeSeries.LineProtocol;
using SmartCommunity.TimeSeries.Points;
using SmartCommunity.Testing.Fuzzing;

namespace SmartCommunity.TimeSeries.Tests.Fuzzing;

/// <summary>
/// The line protocol encoder. Property: a point with hostile names, values and timestamps is either refused where it
/// is built (an ArgumentException with a message) or encodes without throwing into one valid UTF-8 line that
/// <see cref="LineProtocolReader"/> reads back to the same measurement, tags, fields and timestamp.
/// </summary>
public static class LineProtocolFuzzTargets
{
    public sealed record PointSpec(string Measurement, (string Key, string Value)[] Tags, (string Key, object Value)[] Fields, long? Ticks, WritePrecision Precision)
    {
        public override string ToString() =>
            $"{Show(Measurement)} tags [{string.Join(", ", Tags.Select(t => Show(t.Key) + "=" + Show(t.Value)))}] fields [{string.Join(", ", Fields.Select(f => Show(f.Key) + "=" + f.Value.GetType().Name + ":" + Show(Convert.ToString(f.Value, CultureInfo.InvariantCulture) ?? "")))}] ticks {Ticks} {Precision}";

        private static string Show(string s) => s.Length > 40 ? $"{Escape(s[..40])}…({s.Length} chars)" : Escape(s);

        private static string Escape(string s) => string.Concat(s.Select(c => c < 0x20 || char.IsSurrogate(c) ? $"\\u{(int)c:X4}" : c.ToString()));
    }

    private static Gen<string> Name { get; } = Gen.Frequency([
        (6, Gen.Elements("water_level", "device", "cell", "level_m", "温度", "a b", "a,b", "a=b", "\"q\"", "x\\y", "\\", "a\\ b", "time", "", " ", "\n", "a\r", "\t", "é")),
        (2, Gen.Elements("\ud800", "a\udc00", "\ud83d\ude00", "\uffff", "\u0000", "\u2028")),
        (1, Gen.Elements(16 * 1024, 64 * 1024).SelectMany(n => Gen.Elements('a', '危', ',').Select(c => new string(c, n)))),
        (2, Gen.ArrayOf(Gen.Elements('a', 'Z', ' ', ',', '=', '\\', '"', '\n', '危', '\ud800', '\udc00', '0'), 8).Select(cs => new string(cs)))]);

    private static Gen<object> Value { get; } = Gen.Frequency([
        (3, Gen.Elements<object>(double.NaN, double.PositiveInfinity, double.NegativeInfinity, -0.0, 0.0, 1e308, -1e308, double.MaxValue, double.MinValue, double.Epsilon, 1e-3, 999_999_999.999999, 1e9, 12.345, -1.23, 0.1)),
        (2, HostileJson.Int64Gen.Select(v => (object)BitConverter.Int64BitsToDouble(v))),
        (2, HostileJson.Int64Gen.Select(v => (object)v)),
        (1, Gen.Elements<object>(long.MinValue, long.MaxValue, 0L, ulong.MaxValue, 0UL, true, false)),
        (2, Name.Select(s => (object)s)),
        (1, Gen.Elements<object>(new string('x', (64 * 1024) + 1), new string('危', 21_846), "say \"hi\" \\", "\\", "\"", "line\nbreak"))]);

    private static Gen<long?> Ticks { get; } = Gen.Frequency([
        (1, Gen.Constant<long?>(null)),
        (2, Gen.Elements<long?>(DateTimeOffset.MinValue.UtcTicks, DateTimeOffset.MaxValue.UtcTicks, DateTimeOffset.UnixEpoch.UtcTicks,
            new DateTime(1677, 9, 21, 0, 12, 43, DateTimeKind.Utc).Ticks, new DateTime(1677, 9, 21, 0, 12, 44, DateTimeKind.Utc).Ticks,
            new DateTime(2262, 4, 11, 23, 47, 16, DateTimeKind.Utc).Ticks, new DateTime(2262, 4, 11, 23, 47, 17, DateTimeKind.Utc).Ticks)),
        (3, HostileJson.Int64Gen.Select(v => (long?)(long)((ulong)v % (ulong)DateTimeOffset.MaxValue.UtcTicks)))]);

    private static Gen<PointSpec> Points { get; } =
        from measurement in Name
        from tags in Gen.Choose(0, 4).SelectMany(n => Gen.ArrayOf(Gen.Zip(Name, Name), n))
        from fields in Gen.Choose(0, 4).SelectMany(n => Gen.ArrayOf(Gen.Zip(Name, Value), n))
        from ticks in Ticks
        from precision in Gen.Elements(Enum.GetValues<WritePrecision>())
        select new PointSpec(measurement, tags, fields, ticks, precision);

    public static IReadOnlyList<IFuzzTarget> All { get; } =
    [
        new FuzzTarget<PointSpec>("timeseries.line_protocol", Points, Check, p => p.ToString()),
    ];

    public static IFuzzTarget Named(string name) => All.Single(t => t.Name == name);

    private static FuzzOutcome Check(PointSpec spec)
    {
        Point point;
        try
        {
            point = Build(spec);
            point.Validate();
        }
        catch (ArgumentException ex)
        {
            // Refused where it is built: the caller sees it with words.
            return FuzzOutcome.RefusedUnless(string.IsNullOrWhiteSpace(ex.Message) ? $"{ex.GetType().Name} without a message" : null);
        }

        var buffer = new ArrayBufferWriter<byte>(256);
        var written = LineProtocolEncoder.Encode(point, spec.Precision, buffer);
        if (written != buffer.WrittenCount || buffer.WrittenSpan[^1] != (byte)'\n')
        {
            return FuzzOutcome.Violation($"wrote {buffer.WrittenCount} bytes, said {written}, last byte {buffer.WrittenSpan[^1]:X2}");
        }

        string line;
        try
        {
            line = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(buffer.WrittenSpan[..^1]);
        }
        catch (DecoderFallbackException)
        {
            return FuzzOutcome.Violation("the line is not valid UTF-8");
        }

        var expectedTime = point.Timestamp is { } t ? LineProtocolEncoder.ToPrecision((t.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100, spec.Precision) : (long?)null;
        return FuzzOutcome.AcceptedUnless(LineProtocolReader.Compare(line, point, expectedTime));
    }

    private static Point Build(PointSpec spec)
    {
        var point = new Point(spec.Measurement);
        foreach (var (key, value) in spec.Tags)
        {
            point.Tag(key, value);
        }

        foreach (var (key, value) in spec.Fields)
        {
            _ = value switch
            {
                double d => point.Field(key, d),
                long l => point.Field(key, l),
                ulong u => point.Field(key, u),
                bool b => point.Field(key, b),
                _ => point.Field(key, (string)value),
            };
        }

        return spec.Ticks is { } ticks ? point.At(new DateTimeOffset(ticks, TimeSpan.Zero)) : point;
    }
}
