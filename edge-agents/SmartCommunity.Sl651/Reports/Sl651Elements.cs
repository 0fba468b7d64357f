using System.Collections.Frozen;

namespace SmartCommunity.Sl651.Reports;

/// <summary>
/// A numeric element this library decodes. <c>Identifier</c> is the identifier byte, or <c>0xFFxx</c> for an
/// extended (FF-led) identifier; <c>Code</c> is the symbol from SL 651-2014 "要素标识符汇总表", e.g. <c>Z</c>.
/// </summary>
public sealed record Sl651ElementInfo(int Identifier, string Code, string Name, string Unit);

/// <summary>
/// Element identifiers decoded as BCD numbers (SL 651-2014, "要素标识符汇总表"). To add one, add a line here; the
/// parser takes length and decimals from each element's definition byte, so nothing else changes. Identifiers not
/// listed are skipped by their definition byte and reported raw.
/// </summary>
public static class Sl651Elements
{
    public const int WaterTemperature = 0x03;
    public const int GroundwaterDepth = 0x0E;
    public const int CurrentRainfall = 0x20;
    public const int AccumulatedRainfall = 0x26;
    public const int InstantaneousFlow = 0x27;
    public const int InstantaneousVelocity = 0x37;
    public const int SupplyVoltage = 0x38;
    public const int RiverWaterLevel = 0x39;
    public const int DownstreamWaterLevel = 0x3A;
    public const int UpstreamWaterLevel = 0x3B;

    private static readonly FrozenDictionary<int, Sl651ElementInfo> Table = new Sl651ElementInfo[]
    {
        new(WaterTemperature, "C", "Instantaneous water temperature", "°C"),
        new(GroundwaterDepth, "H", "Instantaneous groundwater depth", "m"),
        new(CurrentRainfall, "PJ", "Current rainfall", "mm"),
        new(AccumulatedRainfall, "PT", "Accumulated rainfall", "mm"),
        new(InstantaneousFlow, "Q", "Instantaneous flow", "m³/s"),
        new(InstantaneousVelocity, "VJ", "Instantaneous velocity", "m/s"),
        new(SupplyVoltage, "VT", "Supply voltage", "V"),
        new(RiverWaterLevel, "Z", "Instantaneous river water level", "m"),
        new(DownstreamWaterLevel, "ZB", "Downstream water level (reservoir, sluice, station)", "m"),
        new(UpstreamWaterLevel, "ZU", "Upstream water level (reservoir, sluice, station)", "m"),
    }.ToFrozenDictionary(e => e.Identifier);

    public static IReadOnlyCollection<Sl651ElementInfo> All => Table.Values;

    public static Sl651ElementInfo? Find(int identifier) => Table.GetValueOrDefault(identifier);
}
