using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using SmartCommunity.Gateway.Grid;

namespace SmartCommunity.Gateway.Auth;

/// <summary>
/// One scheme for every caller: people present a session token (<c>Authorization: Bearer …</c>, or the
/// <c>sc_session</c> cookie the dashboard gets at login, which also serves the event stream); devices use
/// HTTP Basic with their ID and secret.
/// </summary>
public sealed class GatewayAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    SessionStore sessions,
    GridRegistry grid,
    CredentialVerifier credentials)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string CookieName = "sc_session";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (header is not null && header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return Task.FromResult(AuthenticateDevice(header["Basic ".Length..].Trim()));
        }

        string? token = null;
        if (header is not null && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            token = header["Bearer ".Length..].Trim();
        }
        else if (Request.Cookies.TryGetValue(CookieName, out var cookie))
        {
            token = cookie;
        }

        if (token is null)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var personId = sessions.Resolve(token);
        var person = grid.Snapshot.PersonById(personId);
        if (person is not { Enabled: true })
        {
            return Task.FromResult(AuthenticateResult.Fail("Session is unknown or expired."));
        }

        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, person.Id),
            new(ClaimTypes.Name, person.Name),
            new(ClaimTypes.Role, person.Role),
        };
        return Task.FromResult(Success(claims));
    }

    private AuthenticateResult AuthenticateDevice(string encoded)
    {
        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(encoded));
        }
        catch (FormatException)
        {
            return AuthenticateResult.Fail("Malformed Basic credentials.");
        }

        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            return AuthenticateResult.Fail("Malformed Basic credentials.");
        }

        var id = decoded[..colon];
        if (credentials.Verify(id, decoded[(colon + 1)..], Context.Connection.RemoteIpAddress, LoginPrincipals.Devices, "basic").Device is not { } device)
        {
            return AuthenticateResult.Fail("Bad device credentials.");
        }

        return Success([new Claim(ClaimTypes.NameIdentifier, id), new Claim(ClaimTypes.Name, device.Device.Name), new Claim(ClaimTypes.Role, Roles.Device)]);
    }

    private AuthenticateResult Success(IEnumerable<Claim> claims) =>
        AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme.Name)), Scheme.Name));
}
