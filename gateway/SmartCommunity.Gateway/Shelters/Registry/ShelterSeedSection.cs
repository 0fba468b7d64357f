using System.Text.Json;
using Microsoft.Extensions.Options;
using SmartCommunity.Gateway.Devices;
using SmartCommunity.Gateway.Grid;
using SmartCommunity.Gateway.Seed;

namespace SmartCommunity.Gateway.Shelters;

/// <summary>Seed section <c>shelters</c>: each entry is a <see cref="ShelterRequest"/> plus its <c>id</c>. After devices (order 30).</summary>
internal sealed class ShelterSeedSection(ShelterRegistry shelters, GridRegistry grid, DeviceRegistry devices, IOptions<SheltersOptions> options) : ISeedSection
{
    public string Name => "shelters";

    public int Order => 70;

    public IReadOnlyList<string> Apply(JsonElement section)
    {
        var errors = new List<string>();
        foreach (var (id, request) in Read(section, errors))
        {
            var context = new ShelterContext(grid.Snapshot, devices.DeviceOf, options.Value.AreaPerPerson, shelters.Get(id), shelters.Index.OwnerOf);
            if (ShelterRules.Check(id, request, context, out var shelter) is { } error)
            {
                errors.Add($"shelter '{(id.Length > 64 ? id[..64] + "…" : id)}': {error}");
                continue;
            }

            shelters.Upsert(shelter!, "seed");
        }

        return errors;
    }

    /// <summary>The section's entries as shelter requests to check (<see cref="ShelterRules.Check"/>); an entry that does not read is an error.</summary>
    internal static IEnumerable<(string Id, ShelterRequest Request)> Read(JsonElement section, List<string> errors) =>
        SeedJson.Items<ShelterSeed>(section, errors).Select(item => (item.Id ?? "",
            new ShelterRequest(item.Name, item.Class, item.Duration, item.EffectiveAreaM2, item.AreaPerPersonM2, item.Capacity, item.Lat, item.Lon, item.CellId, item.Entrances, item.Open)));

    private sealed record ShelterSeed(string? Id, string? Name, ShelterClass? Class, DurationClass? Duration, double? EffectiveAreaM2, double? AreaPerPersonM2, int? Capacity,
        double? Lat, double? Lon, string? CellId, IReadOnlyList<EntranceRequest>? Entrances, bool? Open);
}
