using Row = (string Method, string Pattern, string Path, string? Body, string[] Allowed);

namespace SmartCommunity.Gateway.Tests.Api;

public sealed partial class RoleMatrixTests
{
    /// <summary>Shelters and door access (issue 6).</summary>
    private static Row[] ShelterRows =>
    [
    ];
}
