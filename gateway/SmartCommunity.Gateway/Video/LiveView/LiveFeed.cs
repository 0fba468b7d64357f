using SmartCommunity.Gateway.Video.Cameras;
using SmartCommunity.Media.Live;
using SmartCommunity.Media.Running;

namespace SmartCommunity.Gateway.Video.LiveView;

/// <summary>
/// One camera stream remuxed for live view: ffmpeg pulls it and writes fragmented MP4 to its stdout with
/// <c>-c copy</c> (no decoding, no encoding: a few percent of one core), one fragment per frame so no frame waits
/// for the next. The init segment is kept, and the fragments since the newest key frame, so a viewer who joins sees
/// a picture at once instead of waiting up to a GOP. Shared by everyone watching; the hub stops it when nobody is.
/// </summary>
public sealed class LiveFeed : IAsyncDisposable
{
    /// <summary>The fragments kept for joining viewers are dropped past this (a very long GOP): they then wait for the next key frame.</summary>
    private const int MaxGopCacheBytes = 8 << 20;

    private readonly object _gate = new();
    private readonly List<LiveViewer> _viewers = [];
    private readonly List<byte[]> _gop = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource<string> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly LiveVideoMetrics _metrics;
    private readonly ILogger _logger;
    private byte[]? _init;
    private int _gopBytes;
    private Task _run = Task.CompletedTask;

    internal LiveFeed(string key, Camera camera, string url, LiveVideoMetrics metrics, VideoOptions options, ILogger logger)
    {
        Key = key;
        CameraId = camera.Id;
        _metrics = metrics;
        _logger = logger;
        _run = RunAsync(camera, url, options);
    }

    public string Key { get; }

    public string CameraId { get; }

    internal int ViewerCount
    {
        get
        {
            lock (_gate)
            {
                return _viewers.Count;
            }
        }
    }

    internal bool Ended => _run.IsCompleted;

    /// <summary>The MIME type with codec (<c>video/mp4; codecs="avc1.…"</c>) once the init segment is in; faults when ffmpeg ends first or the codec is not H.264.</summary>
    public Task<string> ContentType => _ready.Task;

    internal LiveViewer Add(Action<LiveViewer> leave)
    {
        var viewer = new LiveViewer(this, leave);
        lock (_gate)
        {
            if (_init is not null)
            {
                viewer.Offer(_init);
                foreach (var fragment in _gop)
                {
                    viewer.Offer(fragment);
                }
            }

            if (Ended)
            {
                viewer.End();
            }

            _viewers.Add(viewer);
        }

        return viewer;
    }

    internal void Remove(LiveViewer viewer)
    {
        lock (_gate)
        {
            _viewers.Remove(viewer);
        }
    }

    private async Task RunAsync(Camera camera, string url, VideoOptions options)
    {
        await Task.Yield();
        MediaProcess? process = null;
        var error = "";
        try
        {
            process = MediaProcess.Start(LiveArguments.Build(options.FfmpegPath, StreamAddress.Source(url, camera.Streams)), _logger);
            try
            {
                await PumpAsync(process.StandardOutput).ConfigureAwait(false);
            }
            finally
            {
                process.Kill();
                try
                {
                    await process.ErrorDrained.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
                }
                finally
                {
                    error = StreamAddress.Scrub(process.ErrorTail(), camera.Streams).Trim();
                }
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or TimeoutException or IOException or InvalidDataException or EndOfStreamException or MediaToolMissingException or InvalidOperationException)
        {
            error = exception is OperationCanceledException ? error : exception.Message;
        }
        finally
        {
            process?.Dispose();
            _ready.TrySetException(new LiveUnavailableException("live_unavailable", "The camera's live stream could not be started" + (error.Length > 0 ? ": " + Tail(error) : ".")));
            lock (_gate)
            {
                foreach (var viewer in _viewers)
                {
                    viewer.End();
                }
            }

            if (!_stop.IsCancellationRequested)
            {
                _metrics.StreamsFailed.Inc();
                _logger.LogWarning("Live view of camera {Camera} ended: {Reason}", CameraId, Tail(error));
            }
        }
    }

    private async Task PumpAsync(Stream output)
    {
        var header = new List<byte[]>();
        byte[]? moof = null;
        uint? trexFlags = null;
        while (await Fmp4.ReadBoxAsync(output, _stop.Token).ConfigureAwait(false) is { } box)
        {
            if (_init is null)
            {
                header.Add(box.Bytes);
                if (box.Type != "moov")
                {
                    continue;
                }

                var codec = Fmp4.H264Codec(box.Bytes);
                if (codec is null)
                {
                    _ready.TrySetException(new LiveUnavailableException("live_codec_unsupported", "The camera's stream is not H.264, which browsers cannot play live without re-encoding; use its sub stream."));
                    return;
                }

                trexFlags = Fmp4.TrexDefaultFlags(box.Bytes);
                lock (_gate)
                {
                    _init = header.SelectMany(b => b).ToArray();
                    foreach (var viewer in _viewers)
                    {
                        viewer.Offer(_init);
                    }
                }

                _ready.TrySetResult($"video/mp4; codecs=\"{codec}\"");
                continue;
            }

            if (box.Type == "moof")
            {
                moof = box.Bytes;
                continue;
            }

            if (box.Type != "mdat" || moof is null)
            {
                continue;
            }

            var fragment = new byte[moof.Length + box.Bytes.Length];
            moof.CopyTo(fragment, 0);
            box.Bytes.CopyTo(fragment, moof.Length);
            Publish(fragment, Fmp4.StartsWithKeyFrame(moof, trexFlags));
            moof = null;
        }
    }

    private void Publish(byte[] fragment, bool keyFrame)
    {
        lock (_gate)
        {
            if (keyFrame)
            {
                _gop.Clear();
                _gopBytes = 0;
            }

            if (keyFrame || _gop.Count > 0)
            {
                _gop.Add(fragment);
                _gopBytes += fragment.Length;
                if (_gopBytes > MaxGopCacheBytes)
                {
                    _gop.Clear();
                    _gopBytes = 0;
                }
            }

            for (var i = _viewers.Count - 1; i >= 0; i--)
            {
                if (!_viewers[i].Offer(fragment))
                {
                    _metrics.ViewersTooSlow.Inc();
                }
            }
        }
    }

    private static string Tail(string text) => text.Length > 300 ? text[^300..] : text;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _run.ConfigureAwait(false);
        }
        finally
        {
            _stop.Dispose();
        }
    }
}

/// <summary>Why a live stream could not be served, with the problem code the API answers.</summary>
public sealed class LiveUnavailableException(string code, string message) : Exception(message)
{
    public string Code { get; } = code;
}
