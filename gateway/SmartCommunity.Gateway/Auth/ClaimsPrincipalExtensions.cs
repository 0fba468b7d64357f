using System.Security.Claims;
using SmartCommunity.Gateway.Grid;

namespace SmartCommunity.Gateway.Auth;

public static class ClaimsPrincipalExtensions
{
    public static string Id(this ClaimsPrincipal user) => user.FindFirstValue(ClaimTypes.NameIdentifier) ?? "";

    public static string Role(this ClaimsPrincipal user) => user.FindFirstValue(ClaimTypes.Role) ?? "";

    public static bool IsStaff(this ClaimsPrincipal user) => Roles.StaffRoles.Contains(user.Role());

    /// <summary>Cells this caller may see: all for staff; a guard sees the subtrees of their cells.</summary>
    public static CellScope VisibleCells(this ClaimsPrincipal user, GridSnapshot grid)
    {
        if (user.IsStaff())
        {
            return CellScope.Everything;
        }

        return grid.PersonById(user.Id()) is { } person ? CellScope.Of(grid.VisibleCells(person)) : CellScope.Nothing;
    }
}
