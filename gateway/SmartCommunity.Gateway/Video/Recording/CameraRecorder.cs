using System.Globalization;
using Microsoft.Extensions.Options;
using SmartCommunity.Gateway.Video.Cameras;
using SmartCommunity.Resilience;
using SmartCommunity.Media.Recording;
using SmartCommunity.Media.Running;

namespace SmartCommunity.Gateway.Video.Recording;

/// <summary>
/// Records one camera's main stream: ffmpeg's segment muxer with <c>-c copy</c> into MPEG-TS files, the list of
/// closed segments read from ffmpeg's stdout (CSV, one line per closed file) and indexed as they come. A run ends
/// when ffmpeg exits or stalls (no segment within <see cref="VideoOptions.StallTimeout"/>): the half-written file is
/// repaired, the camera marked offline, and the next run starts after the project's <see cref="Backoff"/> (steps
/// doubling per failed run up to <see cref="VideoOptions.RestartBackoffMax"/>).
/// </summary>
public sealed class CameraRecorder(
    string cameraId,
    ICameraCatalog catalog,
    SegmentIndex index,
    SegmentRepair repair,
    StreamProber prober,
    MediaRunner runner,
    CameraStatusBoard status,
    VideoPaths paths,
    VideoMetrics metrics,
    IOptions<VideoOptions> options,
    TimeProvider time,
    ILogger logger)
{
    /// <summary>Raised on the recorder's task after each indexed segment (footage consumers, tests).</summary>
    public event Action<VideoSegment>? SegmentIndexed;

    public async Task RunAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        var backoff = new BackoffCounter(new Backoff(o.RestartBackoffMin, o.RestartBackoffMax));
        var first = true;
        while (!stoppingToken.IsCancellationRequested && catalog.Find(cameraId) is { Recording.Enabled: true } camera)
        {
            if (!first)
            {
                metrics.RecorderRestarts.Inc();
                status.Update(cameraId, s => s with { Recorder = "waiting", Restarts = s.Restarts + 1 });
                try
                {
                    await Task.Delay(backoff.Next(), time, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            first = false;
            var segments = await RunOnceAsync(camera, stoppingToken).ConfigureAwait(false);
            if (segments > 0)
            {
                // A run that closed a segment worked: the next restart waits the shortest step again.
                backoff.Reset();
            }
        }

        status.Update(cameraId, s => s with { Recorder = "off" });
    }

    /// <summary>One ffmpeg run; returns how many segments it closed.</summary>
    private async Task<int> RunOnceAsync(Camera camera, CancellationToken stoppingToken)
    {
        var o = options.Value;
        var run = SegmentNames.NewRun();
        var runDate = SegmentNames.DateFolder(time.GetUtcNow());
        var folder = Path.Combine(paths.CameraFootage(camera.Id), runDate);
        Directory.CreateDirectory(folder);
        status.Update(cameraId, s => s with { Recorder = "starting" });
        var command = RecordingArguments.Build(o.FfmpegPath, StreamAddress.Source(camera.Streams.MainUrl, camera.Streams), camera.Recording.SegmentSeconds, SegmentNames.Pattern(folder, run));
        MediaProcess process;
        try
        {
            process = runner.Start(command);
        }
        catch (MediaToolMissingException ex)
        {
            status.Update(cameraId, s => s with { Online = false, LastError = ex.Message });
            logger.LogWarning("Recording of camera {Camera} cannot start: {Reason}", cameraId, ex.Message);
            return 0;
        }

        using var owned = process;
        var clock = new SegmentClock();
        var count = 0;
        string? failure = null;
        var rollover = false;
        try
        {
            while (true)
            {
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                // The first segment also waits for the connection and ffmpeg's stream analysis.
                wait.CancelAfter(count == 0 ? o.StallTimeout + TimeSpan.FromSeconds(camera.Recording.SegmentSeconds * 2) : o.StallTimeout);
                string? line;
                try
                {
                    line = await process.StandardOutputReader.ReadLineAsync(wait.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                {
                    metrics.RecorderStalls.Inc();
                    failure = "stalled: no segment closed in " + (count == 0 ? "the first " : "") + o.StallTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture) + " s";
                    break;
                }

                if (line is null)
                {
                    break;
                }

                if (SegmentNames.DateFolder(time.GetUtcNow()) != runDate)
                {
                    // Midnight UTC: a new run in a new dated folder (costs the reconnect, about a second of footage).
                    rollover = true;
                }

                foreach (var segment in OnSegmentClosed(camera, line, folder, run, clock))
                {
                    count++;
                    SegmentIndexed?.Invoke(segment);
                    if (count == 1)
                    {
                        _ = ProbeAsync(camera, stoppingToken);
                    }
                }

                if (rollover)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping: fall through to kill and repair.
        }
        finally
        {
            process.Kill();
            using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await process.WaitForExitAsync(exit.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                logger.LogWarning("ffmpeg for camera {Camera} did not exit within 10 s of being killed", cameraId);
            }

            try
            {
                // Its last stderr lines explain the exit; they are read to their end once the process is gone.
                await process.ErrorDrained.WaitAsync(TimeSpan.FromSeconds(2), CancellationToken.None).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // A child still holds stderr open; the lines read so far will do.
            }
        }

        // Closed segments still held for a sound anchor are placed with the best one there is.
        count += Index(camera, folder, clock.Release(), time.GetUtcNow()).Count;

        // The file being written when the run ended is half-written: index what plays, drop the rest.
        await repair.RepairAsync(cameraId, run, CancellationToken.None).ConfigureAwait(false);
        if (!stoppingToken.IsCancellationRequested && !rollover)
        {
            var reason = failure ?? "ffmpeg exited (" + (process.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "?") + "): " + StreamAddress.Scrub(process.ErrorTail(), camera.Streams);
            status.Update(cameraId, s => s.Online == false ? s with { LastError = reason } : s with { Online = false, Since = time.GetUtcNow(), LastError = reason });
            logger.LogWarning("Recording of camera {Camera} stopped after {Segments} segments: {Reason}", cameraId, count, reason);
        }

        // A rollover is not a failure: no backoff.
        return rollover ? Math.Max(count, 1) : count;
    }

    private List<VideoSegment> OnSegmentClosed(Camera camera, string line, string folder, string run, SegmentClock clock)
    {
        var closedAt = time.GetUtcNow();
        if (!RecordingArguments.TryParseListLine(line, out var name, out var start, out var end)
            || !SegmentNames.TryParse(name, out var lineRun, out _) || lineRun != run)
        {
            // The file, if any, is picked up by the repair at the end of the run.
            metrics.BadSegmentLines.Inc();
            return [];
        }

        return Index(camera, folder, clock.Add(name, start, end, closedAt), closedAt);
    }

    private List<VideoSegment> Index(Camera camera, string folder, List<(string Name, long StartMs, long EndMs)> placed, DateTimeOffset closedAt)
    {
        var indexed = new List<VideoSegment>();
        foreach (var (name, startMs, endMs) in placed)
        {
            var file = Path.Combine(folder, name);
            if (!SegmentNames.TryParse(name, out var run, out _) || !File.Exists(file))
            {
                metrics.BadSegmentLines.Inc();
                continue;
            }

            indexed.Add(index.Add(camera.Id, startMs, endMs, new FileInfo(file).Length, paths.Relative(file), run, repaired: false));
            metrics.SegmentsIndexed.Inc();
        }

        if (indexed.Count > 0)
        {
            status.Update(cameraId, s => s with
            {
                Online = true,
                Since = s.Online == true ? s.Since : closedAt,
                LastSegmentAt = closedAt,
                Recorder = "recording",
                LastError = s.Online == true ? s.LastError : null,
            });
        }

        return indexed;
    }

    private async Task ProbeAsync(Camera camera, CancellationToken cancellationToken)
    {
        try
        {
            var main = await prober.ProbeAsync(camera.Streams.MainUrl, camera.Streams, cancellationToken).ConfigureAwait(false);
            var sub = camera.Streams.SubUrl is { } subUrl ? await prober.ProbeAsync(subUrl, camera.Streams, cancellationToken).ConfigureAwait(false) : null;
            status.Update(cameraId, s => s with { MainProbe = main, SubProbe = sub });
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }
}
