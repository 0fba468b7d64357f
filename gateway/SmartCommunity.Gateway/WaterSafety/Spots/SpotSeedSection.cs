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
        foreach (var item in SeedJson.Items<SpotSeed>(section, errors))
        {
            var request = new SpotRequest(item.Name, item.CellId, item.Lat, item.Lon, item.ReachId, item.Levels, item.Rise, item.RiskTimes, item.Devices);
            if (SpotRules.Check(item.Id ?? "", request, grid.Snapshot, devices, out var spot) is { } error)
            {
                errors.Add($"spot '{item.Id}': {error}");
                continue;
            }

            spots.Upsert(spot!);
        }

        return errors;
    }

    private sealed record SpotSeed(string? Id, string? Name, string? CellId, double? Lat, double? Lon, string? ReachId, LevelThresholds? Levels, RiseThresholds? Rise, RiskTimes? RiskTimes, SpotDevices? Devices);
}
