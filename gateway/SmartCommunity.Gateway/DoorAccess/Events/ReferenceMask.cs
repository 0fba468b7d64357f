using System.Security.Claims;
using SmartCommunity.Gateway.Auth;
using SmartCommunity.Gateway.Grid;

namespace SmartCommunity.Gateway.DoorAccess.Events;

/// <summary>
/// Masks card numbers and person references (个人信息, PIPL): the first and the last two characters stay, so
/// staff can tell references apart and match them with a card in hand, but cannot read them off a screen.
/// Public security (investigations) and admins see them whole; every other role sees them masked.
/// </summary>
public static class ReferenceMask
{
    public static string? Mask(string? reference)
    {
        if (string.IsNullOrEmpty(reference))
        {
            return reference;
        }

        return reference.Length <= 4 ? new string('*', reference.Length) : reference[0] + new string('*', reference.Length - 3) + reference[^2..];
    }

    public static bool MaySeeReferences(ClaimsPrincipal user) => user.Role() is Roles.Admin or Roles.PublicSecurity;

    public static DoorEvent For(ClaimsPrincipal user, DoorEvent e) =>
        MaySeeReferences(user) ? e : e with { Card = Mask(e.Card), Person = Mask(e.Person) };
}
