using SmartCommunity.Sl651.Framing;

namespace SmartCommunity.Sl651.Reports;

/// <summary>
/// A decoded element value. <c>Value</c> is null when the station sent the all-FF "no data" value; <c>Decimals</c>
/// comes from the definition byte (low 3 bits); <c>ObservationTime</c> is the F0 F0 time in force where the element
/// appeared.
/// </summary>
public sealed record Sl651ElementValue(
    int Identifier, string Code, string Name, string Unit, decimal? Value, int Decimals, DateTimeOffset? ObservationTime);

/// <summary>An element whose identifier is not in <see cref="Sl651Elements"/>: skipped by its length, kept raw.</summary>
public sealed record Sl651UnknownElement(int Identifier, byte Definition, ReadOnlyMemory<byte> Raw);

/// <summary>
/// An uplink report (function codes 30–34) turned into values. <c>StationCategory</c> is the category code after the
/// F1 F1 address, an ASCII letter ('H' river, 'K' reservoir, 'P' rainfall …); <c>ObservationTime</c> is the first
/// F0 F0 time, if the report carries one.
/// </summary>
public sealed record Sl651Report(
    Sl651StationAddress StationAddress,
    byte CentreAddress,
    Sl651FunctionCode FunctionCode,
    ushort Serial,
    DateTimeOffset SendTime,
    char StationCategory,
    DateTimeOffset? ObservationTime,
    IReadOnlyList<Sl651ElementValue> Elements,
    IReadOnlyList<Sl651UnknownElement> UnknownElements);
