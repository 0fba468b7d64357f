using System.Security.Cryptography;
using SmartCommunity.Gateway.Video.Cameras;

namespace SmartCommunity.Gateway.Gb28181.Live;

/// <summary>
/// GB channels in the video registry: each video channel a catalog names is a camera whose stream URL is the gateway's
/// loopback relay (<see cref="LiveRelay"/>), so recording, footage, live view, frame analysis and the
/// <c>camera_down</c> alert treat it as any camera. A new camera records and is analysed by the default policies; an
/// existing one keeps what an admin set (zones, lines, policies) and only follows the catalog's name and the relay's
/// port. A camera an admin pointed elsewhere (an RTSP URL for the same ID) is left alone.
/// </summary>
public sealed class GbCameras(CameraRegistry cameras, LiveRelay relay, Gb28181Metrics metrics, ILogger<GbCameras> logger)
{
    public void Ensure(string channelId, string name, string? cellId, double? lat, double? lon)
    {
        cellId ??= "";
        var url = relay.UrlFor(channelId);
        var existing = cameras.Find(channelId);
        if (existing is not null && !LiveRelay.IsRelayUrl(existing.Streams.MainUrl))
        {
            return;
        }

        var camera = existing is null
            ? new Camera(channelId, name, cellId, lat, lon, new CameraStreams(url, null, LiveRelay.User, NewPassword()), [], [], RecordingPolicy.Default, AnalysisPolicy.Default)
            : existing with { Name = name, CellId = cellId, Streams = existing.Streams with { MainUrl = url, SubUrl = null } };
        if (camera == existing)
        {
            return;
        }

        if (cameras.Upsert(camera) is { } error)
        {
            metrics.Refused("catalog-camera-store-failed");
            logger.LogWarning("GB/T 28181 channel {Channel} not stored as a camera: {Error}", channelId, error);
        }
    }

    /// <summary>At start: the relay may listen on another port than in the last run; GB cameras follow it.</summary>
    public void FollowRelay()
    {
        foreach (var camera in cameras.All)
        {
            if (LiveRelay.IsRelayUrl(camera.Streams.MainUrl) && camera.Streams.MainUrl != relay.UrlFor(camera.Id))
            {
                cameras.Upsert(camera with { Streams = camera.Streams with { MainUrl = relay.UrlFor(camera.Id) } });
            }
        }
    }

    private static string NewPassword() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
