using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using SmartCommunity.Gateway.Video.Cameras;
using SmartCommunity.Media.Running;

namespace SmartCommunity.Gateway.Video.Recording;

/// <summary>
/// Runs one <see cref="CameraRecorder"/> per camera whose policy records. At start it first repairs what a crash
/// left behind (files on disk without an index row), then starts the recorders; a camera added, changed or removed
/// restarts or stops its recorder. At stop every ffmpeg is killed and its half-written file repaired.
/// </summary>
public sealed class RecordingSupervisor(
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
    IHostApplicationLifetime lifetime,
    ILoggerFactory loggers) : BackgroundService
{
    private readonly ConcurrentDictionary<string, (CancellationTokenSource Stop, Task Run, CameraRecorder Recorder)> _recorders = new(StringComparer.Ordinal);
    private readonly ILogger _logger = loggers.CreateLogger<RecordingSupervisor>();
    private readonly Lock _lock = new();
    private CancellationToken _stopping;

    /// <summary>Raised after each indexed segment of any camera.</summary>
    public event Action<VideoSegment>? SegmentIndexed;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.RecordingEnabled)
        {
            return;
        }

        await Task.Yield();
        // The host stops its services one after another, and a service's own token is cancelled only at its turn:
        // meanwhile a recorder whose ffmpeg died of the same SIGTERM (run.sh signals the whole process group) would
        // start another one that nothing stops. Every recorder ends as soon as the gateway begins to stop.
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, lifetime.ApplicationStopping);
        stoppingToken = stopping.Token;
        _stopping = stoppingToken;
        foreach (var cameraId in repair.CamerasOnDisk())
        {
            try
            {
                await repair.RepairAsync(cameraId, run: null, stoppingToken);
            }
            catch (IOException ex)
            {
                _logger.LogWarning(ex, "Repair of camera {Camera}'s footage failed", cameraId);
            }
        }

        catalog.Changed += Restart;
        foreach (var camera in catalog.All)
        {
            Restart(camera.Id);
        }

        try
        {
            await Task.Delay(Timeout.Infinite, stoppingToken);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }

        catalog.Changed -= Restart;
        List<Task> runs;
        lock (_lock)
        {
            foreach (var recorder in _recorders.Values)
            {
                recorder.Stop.Cancel();
            }

            runs = [.. _recorders.Values.Select(r => r.Run)];
        }

        await Task.WhenAll(runs).WaitAsync(TimeSpan.FromSeconds(30), CancellationToken.None).ConfigureAwait(false);
    }

    private async Task ProbeUnrecordedAsync(Camera camera)
    {
        try
        {
            var main = await prober.ProbeAsync(camera.Streams.MainUrl, camera.Streams, _stopping).ConfigureAwait(false);
            var sub = camera.Streams.SubUrl is { } subUrl ? await prober.ProbeAsync(subUrl, camera.Streams, _stopping).ConfigureAwait(false) : null;
            status.Update(camera.Id, s => s with { MainProbe = main, SubProbe = sub });
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    private void Restart(string cameraId)
    {
        lock (_lock)
        {
            if (_stopping.IsCancellationRequested)
            {
                return;
            }

            if (_recorders.TryRemove(cameraId, out var old))
            {
                old.Stop.Cancel();
            }

            if (catalog.Find(cameraId) is not { } camera)
            {
                status.Remove(cameraId);
                return;
            }

            if (!camera.Recording.Enabled)
            {
                // Not recorded: the streams are still probed on add and change, so the camera shows what it sends.
                status.Update(cameraId, s => s with { Recorder = "off" });
                _ = ProbeUnrecordedAsync(camera);
                return;
            }

            var stop = CancellationTokenSource.CreateLinkedTokenSource(_stopping);
            var recorder = new CameraRecorder(cameraId, catalog, index, repair, prober, runner, status, paths, metrics, options, time, loggers.CreateLogger<CameraRecorder>());
            recorder.SegmentIndexed += s => SegmentIndexed?.Invoke(s);
            // The new run waits for the old one to have repaired its last file, so they never race on the index.
            var previous = old.Run ?? Task.CompletedTask;
            var run = Task.Run(async () =>
            {
                await previous.ConfigureAwait(false);
                try
                {
                    await recorder.RunAsync(stop.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is IOException or InvalidOperationException or System.ComponentModel.Win32Exception or System.Data.Common.DbException)
                {
                    _logger.LogError(ex, "Recorder of camera {Camera} failed", cameraId);
                    status.Update(cameraId, s => s with { Online = false, Since = s.Online == false ? s.Since : time.GetUtcNow(), Recorder = "failed", LastError = ex.Message });
                }
            }, CancellationToken.None);
            _recorders[cameraId] = (stop, run, recorder);
        }
    }
}
