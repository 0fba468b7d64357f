using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using SmartCommunity.Sl651.Framing;

namespace SmartCommunity.Sl651.Reports;

/// <summary>
/// Decodes the body of uplink reports (function codes 30–34). Body layout, SL 651-2014 "遥测站…报正文结构":
/// serial (2, HEX) | send time (6, BCD YYMMDDhhmmss) | F1 F1 station address (5) + category (1) |
/// F0 F0 observation time (5, BCD YYMMDDhhmm) | elements. Never throws on bytes from the wire.
/// </summary>
public static class Sl651ReportParser
{
    /// <summary>Serial number and send time: the start of every uplink body, keep-alive included.</summary>
    public const int BodyHeaderSize = 8;

    private const byte AddressGuide = 0xF1;
    private const byte ObservationTimeGuide = 0xF0;

    /// <summary>An identifier byte of FF means a 2-byte extended identifier (FF xx).</summary>
    private const byte ExtendedGuide = 0xFF;
    private const int AddressElementSize = 2 + Sl651StationAddress.Size + 1;
    private const int ObservationTimeElementSize = 2 + 5;

    /// <summary>Time step code (DRxnn) of even-period reports, definition 18: 3 bytes BCD DDhhmm.</summary>
    private const int TimeStepIdentifier = 0x04;

    public static bool IsReport(Sl651FunctionCode code) =>
        code is >= Sl651FunctionCode.TestReport and <= Sl651FunctionCode.HourlyReport;

    /// <summary>Reads the serial number and send time at the start of an uplink body.</summary>
    public static bool TryReadBodyHeader(
        ReadOnlySpan<byte> body, TimeSpan stationUtcOffset, out ushort serial, out DateTimeOffset sendTime, out Sl651Rejection rejection)
    {
        serial = 0;
        sendTime = default;
        if (body.Length < BodyHeaderSize)
        {
            rejection = new(Sl651RejectReason.MalformedBody, $"body has {body.Length} bytes, serial and send time need {BodyHeaderSize}");
            return false;
        }

        serial = BinaryPrimitives.ReadUInt16BigEndian(body);
        if (!Sl651Bcd.TryReadTime(body.Slice(2, 6), stationUtcOffset, out sendTime))
        {
            rejection = new(Sl651RejectReason.MalformedBcd, $"send time {Convert.ToHexString(body.Slice(2, 6))} is not a BCD YYMMDDhhmmss time");
            return false;
        }

        rejection = default;
        return true;
    }

    public static bool TryParse(
        Sl651Frame frame, TimeSpan stationUtcOffset, [NotNullWhen(true)] out Sl651Report? report, out Sl651Rejection rejection)
    {
        report = null;
        if (frame.Direction != Sl651Direction.Up)
        {
            rejection = new(Sl651RejectReason.WrongDirection, "a downlink frame is not a report");
            return false;
        }

        if (!IsReport(frame.FunctionCode))
        {
            rejection = new(Sl651RejectReason.UnsupportedFunctionCode, $"function code 0x{(int)frame.FunctionCode:X2} is not a report this library decodes (30–34)");
            return false;
        }

        if (frame.Packet is { } packet)
        {
            rejection = new(Sl651RejectReason.MultiPacketUnsupported, $"packet {packet.Number} of {packet.Total}: multi-packet reports are not reassembled");
            return false;
        }

        var body = frame.Body.Span;
        if (!TryReadBodyHeader(body, stationUtcOffset, out var serial, out var sendTime, out rejection))
        {
            return false;
        }

        if (body.Length < BodyHeaderSize + AddressElementSize || body[BodyHeaderSize] != AddressGuide || body[BodyHeaderSize + 1] != AddressGuide)
        {
            rejection = new(Sl651RejectReason.MalformedBody, "station address element F1 F1 must follow the send time");
            return false;
        }

        var category = (char)body[BodyHeaderSize + AddressElementSize - 1];
        var elements = new List<Sl651ElementValue>();
        var unknown = new List<Sl651UnknownElement>();
        var evenPeriod = frame.FunctionCode == Sl651FunctionCode.EvenPeriodReport;
        var elementBytes = frame.Body[(BodyHeaderSize + AddressElementSize)..];
        if (!TryReadElements(elementBytes, stationUtcOffset, evenPeriod, elements, unknown, out var firstObservation, out rejection))
        {
            return false;
        }

        report = new Sl651Report(frame.StationAddress, frame.CentreAddress, frame.FunctionCode, serial, sendTime, category,
            firstObservation, elements, unknown);
        return true;
    }

    private static bool TryReadElements(
        ReadOnlyMemory<byte> memory,
        TimeSpan stationUtcOffset,
        bool evenPeriod,
        List<Sl651ElementValue> elements,
        List<Sl651UnknownElement> unknown,
        out DateTimeOffset? firstObservation,
        out Sl651Rejection rejection)
    {
        firstObservation = null;
        DateTimeOffset? observation = null;
        TimeSpan? step = null;
        var span = memory.Span;
        var pos = 0;
        while (pos < span.Length)
        {
            if (IsGuidePair(span[pos..], ObservationTimeGuide))
            {
                if (pos + ObservationTimeElementSize > span.Length
                    || !Sl651Bcd.TryReadTime(span.Slice(pos + 2, 5), stationUtcOffset, out var time))
                {
                    rejection = new(Sl651RejectReason.MalformedBcd, "observation time F0 F0 is not a 5-byte BCD YYMMDDhhmm time");
                    return false;
                }

                observation = time;
                firstObservation ??= time;
                pos += ObservationTimeElementSize;
                continue;
            }

            if (IsGuidePair(span[pos..], AddressGuide))
            {
                // Should be rare: a repeated address element; the header's address already names the station.
                if (pos + AddressElementSize > span.Length)
                {
                    rejection = new(Sl651RejectReason.MalformedBody, "a repeated F1 F1 address element is cut short");
                    return false;
                }

                pos += AddressElementSize;
                continue;
            }

            var identifier = (int)span[pos++];
            if (identifier == ExtendedGuide && pos < span.Length)
            {
                identifier = (ExtendedGuide << 8) | span[pos++];
            }

            if (pos >= span.Length)
            {
                rejection = new(Sl651RejectReason.MalformedBody, $"element 0x{identifier:X2} has no definition byte");
                return false;
            }

            // SL 651-2014 "数据定义": high 5 bits byte count, low 3 bits decimal places.
            var definition = span[pos++];
            var length = definition >> 3;
            if (pos + length > span.Length)
            {
                rejection = new(Sl651RejectReason.MalformedBody, $"element 0x{identifier:X2} declares {length} bytes, {span.Length - pos} remain");
                return false;
            }

            if (evenPeriod && identifier == TimeStepIdentifier && length == 3)
            {
                if (!TryReadTimeStep(span.Slice(pos, length), out var parsedStep))
                {
                    rejection = new(Sl651RejectReason.MalformedBcd, $"time step {Convert.ToHexString(span.Slice(pos, length))} is not BCD DDhhmm");
                    return false;
                }

                step = parsedStep;
                pos += length;
                continue;
            }

            // Even-period report (31): after the time step, one element carries a value per step up to the body's end.
            var count = 1;
            if (step is not null && length > 0)
            {
                count = (span.Length - pos) / length;
                if ((span.Length - pos) % length != 0)
                {
                    rejection = new(Sl651RejectReason.MalformedBody,
                        $"even-period element 0x{identifier:X2}: {span.Length - pos} bytes left is not a whole number of {length}-byte values");
                    return false;
                }
            }

            for (var i = 0; i < count; i++, pos += length)
            {
                var time = step is { } every && observation is { } first ? first + (every * i) : observation;
                if (!TryAddElement(identifier, definition, memory.Slice(pos, length), time, elements, unknown, out rejection))
                {
                    return false;
                }
            }
        }

        rejection = default;
        return true;
    }

    private static bool TryAddElement(
        int identifier,
        byte definition,
        ReadOnlyMemory<byte> raw,
        DateTimeOffset? observation,
        List<Sl651ElementValue> elements,
        List<Sl651UnknownElement> unknown,
        out Sl651Rejection rejection)
    {
        rejection = default;
        if (Sl651Elements.Find(identifier) is not { } info)
        {
            unknown.Add(new Sl651UnknownElement(identifier, definition, raw));
            return true;
        }

        var decimals = definition & 0x07;
        if (!TryDecodeValue(raw.Span, decimals, out var value))
        {
            rejection = new(Sl651RejectReason.MalformedBcd, $"element {info.Code} (0x{identifier:X2}) value {Convert.ToHexString(raw.Span)} is not BCD");
            return false;
        }

        elements.Add(new Sl651ElementValue(identifier, info.Code, info.Name, info.Unit, value, decimals, observation));
        return true;
    }

    /// <summary>Time step code DRxnn (04 18): BCD days, hours, minutes.</summary>
    private static bool TryReadTimeStep(ReadOnlySpan<byte> raw, out TimeSpan step)
    {
        step = default;
        if (!Sl651Bcd.TryReadByte(raw[0], out var days) || !Sl651Bcd.TryReadByte(raw[1], out var hours) || !Sl651Bcd.TryReadByte(raw[2], out var minutes))
        {
            return false;
        }

        step = new TimeSpan(days, hours, minutes, 0);
        return step > TimeSpan.Zero;
    }

    /// <summary>
    /// A BCD value with <paramref name="decimals"/> implied decimal places. All FF means no data (null). A leading
    /// FF byte marks a negative value whose magnitude is the BCD that follows; the definition byte's length counts
    /// that FF byte (e.g. -1.230 m as <c>39 2B FF 00 00 12 30</c>).
    /// </summary>
    internal static bool TryDecodeValue(ReadOnlySpan<byte> raw, int decimals, out decimal? value)
    {
        value = null;
        if (raw.Length == 0)
        {
            return false;
        }

        if (!raw.ContainsAnyExcept(ExtendedGuide))
        {
            return true;
        }

        var negative = raw[0] == ExtendedGuide;
        var digits = negative ? raw[1..] : raw;
        if (digits.Length == 0 || !Sl651Bcd.TryReadNumber(digits, out var magnitude))
        {
            return false;
        }

        value = new decimal((int)(uint)magnitude, (int)(uint)(magnitude >> 32), 0, negative, (byte)decimals);
        return true;
    }

    private static bool IsGuidePair(ReadOnlySpan<byte> span, byte guide) =>
        span.Length >= 2 && span[0] == guide && span[1] == guide;
}
