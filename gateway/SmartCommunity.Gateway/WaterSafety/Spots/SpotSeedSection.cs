using System.Text.Json;
using SmartCommunity.Gateway.Devices;
using SmartCommunity.Gateway.Grid;
using SmartCommunity.Gateway.Seed;

namespace SmartCommunity.Gateway.WaterSafety.Spots;

/// <summary>Seed section <c>spots</c>: each entry is a <see cref="SpotRequest"/> plus its <c>id</c>. After devices (order 30).</summary>
internal sealed class SpotSeedSection(SpotRegistry spots, GridRegistry grid, DeviceRegistry devices) : ISeedSection
{
    public string Name => "spots";

    public int Order => 60;

    public IReadOnlyList<string> Apply(JsonElement section)
    {
        var errors = new List<string>();
        foreach (var (id, request) in Read(section, errors))
        {
            if (SpotRules.Check(id, request, grid.Snapshot, devices.DeviceOf, out var spot) is { } error)
            {
                errors.Add($"spot '{id}': {error}");
                continue;
            }

            spots.Upsert(spot!);
        }

        return errors;
    }

    /// <summary>The section's entries as spot requests to check (<see cref="SpotRules.Check"/>); an entry that does not read is an error.</summary>
    internal static IEnumerable<(string Id, SpotRequest Request)> Read(JsonElement section, List<string> errors) =>
        SeedJson.Items<SpotSeed>(section, errors).Select(item =>
            (item.Id ?? "", new SpotRequest(item.Name, item.CellId, item.Lat, item.Lon, item.ReachId, item.Levels, item.Rise, item.RiskTimes, item.Devices)));

    private sealed record SpotSeed(string? Id, string? Name, string? CellId, double? Lat, double? Lon, string? ReachId, LevelThresholds? Levels, RiseThresholds? Rise, RiskTimes? RiskTimes, SpotDevices? Devices);
}
