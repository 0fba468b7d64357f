namespace SmartCommunity.Gateway.Video.Cameras;

/// <summary>
/// Body of <c>PUT /api/video/cameras/{id}</c> and of a <c>cameras</c> seed entry (with its <c>id</c>). Credentials are
/// write-only: a null <see cref="Username"/> and <see cref="Password"/> on a change keep the stored ones;
/// <see cref="ClearCredentials"/> removes them.
/// </summary>
public sealed record CameraRequest(
    string? Name,
    string? CellId,
    double? Lat,
    double? Lon,
    string? MainUrl,
    string? SubUrl,
    string? Username,
    string? Password,
    bool ClearCredentials,
    IReadOnlyList<CameraZone>? Zones,
    IReadOnlyList<CameraLine>? Lines,
    RecordingPolicy? Recording,
    AnalysisPolicy? Analysis);

/// <summary>Body of <c>PUT /api/video/cameras/{id}/regions</c>: every zone and counting line the camera is to have (an absent list is empty).</summary>
public sealed record CameraRegionsRequest(IReadOnlyList<CameraZone>? Zones, IReadOnlyList<CameraLine>? Lines);
