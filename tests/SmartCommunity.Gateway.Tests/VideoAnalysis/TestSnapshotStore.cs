using System.Collections.Concurrent;
using SmartCommunity.Gateway.Video.Snapshots;

namespace SmartCommunity.Gateway.Tests.VideoAnalysis;

/// <summary>Keeps what the frame path stores, so tests can decode the JPEGs (the video feature serves them for real).</summary>
internal sealed class TestSnapshotStore : ISnapshotStore
{
    public ConcurrentDictionary<string, byte[]> Saved { get; } = new(StringComparer.Ordinal);

    public ConcurrentDictionary<string, (DateTimeOffset At, byte[] Jpeg, int Updates)> Latest { get; } = new(StringComparer.Ordinal);

    public string Save(string cameraId, DateTimeOffset takenAt, ReadOnlySpan<byte> jpeg)
    {
        var path = $"/api/video/cameras/{cameraId}/snapshots/{takenAt.ToUnixTimeMilliseconds()}-{Saved.Count}.jpg";
        Saved[path] = jpeg.ToArray();
        return path;
    }

    public void SetLatest(string cameraId, DateTimeOffset takenAt, ReadOnlySpan<byte> jpeg)
    {
        var copy = jpeg.ToArray();
        Latest.AddOrUpdate(cameraId, (takenAt, copy, 1), (_, old) => (takenAt, copy, old.Updates + 1));
    }
}
