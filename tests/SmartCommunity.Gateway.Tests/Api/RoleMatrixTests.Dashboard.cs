using Row = (string Method, string Pattern, string Path, string? Body, string[] Allowed);

namespace SmartCommunity.Gateway.Tests.Api;

public sealed partial class RoleMatrixTests
{
    /// <summary>Endpoints made for the dashboard (issue 8).</summary>
    private static Row[] DashboardRows =>
    [
    ];
}
