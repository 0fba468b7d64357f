using System.Text.Json;
using SmartCommunity.Gateway.Grid;
using SmartCommunity.Gateway.Seed;

namespace SmartCommunity.Gateway.Devices;

/// <summary>Seed section <c>devices</c>; each entry is a <see cref="DeviceRequest"/> plus its <c>id</c> and <c>secret</c>.</summary>
internal sealed class DeviceSeedSection(DeviceRegistry devices, GridRegistry grid) : ISeedSection
{
    public string Name => "devices";

    public int Order => 30;

    public IReadOnlyList<string> Apply(JsonElement section)
    {
        var errors = new List<string>();
        foreach (var item in SeedJson.Items<DeviceSeed>(section, errors))
        {
            var request = new DeviceRequest(item.Kind ?? "", item.Name ?? "", item.CellId, item.Lat, item.Lon, item.Enabled ?? true, item.Attributes, item.Secret);
            var error = DeviceRules.Check(item.Id ?? "", request, grid.Snapshot, out var device)
                ?? devices.Upsert(device!, item.Secret);
            if (error is not null)
            {
                errors.Add($"device '{item.Id}': {error}");
            }
        }

        return errors;
    }

    private sealed record DeviceSeed(string? Id, string? Kind, string? Name, string? CellId, double? Lat, double? Lon, bool? Enabled, Dictionary<string, string>? Attributes, string? Secret);
}
