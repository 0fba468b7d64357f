using Row = (string Method, string Pattern, string Path, string? Body, string[] Allowed);

namespace SmartCommunity.Gateway.Tests.Api;

public sealed partial class RoleMatrixTests
{
    /// <summary>Endpoints made for the dashboard (issue 8).</summary>
    private static Row[] DashboardRows =>
    [
        // An empty body is refused with 400 after authorisation: the water authority and admins get in.
        ("POST", "api/dashboard/notice-preview", "/api/dashboard/notice-preview", "{}", ["admin", "wa"]),
    ];
}
