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
        foreach (var (id, request) in Read(section, errors))
        {
            var error = DeviceRules.Check(id, request, grid.Snapshot, out var device)
                ?? devices.Upsert(device!, request.Secret);
            if (error is not null)
            {
                errors.Add($"device '{id}': {error}");
            }
        }

        return errors;
    }

    /// <summary>The section's entries as device requests to check (<see cref="DeviceRules.Check"/>); an entry that does not read is an error.</summary>
    internal static IEnumerable<(string Id, DeviceRequest Request)> Read(JsonElement section, List<string> errors) =>
        SeedJson.Items<DeviceSeed>(section, errors).Select(item =>
            (item.Id ?? "", new DeviceRequest(item.Kind ?? "", item.Name ?? "", item.CellId, item.Lat, item.Lon, item.Enabled ?? true, item.Attributes, item.Secret)));

    private sealed record DeviceSeed(string? Id, string? Kind, string? Name, string? CellId, double? Lat, double? Lon, bool? Enabled, Dictionary<string, string>? Attributes, string? Secret);
}
