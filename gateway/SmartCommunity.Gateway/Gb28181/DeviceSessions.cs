using System.Collections.Concurrent;
using System.Net;

namespace SmartCommunity.Gateway.Gb28181;

/// <summary>A registered GB/T 28181 device: where it is, until when, and when it was last heard.</summary>
public sealed class DeviceSession(string deviceId, IPEndPoint remote, string transport, DateTimeOffset expires, DateTimeOffset now)
{
    public string DeviceId { get; } = deviceId;

    public IPEndPoint Remote { get; set; } = remote;

    public string Transport { get; set; } = transport;

    public DateTimeOffset Expires { get; set; } = expires;

    public DateTimeOffset LastHeard { get; set; } = now;

    public DateTimeOffset RegisteredAt { get; set; } = now;
}

/// <summary>The registered devices, by ID.</summary>
public sealed class DeviceSessions
{
    private readonly ConcurrentDictionary<string, DeviceSession> _sessions = new(StringComparer.Ordinal);

    public int Count => _sessions.Count;

    public IEnumerable<DeviceSession> All => _sessions.Values;

    public DeviceSession? Get(string deviceId) => _sessions.GetValueOrDefault(deviceId);

    public void Set(DeviceSession session) => _sessions[session.DeviceId] = session;

    public bool Remove(string deviceId) => _sessions.TryRemove(deviceId, out _);
}

/// <summary>Counts events per key in fixed one-minute windows (registration floods per source address); bounded.</summary>
public sealed class PerMinuteLimiter(TimeProvider time, int limit)
{
    // Should be rare: more distinct sources in a minute than this; forget rather than grow.
    private const int MaxKeys = 100_000;
    private readonly ConcurrentDictionary<string, (long Minute, int Count)> _counts = new(StringComparer.Ordinal);

    /// <summary>True when this event is within the limit for its key.</summary>
    public bool Allow(string key)
    {
        var minute = time.GetUtcNow().ToUnixTimeSeconds() / 60;
        if (_counts.Count > MaxKeys)
        {
            _counts.Clear();
        }

        var entry = _counts.AddOrUpdate(key, (minute, 1), (_, old) => old.Minute == minute ? (minute, old.Count + 1) : (minute, 1));
        return entry.Count <= limit;
    }
}
