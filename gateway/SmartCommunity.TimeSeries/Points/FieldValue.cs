using System.Globalization;

namespace SmartCommunity.TimeSeries.Points;

/// <summary>The line protocol field types (InfluxDB line protocol reference, "Field set").</summary>
public enum FieldKind
{
    /// <summary>64-bit float, written shortest-round-trip (e.g. <c>1.5</c>, <c>1E+20</c>).</summary>
    FloatingPoint,

    /// <summary>Signed 64-bit integer, written with an <c>i</c> suffix.</summary>
    SignedInteger,

    /// <summary>Unsigned 64-bit integer, written with a <c>u</c> suffix (InfluxDB 2.x/3.x).</summary>
    UnsignedInteger,

    /// <summary>Written as <c>true</c>/<c>false</c>.</summary>
    Boolean,

    /// <summary>Double-quoted string with <c>"</c> and <c>\</c> escaped.</summary>
    Text,
}

/// <summary>One field value; a struct so a point's fields live in one list without boxing.</summary>
public readonly struct FieldValue : IEquatable<FieldValue>
{
    private readonly long _bits;
    private readonly string? _text;

    private FieldValue(FieldKind kind, long bits, string? text)
    {
        Kind = kind;
        _bits = bits;
        _text = text;
    }

    public FieldKind Kind { get; }

    public double AsDouble => Kind == FieldKind.FloatingPoint ? BitConverter.Int64BitsToDouble(_bits) : throw WrongKind(FieldKind.FloatingPoint);

    public long AsInt64 => Kind == FieldKind.SignedInteger ? _bits : throw WrongKind(FieldKind.SignedInteger);

    public ulong AsUInt64 => Kind == FieldKind.UnsignedInteger ? unchecked((ulong)_bits) : throw WrongKind(FieldKind.UnsignedInteger);

    public bool AsBoolean => Kind == FieldKind.Boolean ? _bits != 0 : throw WrongKind(FieldKind.Boolean);

    public string AsString => Kind == FieldKind.Text ? _text! : throw WrongKind(FieldKind.Text);

    /// <summary>Numeric view for stores that keep numbers only: floats, integers, unsigned and booleans (1/0); null for strings.</summary>
    public double? AsNumber => Kind switch
    {
        FieldKind.FloatingPoint => AsDouble,
        FieldKind.SignedInteger => _bits,
        FieldKind.UnsignedInteger => unchecked((ulong)_bits),
        FieldKind.Boolean => _bits != 0 ? 1 : 0,
        _ => null,
    };

    /// <summary>A float field. Line protocol has no NaN or Infinity, so those throw here, where the caller can see it.</summary>
    public static FieldValue FromDouble(double value)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "InfluxDB line protocol cannot represent NaN or Infinity; drop the field or send a sentinel.");
        }

        return new FieldValue(FieldKind.FloatingPoint, BitConverter.DoubleToInt64Bits(value), null);
    }

    public static FieldValue FromInt64(long value) => new(FieldKind.SignedInteger, value, null);

    public static FieldValue FromUInt64(ulong value) => new(FieldKind.UnsignedInteger, unchecked((long)value), null);

    public static FieldValue FromBoolean(bool value) => new(FieldKind.Boolean, value ? 1 : 0, null);

    public static FieldValue FromString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new FieldValue(FieldKind.Text, 0, value);
    }

    public bool Equals(FieldValue other) => Kind == other.Kind && _bits == other._bits && string.Equals(_text, other._text, StringComparison.Ordinal);

    public override bool Equals(object? obj) => obj is FieldValue other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(Kind, _bits, _text);

    public override string ToString() => Kind switch
    {
        FieldKind.FloatingPoint => AsDouble.ToString("R", CultureInfo.InvariantCulture),
        FieldKind.SignedInteger => _bits.ToString(CultureInfo.InvariantCulture),
        FieldKind.UnsignedInteger => AsUInt64.ToString(CultureInfo.InvariantCulture),
        FieldKind.Boolean => AsBoolean ? "true" : "false",
        _ => _text!,
    };

    public static bool operator ==(FieldValue left, FieldValue right) => left.Equals(right);

    public static bool operator !=(FieldValue left, FieldValue right) => !left.Equals(right);

    private InvalidOperationException WrongKind(FieldKind wanted) => new($"Field is {Kind}, not {wanted}.");
}
