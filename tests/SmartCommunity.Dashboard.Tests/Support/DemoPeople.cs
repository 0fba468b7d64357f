namespace SmartCommunity.Dashboard.Tests.Support;

/// <summary>People of the demo community (deploy/demo-community) the tests sign in as.</summary>
public static class DemoPeople
{
    public const string Password = "demo-password-2026";
    public const string AdminPassword = "admin-dashboard-tests";

    public const string PublicSecurity = "ps-li";
    public const string Emergency = "em-zhao";
    public const string WaterAuthority = "wa-chen";

    /// <summary>Guard of the beach and the bridge cells.</summary>
    public const string Guard = "guard-wang";

    /// <summary>Guard of other cells: must not see the beach's alerts.</summary>
    public const string OtherGuard = "guard-he";

    public const string BeachStation = "wl-hetan-beach";
    public const string BeachStationSecret = "demo-secret-wl-hetan-beach";
    public const string BeachSpot = "spot-hetan-beach";

    public const string BridgeStation = "wl-hetan-bridge";
    public const string BridgeStationSecret = "demo-secret-wl-hetan-bridge";
}
