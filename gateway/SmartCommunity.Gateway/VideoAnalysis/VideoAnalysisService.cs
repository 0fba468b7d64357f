using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using SmartCommunity.Gateway.Ingest;
using SmartCommunity.Gateway.Video.Cameras;
using SmartCommunity.Gateway.Video.Snapshots;
using SmartCommunity.Vision.Hosting;
using SmartCommunity.Vision.Pipeline;
using SmartCommunity.Vision.Sources;
using SmartCommunity.Media;
using SmartCommunity.Media.Probing;
using SmartCommunity.Media.Running;

namespace SmartCommunity.Gateway.VideoAnalysis;

/// <summary>
/// Runs a <see cref="CameraPipeline"/> for every camera in the <see cref="ICameraCatalog"/> whose analysis site is the
/// gateway, on one <see cref="PipelineScheduler"/> (workers = cores), and starts, stops or restarts a camera's pipeline
/// when the catalog reports a change. Catalog changes are applied one at a time on this service's loop. Every
/// <see cref="VideoAnalysisOptions.StatusInterval"/> it adds the pipelines' counters to <c>/metrics</c> and computes
/// frame rates for the status API.
/// </summary>
public sealed partial class VideoAnalysisService : BackgroundService
{
    private readonly ICameraCatalog? _catalog;
    private readonly ISnapshotStore? _snapshots;
    private readonly MediaRunner? _media;
    private readonly string _ffprobe;
    private readonly SmartCommunity.Gateway.Devices.DevicePresence? _presence;
    private readonly IngestPipeline _ingest;
    private readonly AnalysisMetrics _metrics;
    private readonly VideoAnalysisOptions _options;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly long _boot;
    private readonly Channel<string?> _changes = Channel.CreateUnbounded<string?>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<string, HostedCamera> _cameras = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (string Error, DateTimeOffset At)> _invalid = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, IngestEventSink> _sinks = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CameraMetrics> _cameraMetrics = new(StringComparer.Ordinal);
    private readonly IHostApplicationLifetime _lifetime;
    private PipelineScheduler? _scheduler;

    public VideoAnalysisService(
        IServiceProvider services,
        IngestPipeline ingest,
        AnalysisMetrics metrics,
        IOptions<VideoAnalysisOptions> options,
        TimeProvider time,
        IHostApplicationLifetime lifetime,
        ILoggerFactory loggers)
    {
        _lifetime = lifetime;
        // Both are the video feature's (camera registry, footage); the gateway runs without analysis when they are absent.
        _catalog = services.GetService<ICameraCatalog>();
        _snapshots = services.GetService<ISnapshotStore>();
        _media = services.GetService<MediaRunner>();
        _ffprobe = services.GetService<IOptions<SmartCommunity.Gateway.Video.VideoOptions>>()?.Value.FfprobePath ?? "ffprobe";
        _presence = services.GetService<SmartCommunity.Gateway.Devices.DevicePresence>();
        _ingest = ingest;
        _metrics = metrics;
        _options = options.Value;
        _time = time;
        _loggers = loggers;
        _logger = loggers.CreateLogger<VideoAnalysisService>();
        // A new boot per gateway start: its events start again at seq 0 and the ingest's de-duplication accepts them.
        _boot = time.GetUtcNow().ToUnixTimeSeconds();
        metrics.TrackStates(state => Views().Count(v => v.State == state));
    }

    /// <summary>Every analysed (or refused) camera's state, by camera ID.</summary>
    public IReadOnlyList<AnalysisView> Views() =>
        [.. _cameras.Keys.Concat(_invalid.Keys).Distinct().Order(StringComparer.Ordinal).Select(View).OfType<AnalysisView>()];

    public AnalysisView? View(string cameraId)
    {
        if (_cameras.TryGetValue(cameraId, out var hosted))
        {
            return hosted.View();
        }

        return _invalid.TryGetValue(cameraId, out var invalid) ? AnalysisView.Invalid(cameraId, invalid.Error, invalid.At) : null;
    }

    /// <summary>The running analysis of a camera, for tests and the status API; null when not analysed here.</summary>
    internal CameraAnalysis? AnalysisOf(string cameraId) => _cameras.TryGetValue(cameraId, out var hosted) ? hosted.Analysis : null;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Enabled || _catalog is null)
        {
            LogNotRunning(_logger, _options.Enabled ? "no camera catalog is registered" : "VideoAnalysis:Enabled is false");
            return;
        }

        // Cameras stop as soon as the gateway begins to stop, not at this service's turn (see RecordingSupervisor):
        // a decoder killed by the same SIGTERM is not started again.
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, _lifetime.ApplicationStopping);
        stoppingToken = stopping.Token;

        // The workers outlive stoppingToken: stopping cameras analyse the frames they already decoded.
        using var workersStop = new CancellationTokenSource();
        _scheduler = new PipelineScheduler(_options.Workers, _loggers.CreateLogger<PipelineScheduler>());
        var workers = _scheduler.RunAsync(workersStop.Token);
        _catalog.Changed += OnCatalogChanged;
        _changes.Writer.TryWrite(null);
        var status = RefreshStatusAsync(stoppingToken);
        try
        {
            await foreach (var change in _changes.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                if (change is null)
                {
                    await ReconcileAllAsync().ConfigureAwait(false);
                }
                else
                {
                    await ReconcileAsync(change).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutdown.
        }
        finally
        {
            _catalog.Changed -= OnCatalogChanged;
            await Task.WhenAll(_cameras.Keys.ToArray().Select(StopAsync)).ConfigureAwait(false);
            await status.ConfigureAwait(false);
            await workersStop.CancelAsync().ConfigureAwait(false);
            await workers.ConfigureAwait(false);
        }
    }

    private void OnCatalogChanged(string cameraId) => _changes.Writer.TryWrite(cameraId);

    private async Task ReconcileAllAsync()
    {
        var ids = _catalog!.All.Select(c => c.Id).Concat(_cameras.Keys).Concat(_invalid.Keys).Distinct(StringComparer.Ordinal).ToArray();
        foreach (var id in ids)
        {
            await ReconcileAsync(id).ConfigureAwait(false);
        }
    }

    private async Task ReconcileAsync(string cameraId)
    {
        var camera = _catalog!.Find(cameraId);
        var wanted = camera is { Analysis.Site: AnalysisSite.Gateway } ? camera : null;
        var fingerprint = wanted is null ? null : CameraAnalysisFactory.Fingerprint(wanted);
        if (_cameras.TryGetValue(cameraId, out var running))
        {
            if (running.Fingerprint == fingerprint)
            {
                return;
            }

            await StopAsync(cameraId).ConfigureAwait(false);
        }

        _invalid.TryRemove(cameraId, out _);
        if (wanted is null)
        {
            _presence?.FedByRecording(cameraId, false);
            return;
        }

        // A file is a recording analysed faster than real time: its frames get the times they were filmed, and its
        // camera's silence after the file is not an outage (issue 16).
        var recording = !MediaUrl.IsLive(wanted.Streams.AnalysisUrl);
        var recordedAt = recording && _media is not null
            ? await _media.RecordingStartAsync(_ffprobe, wanted.Streams.AnalysisUrl, _time.GetUtcNow(), _options.StartTimeout, CancellationToken.None).ConfigureAwait(false)
            : null;
        _presence?.FedByRecording(cameraId, recording);
        CameraPipeline? pipeline = null;
        try
        {
            var source = new FfmpegFrameSource(CameraAnalysisFactory.SourceOptions(wanted, _options, recordedAt), _time, _loggers.CreateLogger<FfmpegFrameSource>());
            pipeline = new CameraPipeline(CameraAnalysisFactory.PipelineOptions(wanted, _options), source, CameraAnalysisFactory.Detector(wanted),
                _time, _loggers.CreateLogger<CameraPipeline>());
        }
        catch (ArgumentException ex)
        {
            pipeline?.Dispose();
            _metrics.InvalidCameras.Inc();
            _invalid[cameraId] = (ex.Message, _time.GetUtcNow());
            LogInvalid(_logger, cameraId, ex.Message);
            return;
        }

        var sink = _sinks.GetOrAdd(cameraId, id => new IngestEventSink(id, _ingest, _snapshots, _boot, _metrics));
        var analysis = new CameraAnalysis(pipeline, _scheduler!, sink,
            new CameraAnalysisOptions { SnapshotQuality = _options.SnapshotQuality, LatestPictureInterval = _options.LatestPictureInterval },
            _time, _loggers.CreateLogger<CameraAnalysis>());
        var hosted = new HostedCamera(analysis, fingerprint!, _cameraMetrics.GetOrAdd(cameraId, _metrics.For), _time);
        _cameras[cameraId] = hosted;
        analysis.Start();
        LogStarted(_logger, cameraId, MediaUrl.MaskCredentials(wanted.Streams.AnalysisUrl), wanted.Analysis.DetectFps,
            wanted.Analysis.DetectWidth, wanted.Analysis.DetectHeight, wanted.Zones.Count, wanted.Lines.Count);
    }

    /// <summary>
    /// A camera event from outside the camera's analysis (a GB/T 28181 alarm) into the ingest, numbered in the same
    /// sequence as the analysis' own events for that camera, so the ingest's de-duplication never takes one for the other.
    /// </summary>
    public ValueTask<bool> PublishEventAsync(string cameraId, SmartCommunity.Protocol.Messages.EventMessage message, CancellationToken cancellationToken) =>
        _sinks.GetOrAdd(cameraId, id => new IngestEventSink(id, _ingest, _snapshots, _boot, _metrics)).PublishAsync(message, cancellationToken);

    private async Task StopAsync(string cameraId)
    {
        if (!_cameras.TryRemove(cameraId, out var hosted))
        {
            return;
        }

        await hosted.Analysis.DisposeAsync().ConfigureAwait(false);
        hosted.Sample(); // The final counts, including events left at the stop, reach /metrics.
        LogStopped(_logger, cameraId);
    }

    private async Task RefreshStatusAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.StatusInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                foreach (var hosted in _cameras.Values)
                {
                    hosted.Sample();
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutdown.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Video analysis is not running: {Reason}")]
    private static partial void LogNotRunning(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Camera {CameraId}: analysing {Url} at {Fps} fps, {Width}×{Height}, {Zones} zone(s), {Lines} line(s)")]
    private static partial void LogStarted(ILogger logger, string cameraId, string url, double fps, int width, int height, int zones, int lines);

    [LoggerMessage(Level = LogLevel.Information, Message = "Camera {CameraId}: analysis stopped")]
    private static partial void LogStopped(ILogger logger, string cameraId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Camera {CameraId}: analysis settings refused, the camera is not analysed: {Error}")]
    private static partial void LogInvalid(ILogger logger, string cameraId, string error);
}
