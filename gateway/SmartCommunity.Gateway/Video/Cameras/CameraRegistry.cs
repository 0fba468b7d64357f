using System.Collections.Frozen;
using System.Security.Cryptography;
using System.Text.Json;
using Dapper;
using SmartCommunity.Gateway.Devices;
using SmartCommunity.Gateway.Infrastructure.Metrics;
using SmartCommunity.Gateway.Infrastructure.Security;
using SmartCommunity.Gateway.Infrastructure.Storage;
using SmartCommunity.Protocol.Messages;

namespace SmartCommunity.Gateway.Video.Cameras;

/// <summary>
/// Cameras in the database and in memory (an immutable snapshot readers take without locks). Each camera is also a
/// device of kind <c>camera</c> with the same ID: a missing device is created (with a random secret an admin can
/// rotate through the devices API), an existing one keeps its secret and attributes.
/// Credentials are stored in their own columns and never leave through <see cref="CameraView"/>; the password is
/// stored sealed by <see cref="SecretBox"/> (a plain one from before is sealed in place on load).
/// </summary>
public sealed partial class CameraRegistry(Database database, DeviceRegistry devices, SecretBox secrets, MetricsRegistry metrics, TimeProvider time, ILogger<CameraRegistry> logger) : ICameraCatalog
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly Counter _unreadable = metrics.Counter("sc_video_camera_secret_errors_total",
        "Camera passwords in the database that did not decrypt with this gateway's Secrets:KeyFile (the camera is used without one).");
    private readonly Lock _write = new();
    private FrozenDictionary<string, Camera>? _cameras;

    public event Action<string>? Changed;

    public IReadOnlyCollection<Camera> All => Snapshot.Values;

    private FrozenDictionary<string, Camera> Snapshot => Volatile.Read(ref _cameras) ?? Load();

    public Camera? Find(string id) => Snapshot.GetValueOrDefault(id);

    /// <summary>Stores the camera and makes sure its device exists; the error when the ID is another kind of device.</summary>
    public string? Upsert(Camera camera)
    {
        lock (_write)
        {
            var error = EnsureDevice(camera);
            if (error is not null)
            {
                return error;
            }

            using var connection = database.Open();
            connection.Execute("""
                INSERT INTO video_cameras (id, body, username, password, updated_at) VALUES (@Id, @Body, @Username, @Password, @UpdatedAt)
                ON CONFLICT (id) DO UPDATE SET body = excluded.body, username = excluded.username, password = excluded.password, updated_at = excluded.updated_at
                """, new
            {
                camera.Id,
                Body = JsonSerializer.Serialize(camera with { Streams = camera.Streams with { Username = null, Password = null } }, Json),
                camera.Streams.Username,
                Password = camera.Streams.Password is { } password ? secrets.Seal(password, PasswordContext(camera.Id)) : null,
                UpdatedAt = time.GetUtcNow().ToUnixTimeMilliseconds(),
            });
            Volatile.Write(ref _cameras, Snapshot.Values.Where(c => c.Id != camera.Id).Append(camera).ToFrozenDictionary(c => c.Id, StringComparer.Ordinal));
        }

        Changed?.Invoke(camera.Id);
        return null;
    }

    /// <summary>
    /// Changes a stored camera in one step under the write lock (so a concurrent edit of its other fields is not lost):
    /// null when the camera is unknown, else the change's error or the camera stored.
    /// </summary>
    public (Camera? Camera, string? Error) Update(string id, Func<Camera, Camera> change)
    {
        lock (_write)
        {
            if (Find(id) is not { } existing)
            {
                return (null, null);
            }

            var changed = change(existing);
            return (changed, Upsert(changed));
        }
    }

    /// <summary>Removes the camera (its recording stops; footage stays until retention; the device stays registered).</summary>
    public bool Delete(string id)
    {
        lock (_write)
        {
            using var connection = database.Open();
            if (connection.Execute("DELETE FROM video_cameras WHERE id = @id", new { id }) == 0)
            {
                return false;
            }

            Volatile.Write(ref _cameras, Snapshot.Values.Where(c => c.Id != id).ToFrozenDictionary(c => c.Id, StringComparer.Ordinal));
        }

        Changed?.Invoke(id);
        return true;
    }

    private string? EnsureDevice(Camera camera)
    {
        if (devices.Get(camera.Id) is { } existing)
        {
            if (existing.Device.Kind != DeviceKind.Camera)
            {
                return $"Device '{camera.Id}' is a {existing.Device.Kind.ToWireName()}, not a camera.";
            }

            var device = existing.Device;
            return device.Name == camera.Name && device.CellId == camera.CellId && device.Lat == camera.Lat && device.Lon == camera.Lon
                ? null
                : devices.Upsert(device with { Name = camera.Name, CellId = camera.CellId, Lat = camera.Lat, Lon = camera.Lon }, secret: null);
        }

        // A plain 雪亮 camera never logs in over MQTT; its device needs a secret all the same (rotate it to use one).
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
        return devices.Upsert(new Device(camera.Id, DeviceKind.Camera, camera.Name, camera.CellId, camera.Lat, camera.Lon, true, new Dictionary<string, string>()), secret);
    }

    private FrozenDictionary<string, Camera> Load()
    {
        lock (_write)
        {
            if (Volatile.Read(ref _cameras) is { } loaded)
            {
                return loaded;
            }

            var cameras = new List<Camera>();
            using var connection = database.Open();
            SealPlainPasswords(connection);
            foreach (var (body, username, password) in connection.Query<(string, string?, string?)>("SELECT body, username, password FROM video_cameras"))
            {
                if (JsonSerializer.Deserialize<Camera>(body, Json) is { } camera)
                {
                    cameras.Add(camera with { Streams = camera.Streams with { Username = username, Password = OpenPassword(camera.Id, password) } });
                }
            }

            var snapshot = cameras.ToFrozenDictionary(c => c.Id, StringComparer.Ordinal);
            Volatile.Write(ref _cameras, snapshot);
            return snapshot;
        }
    }

    private static string PasswordContext(string cameraId) => "camera:" + cameraId + ":password";

    private string? OpenPassword(string cameraId, string? stored)
    {
        if (stored is null)
        {
            return null;
        }

        if (secrets.Open(stored, PasswordContext(cameraId)) is { } plain)
        {
            return plain;
        }

        // Another key (a gateway without the shared key file) or a damaged value: the camera runs without a password
        // (its stream is refused and alerted as down) rather than the whole registry failing to load.
        _unreadable.Inc();
        LogUnreadable(logger, cameraId);
        return null;
    }

    /// <summary>
    /// Seals the passwords stored in plain text before encryption at rest. On SQLite the old text is overwritten, not
    /// only unlinked (<c>secure_delete</c>), and the WAL is checkpointed into the file and truncated, so the plain
    /// value does not live on in a free page or an old WAL frame.
    /// </summary>
    private void SealPlainPasswords(System.Data.Common.DbConnection connection)
    {
        var plain = connection.Query<(string Id, string Password)>("SELECT id, password FROM video_cameras WHERE password IS NOT NULL")
            .Where(row => !SecretBox.IsSealed(row.Password)).ToList();
        if (plain.Count == 0)
        {
            return;
        }

        var sqlite = database.Dialect.Provider == DatabaseProvider.Sqlite;
        if (sqlite)
        {
            connection.Execute("PRAGMA secure_delete = ON");
        }

        using (var transaction = connection.BeginTransaction())
        {
            foreach (var (id, password) in plain)
            {
                connection.Execute("UPDATE video_cameras SET password = @sealed WHERE id = @id AND password = @password",
                    new { id, password, @sealed = secrets.Seal(password, PasswordContext(id)) }, transaction);
            }

            transaction.Commit();
        }

        if (sqlite)
        {
            connection.Execute("PRAGMA secure_delete = OFF");
            connection.Query("PRAGMA wal_checkpoint(TRUNCATE)");
        }

        LogSealed(logger, plain.Count);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The stored password of camera {CameraId} does not decrypt with Secrets:KeyFile; the camera is used without one")]
    private static partial void LogUnreadable(ILogger logger, string cameraId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Encrypted {Count} camera passwords that were stored in plain text")]
    private static partial void LogSealed(ILogger logger, int count);
}
