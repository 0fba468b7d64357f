using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Data.Common;
using Dapper;
using SmartCommunity.Gateway.Infrastructure.Security;
using SmartCommunity.Gateway.Infrastructure.Storage;
using SmartCommunity.Protocol.Messages;

namespace SmartCommunity.Gateway.Devices;

/// <summary>
/// Registered devices: persisted in the database, held in memory for the hot path (lookup by a span of the topic,
/// no allocation). Writes go to the database first.
/// </summary>
public sealed class DeviceRegistry
{
    private readonly Database _database;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, DeviceRuntime> _devices = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DeviceRuntime>.AlternateLookup<ReadOnlySpan<char>> _bySpan;

    public DeviceRegistry(Database database, TimeProvider time)
    {
        _database = database;
        _time = time;
        _bySpan = _devices.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Raised after a device is added, changed or removed (argument: its ID).</summary>
    public event Action<string>? Changed;

    /// <summary>
    /// Raised with a device's secret in clear right after it is stored (hashed), the one moment it is known, so a
    /// protocol that needs another derived credential can keep that instead (GB/T 28181 SIP digest keeps HA1).
    /// </summary>
    public event Action<string, string>? SecretSet;

    public int Count => _devices.Count;

    public IEnumerable<DeviceRuntime> All => _devices.Values;

    public bool TryGet(ReadOnlySpan<char> id, out DeviceRuntime runtime) => _bySpan.TryGetValue(id, out runtime!);

    public DeviceRuntime? Get(string id) => _devices.TryGetValue(id, out var runtime) ? runtime : null;

    /// <summary>The registered device with this ID, or null: what the spot and shelter rules check references against.</summary>
    public Device? DeviceOf(string id) => Get(id)?.Device;

    public void Load()
    {
        using var connection = _database.Open();
        var rows = connection.Query<DeviceRow>("""
            SELECT d.id, d.kind, d.name, d.cell_id, d.lat, d.lon, d.enabled, d.attributes, d.secret_hash, p.online, p.last_seen
            FROM devices d LEFT JOIN device_presence p ON p.device_id = d.id
            """);
        foreach (var row in rows)
        {
            if (!DeviceKinds.TryParse(row.Kind, out var kind))
            {
                continue; // Should be rare: a kind written by a newer gateway version; leave the row alone.
            }

            var attributes = JsonSerializer.Deserialize(row.Attributes, GatewayJsonContext.Default.DictionaryStringString) ?? [];
            var device = new Device(row.Id, kind, row.Name, row.CellId, row.Lat, row.Lon, row.Enabled != 0, attributes);
            var runtime = new DeviceRuntime(device, row.SecretHash);
            if (row.Online is { } online)
            {
                runtime.SetOnline(online != 0);
                runtime.MarkSeen(row.LastSeen ?? 0);
            }

            _devices[device.Id] = runtime;
        }
    }

    /// <summary>Adds or replaces a device. A null <paramref name="secret"/> keeps the stored secret (must exist for new devices).</summary>
    public string? Upsert(Device device, string? secret)
    {
        var existing = Get(device.Id);
        if (existing is null && string.IsNullOrEmpty(secret))
        {
            return "A new device needs a secret.";
        }

        var hash = secret is null ? existing!.SecretHash : SecretHasher.Hash(secret, SecretHasher.DeviceIterations);
        using var connection = _database.Open();
        try
        {
            connection.Execute("""
                INSERT INTO devices (id, kind, name, cell_id, lat, lon, enabled, attributes, secret_hash, created_at)
                VALUES (@Id, @Kind, @Name, @CellId, @Lat, @Lon, @Enabled, @Attributes, @Hash, @Now)
                ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, name = excluded.name, cell_id = excluded.cell_id, lat = excluded.lat,
                    lon = excluded.lon, enabled = excluded.enabled, attributes = excluded.attributes, secret_hash = excluded.secret_hash
                """, new
            {
                device.Id,
                Kind = device.Kind.ToWireName(),
                device.Name,
                device.CellId,
                device.Lat,
                device.Lon,
                Enabled = device.Enabled ? 1 : 0,
                Attributes = JsonSerializer.Serialize(new Dictionary<string, string>(device.Attributes), GatewayJsonContext.Default.DictionaryStringString),
                Hash = hash,
                Now = _time.GetUtcNow().ToUnixTimeMilliseconds(),
            });
        }
        catch (DbException ex) when (SqlDialect.IsConstraintViolation(ex))
        {
            return $"Cell '{device.CellId}' does not exist.";
        }

        if (existing is null)
        {
            _devices[device.Id] = new DeviceRuntime(device, hash);
        }
        else
        {
            existing.Update(device);
            existing.SecretHash = hash;
            existing.VerifiedSecretDigest = null;
        }

        if (secret is not null)
        {
            SecretSet?.Invoke(device.Id, secret);
        }

        Changed?.Invoke(device.Id);
        return null;
    }

    public bool Delete(string id)
    {
        using var connection = _database.Open();
        var deleted = connection.Execute("DELETE FROM devices WHERE id = @id", new { id }) > 0;
        _devices.TryRemove(id, out _);
        Changed?.Invoke(id);
        return deleted;
    }

    /// <summary>
    /// Checks a device's credentials. PBKDF2 runs once per distinct secret; after that a SHA-256 digest of the
    /// verified secret answers reconnects, so 10 000 devices reconnecting after a broker restart stay cheap.
    /// </summary>
    public bool VerifySecret(DeviceRuntime runtime, string? secret)
    {
        if (string.IsNullOrEmpty(secret) || secret.Length > 256 || !runtime.Device.Enabled)
        {
            return false;
        }

        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(secret));
        var cached = runtime.VerifiedSecretDigest;
        if (cached is not null && CryptographicOperations.FixedTimeEquals(cached, digest))
        {
            return true;
        }

        if (!SecretHasher.Verify(secret, runtime.SecretHash))
        {
            return false;
        }

        runtime.VerifiedSecretDigest = digest;
        return true;
    }

    /// <summary>Persists a presence change (online/offline) so a restart shows the last known state.</summary>
    public void SavePresence(DeviceRuntime runtime)
    {
        using var connection = _database.Open();
        try
        {
            connection.Execute("""
                INSERT INTO device_presence (device_id, online, changed_at, last_seen) VALUES (@Id, @Online, @Now, @Seen)
                ON CONFLICT (device_id) DO UPDATE SET online = excluded.online, changed_at = excluded.changed_at, last_seen = excluded.last_seen
                """, new { runtime.Id, Online = runtime.Online ? 1 : 0, Now = _time.GetUtcNow().ToUnixTimeMilliseconds(), Seen = runtime.LastSeenUnixMs });
        }
        catch (DbException ex) when (SqlDialect.IsConstraintViolation(ex))
        {
            // The device was deleted while its presence changed; nothing to keep.
        }
    }

    private sealed class DeviceRow
    {
        public string Id { get; init; } = "";
        public string Kind { get; init; } = "";
        public string Name { get; init; } = "";
        public string? CellId { get; init; }
        public double? Lat { get; init; }
        public double? Lon { get; init; }
        public long Enabled { get; init; }
        public string Attributes { get; init; } = "{}";
        public string SecretHash { get; init; } = "";
        public long? Online { get; init; }
        public long? LastSeen { get; init; }
    }
}
