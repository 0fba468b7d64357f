using Microsoft.Extensions.Options;
using SmartCommunity.Gateway.Alerts;
using SmartCommunity.Gateway.Alerts.Engine;
using SmartCommunity.Gateway.Video.Cameras;
using SmartCommunity.Gateway.Video.Footage;
using SmartCommunity.Gateway.Video.Recording;
using SmartCommunity.Gateway.Video.Snapshots;

namespace SmartCommunity.Gateway.Video.Retention;

/// <summary>What one retention pass removed and why, and what it had to keep.</summary>
public sealed record RetentionResult(int ExpiredSegments, int GuardSegments, long BytesFreed, int KeptForEvidence, int Snapshots);

/// <summary>
/// Deletes footage: segments older than their camera's <see cref="RecordingPolicy.RetentionDays"/> (a deleted
/// camera's after <see cref="RecordingPolicy.Default"/>'s), then — while the disk has less free space than
/// <see cref="VideoOptions.MinFreeBytes"/> or footage takes more than <see cref="VideoOptions.MaxFootageBytes"/> — the
/// oldest segments of any camera. Never deleted: segments marked as evidence (a clip was exported from them) and
/// segments inside the footage range of an open alert. Clips are evidence and never deleted here.
/// </summary>
public sealed class FootageRetention(
    SegmentIndex index,
    VideoPaths paths,
    ICameraCatalog catalog,
    SnapshotStore snapshots,
    IServiceProvider services,
    VideoMetrics metrics,
    IOptions<VideoOptions> options,
    TimeProvider time,
    ILogger<FootageRetention> logger) : BackgroundService
{
    private const int Batch = 500;

    /// <summary>Free bytes on the footage disk; replaceable so the guard can be tested without filling a disk.</summary>
    public Func<long> FreeBytes { get; set; } = () => new DriveInfo(Path.GetPathRoot(paths.Root)!).AvailableFreeSpace;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RetentionInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    // Several gateways on shared footage storage: one pass at a time, by the holder of the timers lease.
                    if (services.GetService<Cluster.ClusterLeases>()?.Holds(Cluster.ClusterLeases.Timers) ?? true)
                    {
                        RunOnce();
                    }
                }
                catch (IOException ex)
                {
                    logger.LogError(ex, "Footage retention pass failed");
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    public RetentionResult RunOnce()
    {
        var o = options.Value;
        var now = time.GetUtcNow();
        var protectedRanges = OpenAlertRanges();
        bool Keep(VideoSegment s) => s.Evidence || protectedRanges.Any(r => r.CameraId == s.CameraId && s.EndMs > r.FromMs && s.StartMs < r.ToMs);
        var (expired, guard, kept, snaps) = (0, 0, 0, 0);
        long freed = 0;

        foreach (var cameraId in index.CameraIds())
        {
            var days = catalog.Find(cameraId)?.Recording.RetentionDays ?? RecordingPolicy.Default.RetentionDays;
            var cutoff = now.AddDays(-days);
            snaps += snapshots.DeleteOlderThan(cameraId, cutoff);
            var skip = new HashSet<long>();
            while (true)
            {
                var batch = index.EndedBefore(cameraId, cutoff.ToUnixTimeMilliseconds(), Batch + skip.Count).Where(s => !skip.Contains(s.Id)).ToList();
                if (batch.Count == 0)
                {
                    break;
                }

                foreach (var segment in batch)
                {
                    if (Keep(segment))
                    {
                        skip.Add(segment.Id);
                        kept++;
                        continue;
                    }

                    freed += Delete(segment);
                    expired++;
                }
            }
        }

        if (o.MinFreeBytes > 0 || o.MaxFootageBytes > 0)
        {
            var total = index.TotalBytes();
            var skip = new HashSet<long>();
            while ((o.MinFreeBytes > 0 && FreeBytes() < o.MinFreeBytes) || (o.MaxFootageBytes > 0 && total > o.MaxFootageBytes))
            {
                var candidate = index.Oldest(Batch + skip.Count).FirstOrDefault(s => !skip.Contains(s.Id));
                if (candidate is null)
                {
                    logger.LogWarning("Disk guard: nothing left to delete that is not evidence or linked to an open alert");
                    break;
                }

                if (Keep(candidate))
                {
                    skip.Add(candidate.Id);
                    kept++;
                    continue;
                }

                var bytes = Delete(candidate);
                freed += bytes;
                total -= candidate.Size;
                guard++;
            }
        }

        if (expired + guard > 0)
        {
            logger.LogInformation("Retention deleted {Expired} expired and {Guard} disk-guard segments ({Bytes} bytes); kept {Kept} for evidence or open alerts", expired, guard, freed, kept);
        }

        return new RetentionResult(expired, guard, freed, kept, snaps);
    }

    private long Delete(VideoSegment segment)
    {
        long bytes = 0;
        if (paths.FileOf(segment) is { } file)
        {
            bytes = new FileInfo(file).Length;
            File.Delete(file);
            var folder = Path.GetDirectoryName(file)!;
            if (!Directory.EnumerateFileSystemEntries(folder).Any() && SegmentNames.DateFolder(time.GetUtcNow()) != Path.GetFileName(folder))
            {
                Directory.Delete(folder);
            }
        }

        // The row goes after the file: a crash in between leaves a row without a file (served as 404), never a file nobody can find.
        index.Delete(segment.Id);
        metrics.SegmentsDeleted.Inc();
        return bytes;
    }

    /// <summary>Footage ranges named by open alerts' evidence (<c>/api/video/cameras/{id}/footage</c> links with from/to).</summary>
    private List<(string CameraId, long FromMs, long ToMs)> OpenAlertRanges()
    {
        var open = services.GetService<AlertStore>()?.LoadOpen() ?? [];
        var ranges = new List<(string, long, long)>();
        foreach (var evidence in open.SelectMany(a => a.Evidence))
        {
            if (evidence.From is { } from && evidence.To is { } to && FootageLink.CameraOf(evidence.Uri) is { } cameraId)
            {
                ranges.Add((cameraId, from.ToUnixTimeMilliseconds(), to.ToUnixTimeMilliseconds()));
            }
        }

        return ranges;
    }
}
