using SmartCommunity.Gateway.Devices;
using SmartCommunity.Gateway.Grid;
using SmartCommunity.Gateway.Infrastructure.Security;
using SmartCommunity.Protocol.Topics;

namespace SmartCommunity.Gateway.Broker;

public enum MqttPrincipalKind
{
    Device,
    Person,
}

/// <summary>Outcome of an MQTT CONNECT: who it is, or why not.</summary>
public readonly record struct ConnectDecision(bool Allowed, MqttPrincipalKind Kind, string? Refusal)
{
    public static ConnectDecision Refuse(string why) => new(false, default, why);
}

/// <summary>
/// Who may connect and what they may subscribe to (publishing is checked by the ingest pipeline):
/// devices log in with their ID and secret and the client ID must equal the device ID (so nobody else can
/// take over the device's session); people log in with their ID and password. No anonymous access.
/// A device may subscribe only to <c>sc/v1/dev/{self}/command</c>, a person to <c>sc/v1/person/{self}/alert</c>;
/// admins and public-security staff also to the cameras' "clip ready" messages (<c>sc/v1/video/{camera}/clip</c>, or
/// <c>sc/v1/video/+/clip</c> for all), since footage evidence is theirs to handle.
/// </summary>
public sealed class MqttAccessControl(DeviceRegistry devices, GridRegistry grid, LoginThrottle throttle, BrokerMetrics metrics)
{
    public ConnectDecision Authenticate(string? username, string? password, string? clientId)
    {
        if (string.IsNullOrEmpty(username))
        {
            metrics.ConnectRefusedAnonymous.Inc();
            return ConnectDecision.Refuse("anonymous");
        }

        if (throttle.IsLockedOut(username))
        {
            metrics.ConnectRefusedBadCredentials.Inc();
            return ConnectDecision.Refuse("locked_out");
        }

        if (devices.Get(username) is { } device)
        {
            if (!devices.VerifySecret(device, password))
            {
                return Failed(username);
            }

            if (!string.Equals(clientId, username, StringComparison.Ordinal))
            {
                metrics.ConnectRefusedClientId.Inc();
                return ConnectDecision.Refuse("client_id_mismatch");
            }

            throttle.Succeeded(username);
            return new ConnectDecision(true, MqttPrincipalKind.Device, null);
        }

        if (grid.Snapshot.PersonById(username) is { Enabled: true } person)
        {
            var hash = grid.GetPasswordHash(person.Id);
            if (hash is null || string.IsNullOrEmpty(password) || password.Length > 256 || !SecretHasher.Verify(password, hash))
            {
                return Failed(username);
            }

            throttle.Succeeded(username);
            return new ConnectDecision(true, MqttPrincipalKind.Person, null);
        }

        return Failed(username);
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

    private ConnectDecision Failed(string username)
    {
        throttle.Failed(username);
        metrics.ConnectRefusedBadCredentials.Inc();
        return ConnectDecision.Refuse("bad_credentials");
    }
}
