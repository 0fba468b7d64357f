using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;

namespace SmartCommunity.Testing.Fuzzing;

/// <summary>
/// JSON values and documents that reach the extremes: the ends of the number space, strings from empty to past
/// 16 KB, deep nesting, duplicate keys, invalid UTF-8, truncation, and one-field mutations of a valid document
/// (the structure-aware inputs that get past the parser and into the range checks).
/// </summary>
public static class HostileJson
{
    /// <summary>Random 64-bit integers, spread over the whole range (declared first: the generators below use it).</summary>
    public static Gen<long> Int64Gen { get; } = Gen.Two(Gen.Choose(int.MinValue, int.MaxValue)).Select(p => ((long)p.Item1 << 32) | (uint)p.Item2);

    /// <summary>Number texts at the edges: 64-bit limits and one past them, 2^62 (issue 19), floats past double, -0, 20 digits.</summary>
    public static IReadOnlyList<string> ExtremeNumbers { get; } =
    [
        "9223372036854775807", "-9223372036854775808", "9223372036854775808", "-9223372036854775809",
        "4611686018427387904", "-4611686018427387904", "18446744073709551615", "18446744073709551616",
        "2147483647", "-2147483648", "2147483648", "-2147483649", "4294967296",
        "1e308", "-1e308", "1.7976931348623157e308", "1.7976931348623159e308", "1e309", "-1e309", "5e-324", "2e-324",
        "1e99999", "-1e99999", "1e-99999", "1E+2147483648", "0e99999",
        "0", "-0", "-0.0", "0.0", "1", "-1", "0.5", "1.5", "-1.5", "1e0", "1E-1",
        "12345678901234567890", "-12345678901234567890", "99999999999999999999", "00000000000000000001",
        "253402300799999", "253402300800000", "-62135596800000", "-62135596800001", "8640000000000000",
        "1.0000000000000000000000000000000000000001", "123456789012345678901234567890.5",
    ];

    /// <summary>Texts that are not JSON numbers but look like them; a parser must refuse them, not choke.</summary>
    public static IReadOnlyList<string> FakeNumbers { get; } =
        ["NaN", "-NaN", "Infinity", "-Infinity", "+1", "01", ".5", "1.", "1e", "1e+", "0x10", "1_000", "--1", "1e1e1", "١٢٣"];

    /// <summary>Any number text: the extremes, random 64-bit integers and doubles, and long digit runs.</summary>
    public static Gen<string> Number { get; } = Gen.Frequency([
        (6, Gen.Elements(ExtremeNumbers.ToArray())),
        (1, Gen.Elements(FakeNumbers.ToArray())),
        (2, Int64Gen.Select(v => v.ToString(CultureInfo.InvariantCulture))),
        (2, Int64Gen.Select(v => BitConverter.Int64BitsToDouble(v)).Where(double.IsFinite).Select(v => v.ToString("R", CultureInfo.InvariantCulture))),
        (1, Fuzz.Zip3(Gen.Choose(1, 40), Gen.Choose(0, 9), Gen.Choose(-400, 400)).Select(t => DigitRun(t.Item1, t.Item2, t.Item3)))]);

    /// <summary>String values (quoted and escaped): empty, 16 KB and just past it, control characters, lone surrogates, non-ASCII.</summary>
    public static Gen<string> Text { get; } = Gen.Frequency([
        (4, Gen.Elements(
            "\"\"", "\" \"", "\"in\"", "\"out\"", "\"online\"", "\"offline\"", "\"done\"", "\"siren\"", "\"person\"",
            "\"\\u0000\"", "\"\\ud800\"", "\"\\udc00x\"", "\"\\ud83d\\ude00\"", "\"\\\\\"", "\"\\\"\"", "\"a\\nb\"",
            "\"危险水域，请速离开\"", "\"\u202e\"", "\"\\/\"", "\"\\x41\"", "\"\\u12\"", "\"\t\"")),
        (2, Gen.Elements(16 * 1024 - 1, 16 * 1024, 16 * 1024 + 1, 1024, 1025, 64, 65, 500, 501).SelectMany(
            n => Gen.Elements('a', '危', ' ').Select(c => "\"" + new string(c, n) + "\""))),
        (1, Gen.Choose(1, 2000).Select(n => "\"" + string.Concat(Enumerable.Repeat("\\u0041", n)) + "\""))]);

    /// <summary>Any JSON value, weighted towards numbers and strings, with containers up to deep nesting.</summary>
    public static Gen<string> Value { get; } = Gen.Frequency([
        (5, Number),
        (3, Text),
        (1, Gen.Elements("true", "false", "null", "[]", "{}", "[1]", "{\"a\":1}", "[null]", "{\"\":\"\"}")),
        (1, Gen.Choose(1, 5000).SelectMany(depth => Gen.Elements(
            new string('[', depth) + new string(']', depth),
            string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth),
            new string('[', depth))))]);

    /// <summary>Sequences that are never valid UTF-8: lone continuation, overlong, surrogate, past U+10FFFF, cut short.</summary>
    public static IReadOnlyList<byte[]> InvalidUtf8 { get; } =
    [
        [0x80], [0xBF], [0xFF], [0xFE], [0xC0, 0x80], [0xC1, 0xBF], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80], [0xED, 0xBF, 0xBF],
        [0xF4, 0x90, 0x80, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0xE2, 0x82], [0xF0, 0x9F, 0x98], [0xC3],
    ];

    /// <summary>
    /// Documents built from <paramref name="templates"/> (valid objects of the decoder's message), then mutated: a field
    /// replaced by an extreme, removed, duplicated, renamed or added; the whole document replaced, nested, truncated,
    /// corrupted with invalid UTF-8 or flipped bytes; or plain random bytes. About one in eight stays unmutated.
    /// </summary>
    public static Gen<byte[]> Documents(Gen<JsonTemplate> templates) => Gen.Frequency([
        (1, templates.Select(t => t.ToUtf8())),
        (10, Fuzz.Zip3(templates, Value, Gen.Choose(0, int.MaxValue)).Select(t => t.Item1.ReplaceField(t.Item3, t.Item2).ToUtf8())),
        (2, Gen.Zip(templates, Gen.Choose(0, int.MaxValue)).Select(t => t.Item1.RemoveField(t.Item2).ToUtf8())),
        (3, Fuzz.Zip3(templates, Value, Gen.Choose(0, int.MaxValue)).Select(t => t.Item1.DuplicateField(t.Item3, t.Item2).ToUtf8())),
        (1, Fuzz.Zip3(templates, Value, Gen.Elements("x", "", "V", "TS", "ts ", "\\u0074s", "$type", "__proto__")).Select(t => t.Item1.AddField(t.Item3, t.Item2).ToUtf8())),
        (2, Fuzz.Zip3(templates, Gen.Two(Value), Gen.Choose(0, int.MaxValue)).Select(t => t.Item1.ReplaceField(t.Item3, t.Item2.Item1).ReplaceField(t.Item3 / 7, t.Item2.Item2).ToUtf8())),
        (1, Value.Select(v => Encoding.UTF8.GetBytes(v))),
        (1, Gen.Zip(templates, Gen.Choose(1, 3000)).Select(t => Nest(t.Item1.ToJson(), t.Item2))),
        (3, Gen.Zip(templates, Gen.Choose(0, int.MaxValue)).Select(t => Truncate(t.Item1.ToUtf8(), t.Item2))),
        (3, Fuzz.Zip3(templates, Gen.Elements(InvalidUtf8.ToArray()), Gen.Choose(0, int.MaxValue)).Select(t => Insert(t.Item1.ToUtf8(), t.Item2, t.Item3))),
        (2, Fuzz.Zip3(templates, Gen.Choose(0, int.MaxValue), Gen.Choose(0, 255)).Select(t => Flip(t.Item1.ToUtf8(), t.Item2, (byte)t.Item3))),
        (1, Gen.Zip(templates, Gen.Elements(",", " // c", "/* c */", ",}", "\u0000", "x", "{}", "\uFEFF")).Select(t => Encoding.UTF8.GetBytes(t.Item1.ToJson() + t.Item2))),
        (1, templates.Select(t => Encoding.UTF8.GetBytes("\uFEFF" + t.ToJson()))),
        (2, HostileBytes.Random)]);

    private static string DigitRun(int length, int first, int exponent)
    {
        var text = new StringBuilder(length + 8);
        text.Append((char)('1' + (first % 9)));
        for (var i = 1; i < length; i++)
        {
            text.Append((char)('0' + ((first + (i * 7)) % 10)));
        }

        return exponent % 3 == 0 ? text.ToString() : text.Append('e').Append(exponent).ToString();
    }

    private static byte[] Nest(string json, int depth) =>
        Encoding.UTF8.GetBytes(new string('[', depth) + json + new string(']', depth));

    private static byte[] Truncate(byte[] bytes, int at) => bytes.Length == 0 ? bytes : bytes[..(at % bytes.Length)];

    private static byte[] Insert(byte[] bytes, byte[] insert, int at)
    {
        var position = bytes.Length == 0 ? 0 : at % bytes.Length;
        return [.. bytes.AsSpan(0, position), .. insert, .. bytes.AsSpan(position)];
    }

    private static byte[] Flip(byte[] bytes, int at, byte value)
    {
        if (bytes.Length > 0)
        {
            bytes[at % bytes.Length] = value;
        }

        return bytes;
    }
}

/// <summary>A valid JSON object as an ordered list of keys and raw JSON values, ready to be mutated one field at a time.</summary>
public sealed record JsonTemplate(IReadOnlyList<KeyValuePair<string, string>> Fields)
{
    public static JsonTemplate Of(params (string Key, string Json)[] fields) =>
        new(fields.Select(f => KeyValuePair.Create(f.Key, f.Json)).ToArray());

    public JsonTemplate ReplaceField(int pick, string json) => Fields.Count == 0 ? AddField("x", json) :
        new(Fields.Select((f, i) => i == pick % Fields.Count ? KeyValuePair.Create(f.Key, json) : f).ToArray());

    public JsonTemplate RemoveField(int pick) => Fields.Count == 0 ? this : new(Fields.Where((_, i) => i != pick % Fields.Count).ToArray());

    /// <summary>The same key twice: first the extreme, then the original (or the other way round).</summary>
    public JsonTemplate DuplicateField(int pick, string json)
    {
        if (Fields.Count == 0)
        {
            return this;
        }

        var field = Fields[pick % Fields.Count];
        var copy = KeyValuePair.Create(field.Key, json);
        return new(pick % 2 == 0 ? [.. Fields, copy] : [copy, .. Fields]);
    }

    public JsonTemplate AddField(string key, string json) => new([.. Fields, KeyValuePair.Create(key, json)]);

    public string ToJson() => "{" + string.Join(",", Fields.Select(f => $"\"{f.Key}\":{f.Value}")) + "}";

    public byte[] ToUtf8() => Encoding.UTF8.GetBytes(ToJson());
}
