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
        ("GET", "api/video/cameras/{id}/snapshot", "/api/video/cameras/43010200011320000001/snapshot", null, People),
        ("GET", "api/video/cameras/{id}/snapshots/{name}", "/api/video/cameras/43010200011320000001/snapshots/1-1.jpg", null, People),
    ];
}
