using System.Collections.Concurrent;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using SmartCommunity.Gateway.Infrastructure.Metrics;
using SmartCommunity.Protocol.Topics;

namespace SmartCommunity.Gateway.Video.Snapshots;

/// <summary>
/// JPEG files under <c>snapshots/{camera}/</c>: <c>latest.jpg</c> (replaced atomically: written aside, then renamed)
/// and event snapshots <c>{unix ms}-{n}.jpg</c>, at most <see cref="VideoOptions.MaxSnapshotsPerCamera"/> per camera
/// (the oldest are deleted when a save goes over by a tenth; retention also removes those older than the camera's days).
/// A picture that is not a JPEG or is too large is refused with <see cref="ArgumentException"/> and counted.
/// </summary>
public sealed partial class SnapshotStore : ISnapshotStore
{
    private readonly VideoPaths _paths;
    private readonly VideoOptions _options;
    private readonly Counter _saved;
    private readonly Counter _refused;
    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);
    private long _sequence;

    public SnapshotStore(VideoPaths paths, IOptions<VideoOptions> options, MetricsRegistry metrics)
    {
        _paths = paths;
        _options = options.Value;
        _saved = metrics.Counter("sc_video_snapshots_saved_total", "Event snapshots kept.");
        _refused = metrics.Counter("sc_video_snapshots_refused_total", "Snapshots refused (not a JPEG, too large, unknown camera ID shape).");
    }

    public string Save(string cameraId, DateTimeOffset takenAt, ReadOnlySpan<byte> jpeg)
    {
        var folder = Check(cameraId, jpeg);
        var name = string.Create(CultureInfo.InvariantCulture, $"{takenAt.ToUnixTimeMilliseconds()}-{Interlocked.Increment(ref _sequence)}.jpg");
        WriteAtomically(Path.Combine(folder, name), jpeg);
        _saved.Inc();
        if (_counts.AddOrUpdate(cameraId, _ => Directory.GetFiles(folder, "*-*.jpg").Length, (_, n) => n + 1) > _options.MaxSnapshotsPerCamera * 11 / 10)
        {
            _counts[cameraId] = Trim(folder, _options.MaxSnapshotsPerCamera);
        }

        return $"/api/video/cameras/{cameraId}/snapshots/{name}";
    }

    public void SetLatest(string cameraId, DateTimeOffset takenAt, ReadOnlySpan<byte> jpeg)
    {
        var folder = Check(cameraId, jpeg);
        WriteAtomically(LatestPath(cameraId, folder), jpeg);
    }

    /// <summary>The camera's latest picture, if any was set.</summary>
    public string? Latest(string cameraId) =>
        TopicScheme.IsValidId(cameraId) && File.Exists(LatestPath(cameraId, null)) ? LatestPath(cameraId, null) : null;

    /// <summary>The file of a saved snapshot, or null for a name that is not one of ours (no path can be smuggled in).</summary>
    public string? Find(string cameraId, string name)
    {
        if (!TopicScheme.IsValidId(cameraId) || !SnapshotName().IsMatch(name))
        {
            return null;
        }

        var path = Path.Combine(_paths.Snapshots, cameraId, name);
        return File.Exists(path) ? path : null;
    }

    /// <summary>Deletes event snapshots older than the cutoff; returns how many.</summary>
    public int DeleteOlderThan(string cameraId, DateTimeOffset cutoff)
    {
        var folder = Path.Combine(_paths.Snapshots, cameraId);
        if (!TopicScheme.IsValidId(cameraId) || !Directory.Exists(folder))
        {
            return 0;
        }

        var deleted = 0;
        foreach (var file in Directory.EnumerateFiles(folder, "*-*.jpg"))
        {
            if (TakenAt(file) < cutoff.ToUnixTimeMilliseconds())
            {
                File.Delete(file);
                deleted++;
            }
        }

        _counts.TryRemove(cameraId, out _);
        return deleted;
    }

    private string LatestPath(string cameraId, string? folder) => Path.Combine(folder ?? Path.Combine(_paths.Snapshots, cameraId), "latest.jpg");

    private string Check(string cameraId, ReadOnlySpan<byte> jpeg)
    {
        // JPEG starts with SOI (FF D8) and ends with EOI (FF D9), ITU-T T.81 B.1.1.
        if (!TopicScheme.IsValidId(cameraId) || jpeg.Length < 4 || jpeg.Length > _options.MaxSnapshotBytes
            || jpeg[0] != 0xFF || jpeg[1] != 0xD8 || jpeg[^2] != 0xFF || jpeg[^1] != 0xD9)
        {
            _refused.Inc();
            throw new ArgumentException($"A snapshot must be a whole JPEG of at most {_options.MaxSnapshotBytes} bytes for a valid camera ID.", nameof(jpeg));
        }

        var folder = Path.Combine(_paths.Snapshots, cameraId);
        Directory.CreateDirectory(folder);
        return folder;
    }

    private static void WriteAtomically(string path, ReadOnlySpan<byte> bytes)
    {
        var temporary = path + "." + Environment.CurrentManagedThreadId + ".part";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            file.Write(bytes);
        }

        File.Move(temporary, path, overwrite: true);
    }

    private static int Trim(string folder, int keep)
    {
        var files = Directory.GetFiles(folder, "*-*.jpg").OrderBy(TakenAt).ToList();
        foreach (var file in files.Take(Math.Max(0, files.Count - keep)))
        {
            File.Delete(file);
        }

        return Math.Min(files.Count, keep);
    }

    private static long TakenAt(string file) =>
        long.TryParse(Path.GetFileName(file).AsSpan(0, Math.Max(0, Path.GetFileName(file).IndexOf('-', StringComparison.Ordinal))), NumberStyles.None, CultureInfo.InvariantCulture, out var ms) ? ms : 0;

    [GeneratedRegex(@"^\d{1,16}-\d{1,19}\.jpg$")]
    private static partial Regex SnapshotName();
}
