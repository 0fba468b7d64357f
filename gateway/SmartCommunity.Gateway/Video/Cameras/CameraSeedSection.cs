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
        foreach (var (id, request) in Read(section, errors))
        {
            var error = CameraRules.Check(id, request, cameras.Find(id), grid.Snapshot, options.Value.AllowFileUrls, out var camera)
                ?? cameras.Upsert(camera!);
            if (error is not null)
            {
                errors.Add($"camera '{id}': {error}");
            }
        }

        return errors;
    }

    /// <summary>The section's entries as camera requests to check (<see cref="CameraRules.Check"/>); an entry that does not read is an error.</summary>
    internal static IEnumerable<(string Id, CameraRequest Request)> Read(JsonElement section, List<string> errors) =>
        SeedJson.Items<CameraSeed>(section, errors).Select(item => (item.Id ?? "",
            new CameraRequest(item.Name, item.CellId, item.Lat, item.Lon, item.MainUrl, item.SubUrl, item.Username, item.Password, false, item.Zones, item.Lines, item.Recording, item.Analysis)));

    private sealed record CameraSeed(string? Id, string? Name, string? CellId, double? Lat, double? Lon, string? MainUrl, string? SubUrl, string? Username, string? Password,
        IReadOnlyList<CameraZone>? Zones, IReadOnlyList<CameraLine>? Lines, RecordingPolicy? Recording, AnalysisPolicy? Analysis);
}
