using Microsoft.Extensions.Options;
using SmartCommunity.Gateway.Infrastructure.Metrics;
using SmartCommunity.Gateway.Video.Cameras;

namespace SmartCommunity.Gateway.Video.LiveView;

/// <summary>
/// Live streams by camera and stream (main or sub): started by the first viewer, shared by the next ones, stopped
/// <see cref="VideoOptions.LiveLinger"/> after the last one leaves (so going from the wall to the large view does not
/// restart the camera's stream), and at once when the camera is changed or removed.
/// </summary>
public sealed class LiveVideoHub : IAsyncDisposable
{
    private readonly object _gate = new();
    private readonly Dictionary<string, LiveFeed> _streams = new(StringComparer.Ordinal);
    private readonly LiveVideoMetrics _metrics;
    private readonly IOptions<VideoOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<LiveVideoHub> _logger;
    private int _viewers;

    public LiveVideoHub(ICameraCatalog catalog, MetricsRegistry metrics, IOptions<VideoOptions> options, TimeProvider time, ILogger<LiveVideoHub> logger)
    {
        _metrics = new LiveVideoMetrics(metrics, this);
        _options = options;
        _time = time;
        _logger = logger;
        catalog.Changed += id => _ = StopCameraAsync(id);
    }

    public int Viewers => Volatile.Read(ref _viewers);

    public int Streams
    {
        get
        {
            lock (_gate)
            {
                return _streams.Count;
            }
        }
    }

    /// <summary>Joins the camera's live stream (starting it if nobody watches). Dispose the viewer to leave.</summary>
    public LiveViewer Join(Camera camera, bool sub)
    {
        var url = sub && camera.Streams.SubUrl is { } subUrl ? subUrl : camera.Streams.MainUrl;
        var key = camera.Id + (url == camera.Streams.MainUrl ? "/main" : "/sub");
        lock (_gate)
        {
            if (!_streams.TryGetValue(key, out var stream) || stream.Ended)
            {
                if (stream is not null)
                {
                    _ = stream.DisposeAsync().AsTask();
                }

                _metrics.StreamsStarted.Inc();
                stream = new LiveFeed(key, camera, url, _metrics, _options.Value, _logger);
                _streams[key] = stream;
            }

            Interlocked.Increment(ref _viewers);
            return stream.Add(Leave);
        }
    }

    private void Leave(LiveViewer viewer)
    {
        Interlocked.Decrement(ref _viewers);
        viewer.Feed.Remove(viewer);
        _ = StopIfUnwatchedAsync(viewer.Feed);
    }

    private async Task StopIfUnwatchedAsync(LiveFeed stream)
    {
        try
        {
            if (!stream.Ended)
            {
                await Task.Delay(_options.Value.LiveLinger, _time).ConfigureAwait(false);
            }

            lock (_gate)
            {
                if (stream.ViewerCount > 0 || !_streams.TryGetValue(stream.Key, out var current) || current != stream)
                {
                    return;
                }

                _streams.Remove(stream.Key);
            }

            await stream.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            _logger.LogWarning(exception, "Stopping the live stream {Stream} failed", stream.Key);
        }
    }

    /// <summary>A changed camera (new URL or credentials) or a removed one: its viewers' streams end, and they reconnect to the new one.</summary>
    private async Task StopCameraAsync(string cameraId)
    {
        List<LiveFeed> stopped;
        lock (_gate)
        {
            stopped = _streams.Values.Where(s => s.CameraId == cameraId).ToList();
            foreach (var stream in stopped)
            {
                _streams.Remove(stream.Key);
            }
        }

        foreach (var stream in stopped)
        {
            await stream.DisposeAsync().ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        List<LiveFeed> all;
        lock (_gate)
        {
            all = [.. _streams.Values];
            _streams.Clear();
        }

        foreach (var stream in all)
        {
            await stream.DisposeAsync().ConfigureAwait(false);
        }
    }
}
