using Microsoft.Extensions.Options;
using SmartCommunity.Media.Probing;
using SmartCommunity.Media.Running;

namespace SmartCommunity.Gateway.Video.Recording;

/// <summary>
/// Finds segment files that are on disk but not in the index — the one ffmpeg was writing when it was killed,
/// crashed or lost its camera, or one whose row the gateway had not written when it stopped — and either indexes
/// what ffprobe can read in it (MPEG-TS stays playable up to the last whole packet) or deletes it. The start is the
/// end of the same run's previous segment when there is one, else the file's last write minus its length.
/// </summary>
public sealed class SegmentRepair(SegmentIndex index, VideoPaths paths, VideoMetrics metrics, MediaRunner runner, IOptions<VideoOptions> options, ILogger<SegmentRepair> logger)
{
    /// <summary>Smallest playable length worth keeping; less is discarded (a file opened just before the kill).</summary>
    public const double MinSeconds = 0.2;

    /// <summary>Repairs every unindexed file of the camera (optionally only one run's). Returns (indexed, discarded).</summary>
    public async Task<(int Indexed, int Discarded)> RepairAsync(string cameraId, string? run, CancellationToken cancellationToken)
    {
        var folder = paths.CameraFootage(cameraId);
        if (!Directory.Exists(folder))
        {
            return (0, 0);
        }

        var files = Directory.EnumerateFiles(folder, run is null ? "*.ts" : run + "-*.ts", SearchOption.AllDirectories)
            .Select(f => (File: f, Parsed: SegmentNames.TryParse(Path.GetFileName(f), out var r, out var n), Run: r, Sequence: n, Written: File.GetLastWriteTimeUtc(f)))
            .OrderBy(f => f.Written).ThenBy(f => f.Sequence)
            .ToList();
        var (indexed, discarded) = (0, 0);
        foreach (var file in files)
        {
            var relative = paths.Relative(file.File);
            if (index.Contains(relative))
            {
                continue;
            }

            var seconds = file.Parsed ? await PlayableSecondsAsync(file.File, cancellationToken).ConfigureAwait(false) : null;
            if (seconds is not { } duration || duration < MinSeconds)
            {
                File.Delete(file.File);
                metrics.SegmentsDiscarded.Inc();
                discarded++;
                continue;
            }

            // Back to back with the run's last segment; else ending when the file was last written (ffmpeg flushes every
            // packet), after whatever ends before it.
            var durationMs = (long)(duration * 1000);
            var start = index.LastOfRun(cameraId, file.Run)?.EndMs ?? new DateTimeOffset(file.Written, TimeSpan.Zero).ToUnixTimeMilliseconds() - durationMs;
            start = Math.Max(start, index.Range(cameraId, start - 600_000, start + 1).LastOrDefault()?.EndMs ?? start);
            index.Add(cameraId, start, start + durationMs, new FileInfo(file.File).Length, relative, file.Run, repaired: true);
            metrics.SegmentsRepaired.Inc();
            indexed++;
        }

        if (indexed + discarded > 0)
        {
            logger.LogInformation("Camera {Camera}: {Indexed} half-written segments indexed, {Discarded} discarded", cameraId, indexed, discarded);
        }

        return (indexed, discarded);
    }

    /// <summary>Cameras with a footage folder (including deleted cameras whose footage waits for retention).</summary>
    public IEnumerable<string> CamerasOnDisk() =>
        Directory.Exists(paths.Footage) ? Directory.EnumerateDirectories(paths.Footage).Select(Path.GetFileName).OfType<string>() : [];

    private async Task<double?> PlayableSecondsAsync(string file, CancellationToken cancellationToken)
    {
        if (new FileInfo(file).Length == 0)
        {
            return null;
        }

        return (await runner.DurationAsync(options.Value.FfprobePath, file, options.Value.ToolTimeout, cancellationToken).ConfigureAwait(false))?.TotalSeconds;
    }
}
