using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using SmartCommunity.EdgeAgent.Devices;
using SmartCommunity.Vision.Detection;
using SmartCommunity.Vision.Hosting;
using SmartCommunity.Vision.Pipeline;
using SmartCommunity.Vision.Sources;
using SmartCommunity.Media;
using SmartCommunity.Media.Probing;
using SmartCommunity.Media.Running;

namespace SmartCommunity.EdgeAgent.Drivers.Camera;

/// <summary>
/// A 雪亮 camera with its own edge box: the agent runs the same frame path as the gateway (<see cref="CameraPipeline"/>
/// through <see cref="CameraAnalysis"/>) on the camera's stream and publishes motion, zone and line events as the camera
/// device, through the device's outbox, so events made while the gateway is away are delivered when it is back.
/// </summary>
public sealed class CameraAnalysisDriver(ILoggerFactory loggers) : IDeviceDriver
{
    public const string DriverName = "camera-analysis";

    public async Task RunAsync(IDeviceContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var settings = context.Settings.Get<CameraAnalysisSettings>() ?? new CameraAnalysisSettings();
        if (settings.Problem() is { } problem)
        {
            throw new InvalidOperationException($"Device {context.DeviceId}: {problem}");
        }

        var (zones, lines) = settings.Regions();
        var live = MediaUrl.IsLive(settings.Url);
        DateTimeOffset? recordedAt = null;
        if (!live)
        {
            // A recording analysed faster than real time: its frames get the times they were filmed, not future ones (issue 16).
            using var media = new MediaRunner(1, loggers.CreateLogger<MediaRunner>());
            recordedAt = await media.RecordingStartAsync(settings.FfprobePath, settings.Url, context.Time.GetUtcNow(),
                TimeSpan.FromSeconds(settings.StartTimeoutSeconds), cancellationToken).ConfigureAwait(false);
        }

        var source = new FfmpegFrameSource(new FrameSourceOptions
        {
            Url = settings.Url,
            Width = settings.DetectWidth,
            Height = settings.DetectHeight,
            Fps = settings.DetectFps,
            FfmpegPath = settings.FfmpegPath,
            StartTimeout = TimeSpan.FromSeconds(settings.StartTimeoutSeconds),
            StallTimeout = TimeSpan.FromSeconds(settings.StallTimeoutSeconds),
            RecordedAt = recordedAt,
        }, context.Time, loggers.CreateLogger<FfmpegFrameSource>());
        var pipeline = new CameraPipeline(
            new CameraPipelineOptions { CameraId = context.DeviceId, Zones = zones, Lines = lines, RestartAtEndOfStream = live, WaitWhenBehind = !live },
            source, CameraAnalysisSettings.NeedsDetector(zones, lines) ? new HogPersonDetector() : null, context.Time, loggers.CreateLogger<CameraPipeline>());
        // One camera per box: one analysis worker.
        var scheduler = new PipelineScheduler(1, loggers.CreateLogger<PipelineScheduler>());
        var snapshots = settings.SnapshotDirectory is { Length: > 0 } folder ? folder : null;
        var analysis = new CameraAnalysis(pipeline, scheduler, new OutboxEventSink(context, snapshots),
            new CameraAnalysisOptions { SnapshotOnEvents = snapshots is not null, LatestPictureInterval = snapshots is null ? null : TimeSpan.FromSeconds(5) },
            context.Time, loggers.CreateLogger<CameraAnalysis>());
        using var workersStop = new CancellationTokenSource();
        var workers = scheduler.RunAsync(workersStop.Token);
        try
        {
            analysis.Start();
            context.Logger.LogInformation("Device {DeviceId}: analysing {Url} at {Fps} fps, {Width}×{Height}, {Zones} zone(s), {Lines} line(s).",
                context.DeviceId, MediaUrl.MaskCredentials(settings.Url), settings.DetectFps, settings.DetectWidth, settings.DetectHeight, zones.Length, lines.Length);
            await Task.Delay(Timeout.InfiniteTimeSpan, context.Time, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            // Frames already decoded are analysed and their events stored before the workers stop.
            await analysis.DisposeAsync().ConfigureAwait(false);
            await workersStop.CancelAsync().ConfigureAwait(false);
            await workers.ConfigureAwait(false);
        }
    }

    /// <summary>The settings check run when the agent starts.</summary>
    internal static string? CheckSettings(IConfiguration section)
    {
        try
        {
            return (section.Get<CameraAnalysisSettings>() ?? new CameraAnalysisSettings()).Problem();
        }
        catch (InvalidOperationException ex)
        {
            // The binder's own message names the key and the value it could not convert.
            return ex.Message;
        }
    }
}
