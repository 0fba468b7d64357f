using Microsoft.AspNetCore.Authorization;
using SmartCommunity.Gateway.Grid;

namespace SmartCommunity.Gateway.Auth;

/// <summary>Named policies; each endpoint group requires one (docs/api.md has the table).</summary>
public static class AuthPolicies
{
    public const string Scheme = "SmartCommunity";

    public const string Admin = "admin";
    public const string Staff = "staff";
    public const string AnyPerson = "any-person";
    public const string Device = "device";
    public const string Emergency = "emergency";
    public const string WaterAuthority = "water-authority";
    public const string PublicSecurity = "public-security";

    public static void Configure(AuthorizationOptions options)
    {
        options.AddPolicy(Admin, p => p.RequireRole(Roles.Admin));
        options.AddPolicy(Staff, p => p.RequireRole([.. Roles.StaffRoles]));
        options.AddPolicy(AnyPerson, p => p.RequireRole([.. Roles.PersonRoles]));
        options.AddPolicy(Device, p => p.RequireRole(Roles.Device));
        options.AddPolicy(Emergency, p => p.RequireRole(Roles.Admin, Roles.Emergency));
        options.AddPolicy(WaterAuthority, p => p.RequireRole(Roles.Admin, Roles.WaterAuthority));
        options.AddPolicy(PublicSecurity, p => p.RequireRole(Roles.Admin, Roles.PublicSecurity));
        // Anything not marked otherwise needs a signed-in principal; endpoints opt out only with AllowAnonymous.
        options.FallbackPolicy = new AuthorizationPolicyBuilder(Scheme).RequireAuthenticatedUser().Build();
    }
}
