using Row = (string Method, string Pattern, string Path, string? Body, string[] Allowed);

namespace SmartCommunity.Gateway.Tests.Api;

public sealed partial class RoleMatrixTests
{
    /// <summary>Video (issue 5): cameras, footage, clips, snapshots. Guards get in and are answered 404 outside their cells.</summary>
    private static Row[] VideoRows =>
    [
        ("GET", "api/video/cameras/", "/api/video/cameras", null, People),
        ("GET", "api/video/cameras/{id}", "/api/video/cameras/43010200011320000001", null, People),
        // An empty body is refused with 400 after authorisation: public security and admins get in.
        ("PUT", "api/video/cameras/{id}", "/api/video/cameras/43010200011320000088", "{}", ["admin", "ps"]),
        ("DELETE", "api/video/cameras/{id}", "/api/video/cameras/43010200011320000088", null, ["admin", "ps"]),
        // The region editor: an unknown camera answers 404 after authorisation, so nothing is changed.
        ("PUT", "api/video/cameras/{id}/regions", "/api/video/cameras/43010200011320000088/regions", "{}", ["admin", "ps"]),
        // GB/T 28181 PTZ (issue 18): moving a camera is public security's; a bad body is refused with 400 after authorisation.
        ("POST", "api/gb28181/channels/{id}/ptz", "/api/gb28181/channels/34020000001320000001/ptz", "{}", ["admin", "ps"]),
        ("POST", "api/gb28181/devices/{id}/catalog", "/api/gb28181/devices/34020000001180000001/catalog", "{}", ["admin", "ps"]),
        // GB/T 28181 recordings on the device are footage of evidence: public security and admins (a bad range is refused with 400 after authorisation).
        ("GET", "api/gb28181/channels/{id}/records", "/api/gb28181/channels/34020000001320000001/records?start=bad", null, ["admin", "ps"]),
        ("GET", "api/gb28181/channels/{id}/playback", "/api/gb28181/channels/34020000001320000001/playback?start=bad", null, ["admin", "ps"]),
        // Playback control (seek, speed, pause) of a running playback: as playback itself (an empty body is refused with 400 after authorisation).
        ("POST", "api/gb28181/playbacks/{id}/control", "/api/gb28181/playbacks/0123456789abcdef/control", "{}", ["admin", "ps"]),
        ("GET", "api/video/cameras/{id}/snapshot", "/api/video/cameras/43010200011320000001/snapshot", null, People),
        ("GET", "api/video/cameras/{id}/snapshots/{name}", "/api/video/cameras/43010200011320000001/snapshots/1-1.jpg", null, People),
        ("GET", "api/video/cameras/{id}/segments", "/api/video/cameras/43010200011320000001/segments?from=0&to=1000", null, People),
        ("GET", "api/video/cameras/{id}/footage", "/api/video/cameras/43010200011320000001/footage?from=0&to=1000", null, People),
        // Live view: a bad stream name is refused with 400 after authorisation (no camera stream is started).
        ("GET", "api/video/cameras/{id}/live", "/api/video/cameras/43010200011320000001/live?stream=bad", null, People),
        ("GET", "api/video/cameras/{id}/segments/{segmentId:long}.ts", "/api/video/cameras/43010200011320000001/segments/1.ts", null, People),
        // Exports are evidence: public security and admins only (an empty body is refused with 400 after authorisation).
        ("POST", "api/video/clips/", "/api/video/clips", "{}", ["admin", "ps"]),
        ("GET", "api/video/clips/", "/api/video/clips", null, People),
        ("GET", "api/video/clips/{clipId}", "/api/video/clips/no-such-clip", null, People),
        ("GET", "api/video/clips/{clipId}/file", "/api/video/clips/no-such-clip/file", null, People),
        ("GET", "api/video/events/", "/api/video/events?from=0&to=1000", null, People),
        // Video analysis (frame path hosted in the gateway): analysis health per camera, staff only.
        ("GET", "api/video/analysis/", "/api/video/analysis", null, Staff),
        ("GET", "api/video/analysis/{cameraId}", "/api/video/analysis/no-such-camera", null, Staff),
    ];
}
