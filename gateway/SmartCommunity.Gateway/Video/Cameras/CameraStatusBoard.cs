using System.Collections.Concurrent;

namespace SmartCommunity.Gateway.Video.Cameras;

/// <summary>
/// A camera's live state as the recorder sees it. <see cref="Online"/> is null until the first attempt tells;
/// <see cref="Recorder"/> is <c>off</c>, <c>starting</c>, <c>recording</c> or <c>waiting</c> (backoff after a failure).
/// </summary>
public sealed record CameraStatus(
    bool? Online,
    DateTimeOffset? Since,
    DateTimeOffset? LastSegmentAt,
    int Restarts,
    string Recorder,
    string? LastError,
    StreamProbe? MainProbe,
    StreamProbe? SubProbe)
{
    public static CameraStatus Unknown { get; } = new(null, null, null, 0, "off", null, null, null);
}

/// <summary>Camera states for the API and the watchdog; updated by one recorder per camera.</summary>
public sealed class CameraStatusBoard
{
    private readonly ConcurrentDictionary<string, CameraStatus> _states = new(StringComparer.Ordinal);

    public CameraStatus Get(string cameraId) => _states.GetValueOrDefault(cameraId) ?? CameraStatus.Unknown;

    public CameraStatus Update(string cameraId, Func<CameraStatus, CameraStatus> change) =>
        _states.AddOrUpdate(cameraId, _ => change(CameraStatus.Unknown), (_, old) => change(old));

    public void Remove(string cameraId) => _states.TryRemove(cameraId, out _);
}
