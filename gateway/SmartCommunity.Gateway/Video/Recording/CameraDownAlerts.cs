using Microsoft.Extensions.Options;
using SmartCommunity.Gateway.Alerts;
using SmartCommunity.Gateway.Video.Cameras;

namespace SmartCommunity.Gateway.Video.Recording;

/// <summary>
/// A recorded camera that has been down (no stream) longer than <see cref="VideoOptions.DownAlertAfter"/> raises a
/// yellow <c>camera_down</c> alert in its cell; the first segment after it resolves it (also an alert left open by
/// a previous gateway process: the first time a camera is seen up, its alert is resolved).
/// </summary>
public sealed class CameraDownAlerts(ICameraCatalog catalog, CameraStatusBoard status, IAlertService alerts, IOptions<VideoOptions> options, IOptions<AlertsOptions> alertOptions, TimeProvider time) : BackgroundService
{
    public const string Type = "camera_down";

    private readonly HashSet<string> _raised = new(StringComparer.Ordinal);
    private readonly HashSet<string> _seenUp = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var period = TimeSpan.FromTicks(Math.Clamp(options.Value.DownAlertAfter.Ticks / 4, TimeSpan.FromMilliseconds(250).Ticks, TimeSpan.FromSeconds(10).Ticks));
        using var timer = new PeriodicTimer(period, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                Check();
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    /// <summary>One pass over the cameras (the loop calls it; tests may too).</summary>
    public void Check()
    {
        var now = time.GetUtcNow();
        foreach (var camera in catalog.All)
        {
            var state = status.Get(camera.Id);
            var source = new AlertSource("camera", camera.Id);
            if (state.Online == true)
            {
                if (_raised.Remove(camera.Id) | _seenUp.Add(camera.Id))
                {
                    alerts.Resolve(source, Type, "camera stream back");
                }
            }
            else if (state.Online == false && camera.Recording.Enabled && state.Since is { } since && now - since >= options.Value.DownAlertAfter && _raised.Add(camera.Id))
            {
                _seenUp.Remove(camera.Id);
                alerts.Raise(new AlertTrigger(source, Type, AlertLevel.Yellow, camera.CellId,
                    new AlertText($"摄像机无视频：{BilingualName.Zh(camera.Name)}", $"Camera down: {BilingualName.En(camera.Name)}"),
                    // The stream's error is ffmpeg's English: it goes in the English text only.
                    new AlertText($"{BilingualName.Zh(camera.Name)} 自 {since.ToOffset(alertOptions.Value.Cap.UtcOffset):HH:mm:ss} 起无视频流，请检查摄像机供电与网络。",
                        $"{BilingualName.En(camera.Name)} has had no stream since {since.ToOffset(alertOptions.Value.Cap.UtcOffset):HH:mm:ss} local time ({state.LastError})."))
                {
                    Area = camera.Lat is { } lat && camera.Lon is { } lon ? new AlertArea(lat, lon) : null,
                    Category = "Infra",
                });
            }
        }
    }
}
