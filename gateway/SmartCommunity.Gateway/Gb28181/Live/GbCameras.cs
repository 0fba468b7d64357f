using System.Security.Cryptography;
using SmartCommunity.Gateway.Devices;
using SmartCommunity.Gateway.Video.Cameras;

namespace SmartCommunity.Gateway.Gb28181.Live;

/// <summary>
/// GB channels in the video registry: each video channel a catalog names is a camera whose stream URL is the gateway's
/// loopback relay (<see cref="LiveRelay"/>), so recording, footage, live view, frame analysis and the
/// <c>camera_down</c> alert treat it as any camera. An existing camera keeps what an admin set (zones, lines, the
/// recording and analysis policies) and only follows the catalog's name and the relay's port. A camera an admin pointed
/// elsewhere (an RTSP URL for the same ID) is left alone.
/// <para>
/// A new camera records and is analysed by the default policies only while its parent has fewer than
/// <see cref="Gb28181Options.RecordFirstChannels"/> GB cameras; later channels are created with recording off and
/// analysis off. Why: a recorded channel is an ffmpeg recorder and an analysed one an ffmpeg decoder, each running for
/// ever with an RTP stream from the NVR, so a 64-channel NVR registering would start 128 processes and 64 INVITEs on a
/// gateway sized for a few cameras. Live view and playback of such a channel work on demand; an admin turns recording or
/// analysis on per channel with <c>PUT /api/video/cameras/{id}</c>, which later catalogs keep.
/// </para>
/// </summary>
public sealed class GbCameras(CameraRegistry cameras, DeviceRegistry devices, LiveRelay relay, Gb28181Options options, Gb28181Metrics metrics, ILogger<GbCameras> logger)
{
    /// <param name="parentId">The registered device that carries the channel (the NVR, or an IPC itself).</param>
    public void Ensure(string channelId, string parentId, string name, string? cellId, double? lat, double? lon)
    {
        cellId ??= "";
        var url = relay.UrlFor(channelId);
        var existing = cameras.Find(channelId);
        if (existing is not null && !LiveRelay.IsRelayUrl(existing.Streams.MainUrl))
        {
            return;
        }

        var active = existing is not null || Siblings(channelId, parentId) < options.RecordFirstChannels;
        if (existing is null)
        {
            metrics.NewChannel(active ? "recorded" : "not-recorded"); // An operator sees how many channels wait for a decision.
        }

        var camera = existing is null
            ? new Camera(channelId, name, cellId, lat, lon, new CameraStreams(url, null, LiveRelay.User, NewPassword()), [], [],
                active ? RecordingPolicy.Default : RecordingPolicy.Default with { Enabled = false },
                active ? AnalysisPolicy.Default : AnalysisPolicy.Default with { Site = AnalysisSite.Off })
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

    /// <summary>The parent's other channels that are GB cameras already (the IPC's own channel counts for itself).</summary>
    private int Siblings(string channelId, string parentId) => cameras.All.Count(c => c.Id != channelId && LiveRelay.IsRelayUrl(c.Streams.MainUrl)
        && (c.Id == parentId || devices.Get(c.Id)?.Device.Attributes.GetValueOrDefault(CatalogSync.ParentAttribute) == parentId));

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
