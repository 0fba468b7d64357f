using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Options;
using SmartCommunity.Gateway.Video.Cameras;
using SmartCommunity.Resilience;

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
        var info = new ProcessStartInfo(o.FfmpegPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in Arguments(camera, SegmentNames.Pattern(folder, run)))
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["TZ"] = "UTC";
        using var process = Process.Start(info) ?? throw new InvalidOperationException("ffmpeg did not start.");
        process.StandardInput.Close();
        var stderr = new StderrTail(process.StandardError);
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
                    line = await process.StandardOutput.ReadLineAsync(wait.Token).ConfigureAwait(false);
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
            ToolRun.Kill(process);
            using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await process.WaitForExitAsync(exit.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                logger.LogWarning("ffmpeg for camera {Camera} did not exit within 10 s of being killed", cameraId);
            }
        }

        // Closed segments still held for a sound anchor are placed with the best one there is.
        count += Index(camera, folder, clock.Release(), time.GetUtcNow()).Count;

        // The file being written when the run ended is half-written: index what plays, drop the rest.
        await repair.RepairAsync(cameraId, run, CancellationToken.None).ConfigureAwait(false);
        if (!stoppingToken.IsCancellationRequested && !rollover)
        {
            var reason = failure ?? "ffmpeg exited (" + (process.HasExited ? process.ExitCode.ToString(CultureInfo.InvariantCulture) : "?") + "): " + StreamAddress.Scrub(stderr.Text, camera.Streams);
            status.Update(cameraId, s => s.Online == false ? s with { LastError = reason } : s with { Online = false, Since = time.GetUtcNow(), LastError = reason });
            logger.LogWarning("Recording of camera {Camera} stopped after {Segments} segments: {Reason}", cameraId, count, reason);
        }

        // A rollover is not a failure: no backoff.
        return rollover ? Math.Max(count, 1) : count;
    }

    private List<VideoSegment> OnSegmentClosed(Camera camera, string line, string folder, string run, SegmentClock clock)
    {
        var closedAt = time.GetUtcNow();
        var parts = line.Split(',');
        if (parts.Length != 3
            || !SegmentNames.TryParse(parts[0], out var lineRun, out _) || lineRun != run
            || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var start)
            || !double.TryParse(parts[2], NumberStyles.Float, CultureInfo.InvariantCulture, out var end) || end <= start)
        {
            // The file, if any, is picked up by the repair at the end of the run.
            metrics.BadSegmentLines.Inc();
            return [];
        }

        return Index(camera, folder, clock.Add(parts[0], start, end, closedAt), closedAt);
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

    private static List<string> Arguments(Camera camera, string pattern)
    {
        var url = camera.Streams.MainUrl;
        var args = new List<string> { "-nostdin", "-hide_banner", "-loglevel", "warning" };
        var scheme = new Uri(url).Scheme;
        if (scheme is "rtsp" or "rtsps")
        {
            // TCP: no lost packets on a lossy link; the socket timeout (µs) makes a dead camera end the run.
            args.AddRange(["-rtsp_transport", "tcp", "-timeout", "10000000"]);
        }
        else if (scheme is "http" or "https")
        {
            args.AddRange(["-rw_timeout", "10000000"]);
        }
        else
        {
            // A local clip (demo, tests) stands in for a live camera: read at its own rate, looped.
            args.AddRange(["-re", "-stream_loop", "-1"]);
        }

        args.AddRange(["-protocol_whitelist", StreamAddress.ProtocolWhitelist(url), "-i", StreamAddress.ForFfmpeg(url, camera.Streams)]);
        // Video only, stream copy: audio (G.711 on most cameras) does not go into MPEG-TS without re-encoding.
        args.AddRange(["-map", "0:v:0", "-c", "copy", "-f", "segment", "-segment_time", camera.Recording.SegmentSeconds.ToString(CultureInfo.InvariantCulture),
            // Every packet written through at once: a killed ffmpeg leaves a file playable up to its last frame.
            "-segment_format", "mpegts", "-segment_format_options", "flush_packets=1", "-segment_list", "pipe:1", "-segment_list_type", "csv", pattern]);
        return args;
    }

    /// <summary>Keeps the last few KB of ffmpeg's stderr for the status (scrubbed before it is shown).</summary>
    private sealed class StderrTail
    {
        private readonly System.Text.StringBuilder _text = new();

        public StderrTail(StreamReader reader) => _ = PumpAsync(reader);

        public string Text
        {
            get
            {
                lock (_text)
                {
                    return _text.ToString().Trim();
                }
            }
        }

        private async Task PumpAsync(StreamReader reader)
        {
            try
            {
                while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
                {
                    lock (_text)
                    {
                        _text.AppendLine(line);
                        if (_text.Length > 2000)
                        {
                            _text.Remove(0, _text.Length - 1000);
                        }
                    }
                }
            }
            catch (IOException)
            {
                // The process is gone.
            }
            catch (ObjectDisposedException)
            {
                // The process was disposed while its stderr was still being read.
            }
        }
    }
}
