using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using SmartCommunity.Protocol.Topics;
using SmartCommunity.Gateway.Broker;
using SmartCommunity.Gateway.Live;
using SmartCommunity.Gateway.Video.Cameras;
using SmartCommunity.Gateway.Video.Recording;
using SmartCommunity.Media.Clips;
using SmartCommunity.Media.Probing;
using SmartCommunity.Media.Running;

namespace SmartCommunity.Gateway.Video.Clips;

/// <summary>
/// Exports clips one at a time (each is an ffmpeg stream copy: cheap in CPU, heavy in disk I/O): the segments of the
/// range joined with the concat demuxer, cut at the key frame at or before the start, written as MP4 with its index
/// at the front (<c>+faststart</c>, plays while downloading), then renamed into place. The covered segments are
/// marked as evidence. When done: "clip ready" on MQTT (QoS 1) and on the live stream. Queued exports are in
/// SQLite, so a restart finishes them.
/// </summary>
public sealed class ClipExporter(
    ClipStore store,
    SegmentIndex index,
    VideoPaths paths,
    ICameraCatalog catalog,
    IDeviceBus bus,
    LiveHub live,
    VideoMetrics metrics,
    MediaRunner runner,
    IOptions<VideoOptions> options,
    TimeProvider time,
    ILogger<ClipExporter> logger) : BackgroundService
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
    private readonly Channel<string> _queue = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });

    public static string Topic(string cameraId) => TopicScheme.VideoClip(cameraId);

    /// <summary>Stores the request and queues it; the clip is returned in state <c>queued</c>.</summary>
    public Clip Enqueue(string cameraId, DateTimeOffset from, DateTimeOffset to, string? alertId, string requestedBy)
    {
        var clip = new Clip(Guid.NewGuid().ToString("N")[..16], cameraId, from, to, alertId, ClipStates.Queued, null, null, null, requestedBy, time.GetUtcNow(), null);
        store.Add(clip);
        _queue.Writer.TryWrite(clip.Id);
        return clip;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        foreach (var (clip, _) in store.Unfinished())
        {
            _queue.Writer.TryWrite(clip.Id);
        }

        try
        {
            await foreach (var id in _queue.Reader.ReadAllAsync(stoppingToken))
            {
                if (store.Get(id) is { } entry && entry.Clip.State is ClipStates.Queued or ClipStates.Running)
                {
                    await ExportAsync(entry.Clip, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping: unfinished clips stay queued in SQLite.
        }
    }

    private async Task ExportAsync(Clip clip, CancellationToken stoppingToken)
    {
        var o = options.Value;
        var segments = paths.OnDisk(index.Range(clip.CameraId, clip.From.ToUnixTimeMilliseconds(), clip.To.ToUnixTimeMilliseconds()));
        if (segments.Count == 0)
        {
            Fail(clip, "No footage of this camera in the range.");
            return;
        }

        Directory.CreateDirectory(paths.Clips);
        var target = Path.Combine(paths.Clips, clip.Id + ".mp4");
        var temporary = target + ".part.mp4";
        var list = target + ".txt";
        await File.WriteAllTextAsync(list, ClipArguments.ConcatList(segments.Select(s => s.File)), stoppingToken);
        var offset = TimeSpan.FromMilliseconds(Math.Max(0, clip.From.ToUnixTimeMilliseconds() - segments[0].Segment.StartMs));
        MediaResult result;
        try
        {
            result = await runner.RunAsync(ClipArguments.Build(o.FfmpegPath, list, offset, clip.To - clip.From, temporary), o.ToolTimeout * 30, stoppingToken);
        }
        finally
        {
            File.Delete(list);
        }

        if (!result.Succeeded || !File.Exists(temporary))
        {
            File.Delete(temporary);
            Fail(clip, "ffmpeg could not export the clip: " + result.Error.Trim());
            return;
        }

        File.Move(temporary, target, overwrite: true);
        var durationMs = await DurationMsAsync(target, stoppingToken);
        var size = new FileInfo(target).Length;
        store.Finish(clip.Id, ClipStates.Ready, paths.Relative(target), size, durationMs, null, time.GetUtcNow());
        index.Flag(clip.CameraId, clip.From.ToUnixTimeMilliseconds(), clip.To.ToUnixTimeMilliseconds(), "evidence");
        metrics.ClipsExported.Inc();
        await AnnounceAsync(clip, size, durationMs ?? 0, stoppingToken);
    }

    private void Fail(Clip clip, string error)
    {
        store.Finish(clip.Id, ClipStates.Failed, null, null, null, error.Length > 1000 ? error[..1000] : error, time.GetUtcNow());
        metrics.ClipsFailed.Inc();
        logger.LogWarning("Clip {Clip} of camera {Camera} failed: {Error}", clip.Id, clip.CameraId, error);
    }

    private async Task<long?> DurationMsAsync(string file, CancellationToken cancellationToken) =>
        await runner.DurationAsync(options.Value.FfprobePath, file, options.Value.ToolTimeout, cancellationToken) is { } duration ? (long)duration.TotalMilliseconds : null;

    private async Task AnnounceAsync(Clip clip, long size, long durationMs, CancellationToken cancellationToken)
    {
        var message = new ClipReadyMessage(1, time.GetUtcNow().ToUnixTimeMilliseconds(), clip.Id, clip.CameraId, clip.From.ToUnixTimeMilliseconds(), clip.To.ToUnixTimeMilliseconds(),
            clip.AlertId, $"/api/video/clips/{clip.Id}/file", size, durationMs);
        var payload = JsonSerializer.SerializeToUtf8Bytes(message, Json);
        live.Publish(new LiveEvent("clip", catalog.Find(clip.CameraId)?.CellId, Encoding.UTF8.GetString(payload)));
        try
        {
            await bus.PublishAsync(Topic(clip.CameraId), payload, qualityOfService: 1, retain: false, cancellationToken);
        }
        catch (BusUnavailableException ex)
        {
            // The clip itself is stored and listed; only the MQTT notice is lost while the external broker is away.
            logger.LogWarning("Clip {Clip} ready, but its MQTT notice was not published: {Reason}", clip.Id, ex.Message);
        }
    }
}
