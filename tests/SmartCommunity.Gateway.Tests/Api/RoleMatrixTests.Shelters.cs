using Row = (string Method, string Pattern, string Path, string? Body, string[] Allowed);

namespace SmartCommunity.Gateway.Tests.Api;

public sealed partial class RoleMatrixTests
{
    /// <summary>Shelters and door access (issue 6).</summary>
    private static Row[] ShelterRows =>
    [
        // Guards see the shelters of their cells (others answer 404, see ShelterApiTests).
        ("GET", "api/shelters/", "/api/shelters", null, People),
        ("GET", "api/shelters/{id}", "/api/shelters/no-such-shelter", null, People),
        // Every person may ask where to send people.
        ("GET", "api/shelters/redirect", "/api/shelters/redirect?lat=28.19&lon=112.97", null, People),
        // The summary across all shelters is for the emergency role (and admins).
        ("GET", "api/shelters/summary", "/api/shelters/summary", null, ["admin", "em"]),
        // An empty body is refused with 400 after authorisation: emergency staff and admins get in.
        ("PUT", "api/shelters/{id}", "/api/shelters/matrix-shelter", "{}", ["admin", "em"]),
        ("DELETE", "api/shelters/{id}", "/api/shelters/no-such-shelter", null, ["admin", "em"]),
        ("POST", "api/shelters/{id}/state", "/api/shelters/no-such-shelter/state", """{"open":true}""", ["admin", "em"]),
        ("POST", "api/shelters/{id}/headcount", "/api/shelters/no-such-shelter/headcount", """{"occupants":1}""", ["admin", "em"]),
        ("GET", "api/shelters/{id}/audit", "/api/shelters/no-such-shelter/audit", null, Staff),
        // Guards read the door events and units of their cells; references are masked except for ps and admin.
        ("GET", "api/doors/events", "/api/doors/events", null, People),
        ("GET", "api/doors/units", "/api/doors/units", null, People),
    ];
}
