using SmartCommunity.Protocol.Identity;

namespace SmartCommunity.Gateway.Video.Cameras;

/// <summary>A camera as the API shows it: no credentials (only whether there are some), its decoded code, and its live state.</summary>
public sealed record CameraView(
    string Id,
    string Name,
    string CellId,
    double? Lat,
    double? Lon,
    string MainUrl,
    string? SubUrl,
    bool HasCredentials,
    IReadOnlyList<CameraZone> Zones,
    IReadOnlyList<CameraLine> Lines,
    RecordingPolicy Recording,
    AnalysisPolicy Analysis,
    CameraCode Code,
    CameraStatus Status)
{
    /// <summary>Whether the stream is up (null until the recorder has tried), the same as <c>status.online</c>, for camera walls.</summary>
    public bool? Online => Status.Online;

    public static CameraView From(Camera camera, CameraStatus status)
    {
        var code = Gb28181Id.Parse(camera.Id);
        return new(camera.Id, camera.Name, camera.CellId, camera.Lat, camera.Lon, camera.Streams.MainUrl, camera.Streams.SubUrl,
            camera.Streams.Username is not null || camera.Streams.Password is not null, camera.Zones, camera.Lines, camera.Recording, camera.Analysis,
            new CameraCode(code.Region, code.Industry, code.Type, code.Network, code.Serial), status);
    }
}

/// <summary>The GB/T 28181 code decoded: region (GB/T 2260), industry, device type, network, serial.</summary>
public sealed record CameraCode(string Region, string Industry, string Type, string Network, string Serial);
