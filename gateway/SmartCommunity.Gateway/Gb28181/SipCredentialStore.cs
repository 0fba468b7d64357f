using System.Collections.Concurrent;
using Dapper;
using Microsoft.Extensions.Options;
using SmartCommunity.Gateway.Devices;
using SmartCommunity.Gateway.Infrastructure.Storage;
using SmartCommunity.Gb28181.Sip;
using SmartCommunity.Protocol.Identity;

namespace SmartCommunity.Gateway.Gb28181;

/// <summary>
/// SIP digest credentials of GB/T 28181 devices. A device's password is its registry secret; the registry keeps that
/// only as PBKDF2, which digest cannot use, so when a secret is set this store keeps HA1 = MD5(id:realm:secret)
/// (RFC 2617 §3.2.2.2), never the secret. HA1 is bound to the realm: after changing <c>Gb28181:Realm</c> each device
/// needs its secret set again (rows for another realm are ignored and counted at start).
/// </summary>
public sealed class SipCredentialStore
{
    private readonly Database _database;
    private readonly string _realm;
    private readonly ILogger<SipCredentialStore> _logger;
    private readonly ConcurrentDictionary<string, string> _ha1 = new(StringComparer.Ordinal);

    public SipCredentialStore(Database database, DeviceRegistry devices, IOptions<Gb28181Options> options, ILogger<SipCredentialStore> logger)
    {
        _database = database;
        _realm = options.Value.EffectiveRealm;
        _logger = logger;
        devices.SecretSet += OnSecretSet;
        devices.Changed += id =>
        {
            if (devices.Get(id) is null)
            {
                _ha1.TryRemove(id, out _);
            }
        };
    }

    public string? Ha1(string deviceId) => _ha1.GetValueOrDefault(deviceId);

    public void Load()
    {
        using var connection = _database.Open();
        var otherRealm = 0;
        foreach (var (deviceId, realm, ha1) in connection.Query<(string, string, string)>("SELECT device_id, realm, ha1 FROM gb28181_credentials"))
        {
            if (realm == _realm)
            {
                _ha1[deviceId] = ha1;
            }
            else
            {
                otherRealm++;
            }
        }

        if (otherRealm > 0)
        {
            _logger.LogWarning("{Count} GB/T 28181 devices have credentials for another realm than {Realm}; set their secrets again", otherRealm, _realm);
        }
    }

    private void OnSecretSet(string deviceId, string secret)
    {
        if (!Gb28181Id.LooksLikeGb28181(deviceId))
        {
            return; // Only GB/T 28181 devices speak SIP.
        }

        var ha1 = DigestAuthenticator.Ha1(deviceId, _realm, secret);
        using var connection = _database.Open();
        connection.Execute("""
            INSERT INTO gb28181_credentials (device_id, realm, ha1) VALUES (@deviceId, @realm, @ha1)
            ON CONFLICT (device_id) DO UPDATE SET realm = excluded.realm, ha1 = excluded.ha1
            """, new { deviceId, realm = _realm, ha1 });
        _ha1[deviceId] = ha1;
    }
}

internal sealed class Gb28181Schema : ISchemaProvider
{
    public IEnumerable<Migration> Migrations =>
    [
        new(140, "gb28181", 1, """
            CREATE TABLE gb28181_credentials (
                device_id TEXT PRIMARY KEY REFERENCES devices(id) ON DELETE CASCADE,
                realm TEXT NOT NULL,
                ha1 TEXT NOT NULL);
            """),
    ];
}
