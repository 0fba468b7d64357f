using System.Text;

namespace SmartCommunity.TimeSeries.Points;

/// <summary>
/// One InfluxDB point: measurement, tags (kept sorted by key), at least one field, an optional timestamp and the
/// durability class the writer honours. Names are checked when they are set, so a bad point fails at the caller,
/// not later in a background batch.
/// </summary>
/// <example><code>
/// var p = new Point("water_level").Tag("station", "north-gate").Field("metres", 1.42).At(now);
/// </code></example>
public sealed class Point
{
    /// <summary>InfluxDB 1.x documents 64 KB as the length limit of a string field value.</summary>
    public const int MaxStringFieldBytes = 64 * 1024;

    // Nanoseconds since the Unix epoch must fit in an Int64: 1677-09-21T00:12:43Z .. 2262-04-11T23:47:16Z.
    private static readonly DateTimeOffset MinTimestamp = DateTimeOffset.UnixEpoch.AddTicks(long.MinValue / 100 + 1);
    private static readonly DateTimeOffset MaxTimestamp = DateTimeOffset.UnixEpoch.AddTicks(long.MaxValue / 100);

    private static readonly System.Buffers.SearchValues<char> NameSpecials = System.Buffers.SearchValues.Create("\n\r\\");

    // Tags capacity 4: the gateway tags every device point with device, kind and cell, and growing the list on the
    // third tag showed in the ingest profile. Fields capacity 2: most readings carry one or two.
    private readonly List<KeyValuePair<string, string>> _tags = new(4);
    private readonly List<KeyValuePair<string, FieldValue>> _fields = new(2);

    public Point(string measurement, Durability durability = Durability.Telemetry)
    {
        CheckName(measurement, nameof(measurement));
        Measurement = measurement;
        Durability = durability;
    }

    public string Measurement { get; }

    public Durability Durability { get; }

    /// <summary>Tags sorted by key (ordinal), as InfluxDB recommends for write performance.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Tags => _tags;

    /// <summary>Fields in the order they were first set.</summary>
    public IReadOnlyList<KeyValuePair<string, FieldValue>> Fields => _fields;

    internal ReadOnlySpan<KeyValuePair<string, string>> TagSpan => System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_tags);

    internal ReadOnlySpan<KeyValuePair<string, FieldValue>> FieldSpan => System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_fields);

    /// <summary>When the point was measured. If it is still null when the writer accepts the point, the writer stamps
    /// it with its clock, so a resend after a lost response overwrites rather than duplicates.</summary>
    public DateTimeOffset? Timestamp { get; private set; }

    /// <summary>Adds or replaces a tag. Keys and values must be non-empty (InfluxDB has no empty tag values).</summary>
    public Point Tag(string key, string value)
    {
        CheckName(key, nameof(key));
        CheckName(value, nameof(value));
        CheckNotTime(key);

        // Insertion sort: points have a handful of tags, and this keeps the encoder free of sorting. Ordinal UTF-16
        // order equals InfluxDB's byte order except between surrogates and U+E000..U+FFFF; the server sorts anyway,
        // so that only costs it a little work, never correctness.
        var i = _tags.Count;
        while (i > 0 && string.CompareOrdinal(_tags[i - 1].Key, key) >= 0)
        {
            if (string.Equals(_tags[i - 1].Key, key, StringComparison.Ordinal))
            {
                _tags[i - 1] = new(key, value);
                return this;
            }

            i--;
        }

        _tags.Insert(i, new(key, value));
        return this;
    }

    public Point Field(string key, double value) => SetField(key, FieldValue.FromDouble(value));

    public Point Field(string key, long value) => SetField(key, FieldValue.FromInt64(value));

    public Point Field(string key, int value) => SetField(key, FieldValue.FromInt64(value));

    /// <summary>Unsigned integer (<c>u</c> suffix): InfluxDB 2.x/3.x only; 1.x rejects it unless built with unsigned support.</summary>
    public Point Field(string key, ulong value) => SetField(key, FieldValue.FromUInt64(value));

    public Point Field(string key, bool value) => SetField(key, FieldValue.FromBoolean(value));

    public Point Field(string key, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        CheckUtf16(value, nameof(value));
        if (value.Length > MaxStringFieldBytes / 3 && Encoding.UTF8.GetByteCount(value) > MaxStringFieldBytes)
        {
            throw new ArgumentException($"String field '{key}' is longer than InfluxDB's {MaxStringFieldBytes} byte limit.", nameof(value));
        }

        return SetField(key, FieldValue.FromString(value));
    }

    public Point Field(string key, FieldValue value) =>
        value.Kind == FieldKind.Text ? Field(key, value.AsString) : SetField(key, value);

    public Point At(DateTimeOffset timestamp)
    {
        if (timestamp < MinTimestamp || timestamp > MaxTimestamp)
        {
            throw new ArgumentOutOfRangeException(nameof(timestamp), timestamp, "InfluxDB timestamps must lie between 1677-09-21 and 2262-04-11.");
        }

        Timestamp = timestamp;
        return this;
    }

    /// <summary>Nanoseconds since the Unix epoch (DateTimeOffset has 100 ns resolution).</summary>
    internal long? UnixNanoseconds => Timestamp is { } t ? (t.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100 : null;

    /// <summary>Throws if the point cannot be written: InfluxDB rejects points without fields.</summary>
    public void Validate()
    {
        if (_fields.Count == 0)
        {
            throw new ArgumentException($"Point '{Measurement}' has no fields; InfluxDB requires at least one.");
        }
    }

    private Point SetField(string key, FieldValue value)
    {
        CheckName(key, nameof(key));
        CheckNotTime(key);
        for (var i = 0; i < _fields.Count; i++)
        {
            if (string.Equals(_fields[i].Key, key, StringComparison.Ordinal))
            {
                _fields[i] = new(key, value);
                return this;
            }
        }

        _fields.Add(new(key, value));
        return this;
    }

    private static void CheckNotTime(string key)
    {
        // Line protocol reference, "Naming restrictions": a tag or field key named time is dropped by the server.
        if (string.Equals(key, "time", StringComparison.Ordinal))
        {
            throw new ArgumentException("'time' is reserved by InfluxDB and cannot be a tag or field key.", nameof(key));
        }
    }

    /// <summary>
    /// Measurement, tag and field names: non-empty, no line breaks (line protocol cannot escape them), and no backslash at
    /// the end or right before a character the encoder escapes (space, comma, equals): the parser would read the pair
    /// as an escape, and line protocol has no escape for the backslash itself outside string values.
    /// </summary>
    internal static void CheckName(string name, string parameter)
    {
        ArgumentException.ThrowIfNullOrEmpty(name, parameter);
        CheckUtf16(name, parameter);
        var first = name.AsSpan().IndexOfAny(NameSpecials);
        if (first < 0)
        {
            return;
        }

        for (var i = first; i < name.Length; i++)
        {
            var c = name[i];
            if (c is '\n' or '\r')
            {
                throw new ArgumentException($"Line protocol cannot carry a line break in a name or tag value: '{name}'.", parameter);
            }

            if (c == '\\' && (i == name.Length - 1 || name[i + 1] is ' ' or ',' or '=' or '\\'))
            {
                throw new ArgumentException($"Line protocol cannot carry a backslash at the end of a name or before a space, comma, equals sign or backslash: '{name}'.", parameter);
            }
        }
    }

    /// <summary>
    /// Line protocol is UTF-8, which has no encoding for a lone UTF-16 surrogate; the encoder would throw later, in a
    /// background batch (found by fuzzing, issue 19), so a name or string value holding one is refused here.
    /// </summary>
    internal static void CheckUtf16(string text, string parameter)
    {
        for (var i = text.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF'); i >= 0 && i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                throw new ArgumentException($"Text holds a lone surrogate U+{(int)text[i]:X4} at index {i}; line protocol is UTF-8 and cannot carry it.", parameter);
            }
        }
    }
}
