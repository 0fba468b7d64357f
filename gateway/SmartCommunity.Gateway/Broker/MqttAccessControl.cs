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
/// A device may subscribe only to <c>sc/v1/dev/{self}/command</c>, a person only to <c>sc/v1/person/{self}/alert</c>.
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
            : topicFilter == TopicScheme.PersonAlert(username);
        if (!allowed)
        {
            metrics.SubscribeRefused.Inc();
        }

        return allowed;
    }

    private ConnectDecision Failed(string username)
    {
        throttle.Failed(username);
        metrics.ConnectRefusedBadCredentials.Inc();
        return ConnectDecision.Refuse("bad_credentials");
    }
}
