using System.Net;
using Microsoft.Extensions.Options;
using SmartCommunity.Gateway.Devices;
using SmartCommunity.Gateway.Grid;
using SmartCommunity.Gateway.Infrastructure.Security;

namespace SmartCommunity.Gateway.Auth;

/// <summary>Who may log in on a channel.</summary>
[Flags]
public enum LoginPrincipals
{
    Devices = 1,
    People = 2,
}

public enum LoginOutcome
{
    Verified,
    Refused,

    /// <summary>Not checked: too many failures from this address for this name (see <see cref="LoginThrottle"/>).</summary>
    Throttled,
}

/// <summary>A checked login: a device or a person by ID, or why not.</summary>
public readonly record struct LoginResult(LoginOutcome Outcome, DeviceRuntime? Device = null, Person? Person = null)
{
    public bool Verified => Outcome == LoginOutcome.Verified;
}

/// <summary>
/// The one place a name and a password are checked, for API login, HTTP Basic and MQTT: throttled per (source
/// address, name), and costing the same whether or not the name exists.
/// </summary>
/// <remarks>
/// Why equal cost (issue 19): an unknown name used to be refused in 2–4 ms and a known one in 238–302 ms (one PBKDF2
/// at the people's iteration count), which told anyone which names exist. Every refusal now pays at least one
/// verification at <see cref="AuthOptions.PasswordIterations"/>: a person's own hash, or a dummy hash made once at
/// start with the same count (OWASP Authentication Cheat Sheet, "Authentication Responses"). A device's secret is
/// hashed with far fewer iterations (long random secrets), so a wrong device secret pays the dummy on top.
/// </remarks>
public sealed class CredentialVerifier
{
    private const int MaxPasswordLength = 256;
    private readonly DeviceRegistry _devices;
    private readonly GridRegistry _grid;
    private readonly LoginThrottle _throttle;
    private readonly string _dummyHash;

    public CredentialVerifier(DeviceRegistry devices, GridRegistry grid, LoginThrottle throttle, IOptions<AuthOptions> options)
    {
        _devices = devices;
        _grid = grid;
        _throttle = throttle;
        _dummyHash = SecretHasher.Hash(SecretHasher.NewSecret(), options.Value.PasswordIterations);
    }

    /// <param name="channel">For the counters: <c>api</c>, <c>basic</c> or <c>mqtt</c>.</param>
    public LoginResult Verify(string name, string? password, IPAddress? source, LoginPrincipals who, string channel)
    {
        if (_throttle.IsLockedOut(source, name, channel))
        {
            return new LoginResult(LoginOutcome.Throttled);
        }

        var result = Check(name, password, who);
        if (result.Verified)
        {
            _throttle.Succeeded(source, name);
        }
        else
        {
            _throttle.Failed(source, name, channel);
        }

        return result;
    }

    private LoginResult Check(string name, string? password, LoginPrincipals who)
    {
        var usable = !string.IsNullOrEmpty(password) && password.Length <= MaxPasswordLength;
        if (who.HasFlag(LoginPrincipals.Devices) && _devices.Get(name) is { } device)
        {
            if (_devices.VerifySecret(device, password))
            {
                return new LoginResult(LoginOutcome.Verified, Device: device);
            }

            return Refused(password, usable);
        }

        if (who.HasFlag(LoginPrincipals.People) && _grid.Snapshot.PersonById(name) is { Enabled: true } person
            && _grid.GetPasswordHash(person.Id) is { } hash && usable)
        {
            return SecretHasher.Verify(password!, hash) ? new LoginResult(LoginOutcome.Verified, Person: person) : new LoginResult(LoginOutcome.Refused);
        }

        return Refused(password, usable);
    }

    /// <summary>Refuses after the work a person's wrong password costs, so the answer's time says nothing.</summary>
    private LoginResult Refused(string? password, bool usable)
    {
        _ = SecretHasher.Verify(usable ? password! : "-", _dummyHash);
        return new LoginResult(LoginOutcome.Refused);
    }
}
