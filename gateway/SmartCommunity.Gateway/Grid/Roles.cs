namespace SmartCommunity.Gateway.Grid;

/// <summary>API roles. Every endpoint names the roles it admits (docs/api.md).</summary>
public static class Roles
{
    public const string Admin = "admin";
    public const string PublicSecurity = "public-security";
    public const string Emergency = "emergency";
    public const string WaterAuthority = "water-authority";
    public const string Guard = "guard";
    public const string Device = "device";

    /// <summary>Roles of people (a device is not a person).</summary>
    public static IReadOnlyList<string> PersonRoles { get; } = [Admin, PublicSecurity, Emergency, WaterAuthority, Guard];

    /// <summary>Staff roles see every cell; guards see only their own.</summary>
    public static IReadOnlyList<string> StaffRoles { get; } = [Admin, PublicSecurity, Emergency, WaterAuthority];

    public static bool IsPersonRole(string? role) => role is not null && PersonRoles.Contains(role);
}
