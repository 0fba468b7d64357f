using System.Collections.Frozen;
using System.Security.Cryptography;
using System.Text.Json;
using Dapper;
using SmartCommunity.Gateway.Devices;
using SmartCommunity.Gateway.Infrastructure.Storage;
using SmartCommunity.Protocol.Messages;

namespace SmartCommunity.Gateway.Video.Cameras;

/// <summary>
/// Cameras in the database and in memory (an immutable snapshot readers take without locks). Each camera is also a
/// device of kind <c>camera</c> with the same ID: a missing device is created (with a random secret an admin can
/// rotate through the devices API), an existing one keeps its secret and attributes.
/// Credentials are stored in their own columns and never leave through <see cref="CameraView"/>.
/// </summary>
public sealed class CameraRegistry(Database database, DeviceRegistry devices, TimeProvider time) : ICameraCatalog
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
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
                camera.Streams.Password,
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
            foreach (var (body, username, password) in connection.Query<(string, string?, string?)>("SELECT body, username, password FROM video_cameras"))
            {
                if (JsonSerializer.Deserialize<Camera>(body, Json) is { } camera)
                {
                    cameras.Add(camera with { Streams = camera.Streams with { Username = username, Password = password } });
                }
            }

            var snapshot = cameras.ToFrozenDictionary(c => c.Id, StringComparer.Ordinal);
            Volatile.Write(ref _cameras, snapshot);
            return snapshot;
        }
    }
}
