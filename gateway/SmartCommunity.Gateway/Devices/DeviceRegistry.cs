using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using SmartCommunity.Gateway.Infrastructure.Security;
using SmartCommunity.Gateway.Infrastructure.Storage;
using SmartCommunity.Protocol.Messages;

namespace SmartCommunity.Gateway.Devices;

/// <summary>
/// Registered devices: persisted in SQLite, held in memory for the hot path (lookup by a span of the topic,
/// no allocation). Writes go to the database first.
/// </summary>
public sealed class DeviceRegistry
{
    private readonly SqliteDatabase _database;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, DeviceRuntime> _devices = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DeviceRuntime>.AlternateLookup<ReadOnlySpan<char>> _bySpan;

    public DeviceRegistry(SqliteDatabase database, TimeProvider time)
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

    public void Load()
    {
        using var connection = _database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT d.id, d.kind, d.name, d.cell_id, d.lat, d.lon, d.enabled, d.attributes, d.secret_hash, p.online, p.last_seen
            FROM devices d LEFT JOIN device_presence p ON p.device_id = d.id
            """;
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            if (!DeviceKinds.TryParse(reader.GetString(1), out var kind))
            {
                continue; // Should be rare: a kind written by a newer gateway version; leave the row alone.
            }

            var attributes = JsonSerializer.Deserialize(reader.GetString(7), GatewayJsonContext.Default.DictionaryStringString) ?? [];
            var device = new Device(reader.GetString(0), kind, reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetDouble(4), reader.IsDBNull(5) ? null : reader.GetDouble(5), reader.GetInt64(6) != 0, attributes);
            var runtime = new DeviceRuntime(device, reader.GetString(8));
            if (!reader.IsDBNull(9))
            {
                runtime.SetOnline(reader.GetInt64(9) != 0);
                runtime.MarkSeen(reader.GetInt64(10));
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
        using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO devices (id, kind, name, cell_id, lat, lon, enabled, attributes, secret_hash, created_at)
            VALUES ($id, $kind, $name, $cell, $lat, $lon, $enabled, $attributes, $hash, $now)
            ON CONFLICT(id) DO UPDATE SET kind = $kind, name = $name, cell_id = $cell, lat = $lat, lon = $lon,
                enabled = $enabled, attributes = $attributes, secret_hash = $hash
            """;
        command.Parameters.AddWithValue("$id", device.Id);
        command.Parameters.AddWithValue("$kind", device.Kind.ToWireName());
        command.Parameters.AddWithValue("$name", device.Name);
        command.Parameters.AddWithValue("$cell", (object?)device.CellId ?? DBNull.Value);
        command.Parameters.AddWithValue("$lat", (object?)device.Lat ?? DBNull.Value);
        command.Parameters.AddWithValue("$lon", (object?)device.Lon ?? DBNull.Value);
        command.Parameters.AddWithValue("$enabled", device.Enabled ? 1 : 0);
        command.Parameters.AddWithValue("$attributes", JsonSerializer.Serialize(new Dictionary<string, string>(device.Attributes), GatewayJsonContext.Default.DictionaryStringString));
        command.Parameters.AddWithValue("$hash", hash);
        command.Parameters.AddWithValue("$now", _time.GetUtcNow().ToString("O"));
        try
        {
            command.ExecuteNonQuery();
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == 19)
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
        using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM devices WHERE id = $id";
        command.Parameters.AddWithValue("$id", id);
        var deleted = command.ExecuteNonQuery() > 0;
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
        using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO device_presence (device_id, online, changed_at, last_seen) VALUES ($id, $online, $now, $seen)
            ON CONFLICT(device_id) DO UPDATE SET online = $online, changed_at = $now, last_seen = $seen
            """;
        command.Parameters.AddWithValue("$id", runtime.Id);
        command.Parameters.AddWithValue("$online", runtime.Online ? 1 : 0);
        command.Parameters.AddWithValue("$now", _time.GetUtcNow().ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$seen", runtime.LastSeenUnixMs);
        try
        {
            command.ExecuteNonQuery();
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == 19)
        {
            // The device was deleted while its presence changed; nothing to keep.
        }
    }
}
