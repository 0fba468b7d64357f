using System.Net;
using SmartCommunity.Gateway.Auth;
using SmartCommunity.Gateway.Devices;
using SmartCommunity.Gateway.Grid;
using SmartCommunity.Protocol.Topics;

namespace SmartCommunity.Gateway.Broker;

public enum MqttPrincipalKind
{
    Device,
    Person,
}

/// <summary>Outcome of an MQTT CONNECT: who it is, or why not.</summary>
/// <param name="AssignedClientId">The client ID the broker gives a person who sent none (MQTT 5 Assigned Client Identifier).</param>
public readonly record struct ConnectDecision(bool Allowed, MqttPrincipalKind Kind, string? Refusal, string? AssignedClientId = null)
{
    public static ConnectDecision Refuse(string why) => new(false, default, why);
}

/// <summary>
/// Who may connect and what they may subscribe to (publishing is checked by the ingest pipeline):
/// devices log in with their ID and secret, people with their ID and password; no anonymous access.
/// A client ID belongs to one principal (issue 19: a guard connecting as <c>ld-0004</c> kicked the door unit off, and
/// one guard reusing another's client ID received that guard's queued duress alert): a device's client ID is its own
/// ID; a person's is their ID or <c>{id}/{suffix}</c> (one per terminal; an empty one is assigned such an ID). IDs
/// never contain <c>/</c>, so the ID before the first <c>/</c> names its one owner.
/// A device may subscribe only to <c>sc/v1/dev/{self}/command</c>, a person to <c>sc/v1/person/{self}/alert</c>;
/// admins and public-security staff also to the cameras' "clip ready" messages (<c>sc/v1/video/{camera}/clip</c>, or
/// <c>sc/v1/video/+/clip</c> for all), since footage evidence is theirs to handle.
/// </summary>
public sealed class MqttAccessControl(DeviceRegistry devices, GridRegistry grid, CredentialVerifier credentials, BrokerMetrics metrics)
{
    private const int MaxSuffixLength = 64;

    private static readonly System.Buffers.SearchValues<char> SuffixCharacters =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

    public ConnectDecision Authenticate(string? username, string? password, string? clientId, IPAddress? source)
    {
        if (string.IsNullOrEmpty(username))
        {
            metrics.ConnectRefusedAnonymous.Inc();
            return ConnectDecision.Refuse("anonymous");
        }

        var login = credentials.Verify(username, password, source, LoginPrincipals.Devices | LoginPrincipals.People, "mqtt");
        if (login.Outcome == LoginOutcome.Throttled)
        {
            metrics.ConnectRefusedThrottled.Inc();
            return ConnectDecision.Refuse("throttled");
        }

        if (!login.Verified)
        {
            metrics.ConnectRefusedBadCredentials.Inc();
            return ConnectDecision.Refuse("bad_credentials");
        }

        if (login.Device is not null)
        {
            return string.Equals(clientId, username, StringComparison.Ordinal)
                ? new ConnectDecision(true, MqttPrincipalKind.Device, null)
                : ClientIdMismatch();
        }

        if (string.IsNullOrEmpty(clientId))
        {
            return new ConnectDecision(true, MqttPrincipalKind.Person, null, username + "/" + Guid.NewGuid().ToString("N")[..12]);
        }

        return IsPersonsClientId(username, clientId) ? new ConnectDecision(true, MqttPrincipalKind.Person, null) : ClientIdMismatch();
    }

    /// <summary><c>{person}</c> or <c>{person}/{suffix}</c>, the suffix 1–64 ASCII letters, digits, <c>-</c> or <c>_</c>.</summary>
    public static bool IsPersonsClientId(string person, string clientId)
    {
        if (string.Equals(clientId, person, StringComparison.Ordinal))
        {
            return true;
        }

        if (clientId.Length <= person.Length + 1 || !clientId.StartsWith(person, StringComparison.Ordinal) || clientId[person.Length] != '/')
        {
            return false;
        }

        var suffix = clientId.AsSpan(person.Length + 1);
        return suffix.Length <= MaxSuffixLength && !suffix.ContainsAnyExcept(SuffixCharacters);
    }

    private ConnectDecision ClientIdMismatch()
    {
        metrics.ConnectRefusedClientId.Inc();
        return ConnectDecision.Refuse("client_id_mismatch");
    }

    public bool MaySubscribe(string? username, string topicFilter)
    {
        if (string.IsNullOrEmpty(username))
        {
            metrics.SubscribeRefused.Inc();
            return false;
        }

        var allowed = devices.Get(username) is not null
            ? topicFilter == TopicScheme.Command(username)
            : topicFilter == TopicScheme.PersonAlert(username) || MaySubscribeToClips(username, topicFilter);
        if (!allowed)
        {
            metrics.SubscribeRefused.Inc();
        }

        return allowed;
    }

    private bool MaySubscribeToClips(string username, string topicFilter) =>
        grid.Snapshot.PersonById(username) is { Enabled: true, Role: Roles.Admin or Roles.PublicSecurity }
        && (topicFilter == TopicScheme.AllVideoClips || IsOneCamerasClips(topicFilter));

    private bool IsOneCamerasClips(string topicFilter)
    {
        if (!topicFilter.StartsWith(TopicScheme.VideoPrefix, StringComparison.Ordinal) || !topicFilter.EndsWith("/clip", StringComparison.Ordinal))
        {
            return false;
        }

        var camera = topicFilter[TopicScheme.VideoPrefix.Length..^"/clip".Length];
        return devices.Get(camera) is { Device.Kind: Protocol.Messages.DeviceKind.Camera };
    }
}
