using Row = (string Method, string Pattern, string Path, string? Body, string[] Allowed);

namespace SmartCommunity.Gateway.Tests.Api;

public sealed partial class RoleMatrixTests
{
    /// <summary>Water safety (issue 4): spots, reservoirs, discharge notices.</summary>
    private static Row[] WaterRows =>
    [
        ("GET", "api/water/spots/", "/api/water/spots", null, People),
        // Guards get 404 for spots outside their cells (and unknown IDs).
        ("GET", "api/water/spots/{id}", "/api/water/spots/no-such-spot", null, People),
        ("GET", "api/water/spots/{id}/commands", "/api/water/spots/no-such-spot/commands", null, Staff),
        // An empty body is refused with 400 after authorisation: the water authority and admins get in.
        ("PUT", "api/water/spots/{id}", "/api/water/spots/matrix-spot", "{}", ["admin", "wa"]),
        ("DELETE", "api/water/spots/{id}", "/api/water/spots/no-such-spot", null, ["admin", "wa"]),
        ("GET", "api/water/reservoirs", "/api/water/reservoirs", null, Staff),
        ("PUT", "api/water/reservoirs/{id}", "/api/water/reservoirs/matrix-res", "{}", ["admin", "wa"]),
        ("GET", "api/water/notices", "/api/water/notices", null, Staff),
        ("POST", "api/water/notices", "/api/water/notices", "{}", ["admin", "wa"]),
        ("GET", "api/water/notices/{id}", "/api/water/notices/no-such-notice", null, Staff),
        ("PUT", "api/water/notices/{id}", "/api/water/notices/no-such-notice", "{}", ["admin", "wa"]),
        ("POST", "api/water/notices/{id}/cancel", "/api/water/notices/no-such-notice/cancel", null, ["admin", "wa"]),
    ];
}
