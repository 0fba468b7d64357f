using System.Text.Json;
using Microsoft.Extensions.Options;
using SmartCommunity.Gateway.Grid;
using SmartCommunity.Gateway.Seed;

namespace SmartCommunity.Gateway.Video.Cameras;

/// <summary>
/// Seed section <c>cameras</c>: each entry is a <see cref="CameraRequest"/> plus its <c>id</c>. After devices (30),
/// before spots (60), which name cameras and their zones.
/// </summary>
internal sealed class CameraSeedSection(CameraRegistry cameras, GridRegistry grid, IOptions<VideoOptions> options) : ISeedSection
{
    public string Name => "cameras";

    public int Order => 40;

    public IReadOnlyList<string> Apply(JsonElement section)
    {
        var errors = new List<string>();
        foreach (var item in SeedJson.Items<CameraSeed>(section, errors))
        {
            var request = new CameraRequest(item.Name, item.CellId, item.Lat, item.Lon, item.MainUrl, item.SubUrl, item.Username, item.Password, false, item.Zones, item.Lines, item.Recording, item.Analysis);
            var id = item.Id ?? "";
            var error = CameraRules.Check(id, request, cameras.Find(id), grid.Snapshot, options.Value.AllowFileUrls, out var camera)
                ?? cameras.Upsert(camera!);
            if (error is not null)
            {
                errors.Add($"camera '{item.Id}': {error}");
            }
        }

        return errors;
    }

    private sealed record CameraSeed(string? Id, string? Name, string? CellId, double? Lat, double? Lon, string? MainUrl, string? SubUrl, string? Username, string? Password,
        IReadOnlyList<CameraZone>? Zones, IReadOnlyList<CameraLine>? Lines, RecordingPolicy? Recording, AnalysisPolicy? Analysis);
}
