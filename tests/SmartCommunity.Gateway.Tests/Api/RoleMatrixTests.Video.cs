using Row = (string Method, string Pattern, string Path, string? Body, string[] Allowed);

namespace SmartCommunity.Gateway.Tests.Api;

public sealed partial class RoleMatrixTests
{
    /// <summary>Video (issue 5): cameras, footage, clips, snapshots.</summary>
    private static Row[] VideoRows =>
    [
    ];
}
