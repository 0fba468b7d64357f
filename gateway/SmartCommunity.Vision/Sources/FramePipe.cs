using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using SmartCommunity.Media.Running;
using SmartCommunity.Vision.Frames;

namespace SmartCommunity.Vision.Sources;

/// <summary>One ffmpeg process (started and killed by the ffmpeg module's <see cref="MediaProcess"/>), the reader that cuts its
/// stdout into frames, and its watchdog.</summary>
internal sealed class FramePipe : IDisposable
{
    private readonly FrameSourceOptions _options;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private MediaProcess? _process;
    private readonly ITimer _watchdog;
    private readonly TimeProvider _time;
    // Synchronous continuations: the consumer's loop (the pipeline's enqueue) runs on the reader thread when it
    // is waiting, instead of a thread-pool hop per frame; it never blocks, so the reader is not held up.
    private readonly Channel<Frame> _ready = Channel.CreateBounded<Frame>(
        new BoundedChannelOptions(1) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait, AllowSynchronousContinuations = true });
    private readonly CancellationTokenSource _stop = new();
    private Thread? _reader;
    private FrameSourceStopReason? _killedFor;
    private Stream? _stdout;
    private long _frames;
    private int _partialBytes;

    public DateTimeOffset StartedAt { get; private set; }

    public ChannelReader<Frame> Frames => _ready.Reader;

    public FramePipe(FrameSourceOptions options, TimeProvider time, ILogger logger)
    {
        _options = options;
        _logger = logger;
        _time = time;
        _watchdog = time.CreateTimer(static r => ((FramePipe)r!).OnWatchdog(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public void Start(FramePool pool)
    {
        var command = FfmpegArguments.Build(_options);
        MediaProcess process;
        try
        {
            process = MediaProcess.Start(command, _logger);
        }
        catch (MediaToolMissingException ex)
        {
            throw new FrameSourceException(new FrameSourceStop(FrameSourceStopReason.DecoderMissing, 0, null, ex.Message), ex);
        }

        lock (_gate)
        {
            _process = process;
            if (_killedFor is not null)
            {
                process.Kill(); // Killed (cancelled) while starting.
            }
        }

        StartedAt = _options.RecordedAt ?? _time.GetUtcNow();
        _stdout = process.StandardOutput;
        _watchdog.Change(_options.StartTimeout, Timeout.InfiniteTimeSpan);
        _reader = new Thread(() => ReadLoop(pool)) { IsBackground = true, Name = "ffmpeg-reader" };
        _reader.Start();
    }

    private void ReadLoop(FramePool pool)
    {
        try
        {
            while (true)
            {
                var frame = pool.Rent();
                if (!ReadFrame(frame))
                {
                    frame.Release();
                    return;
                }

                // Stream time, not arrival time: ffmpeg's fps filter emits frames by presentation time, so this
                // stays right for files read faster than real time and is immune to pipe buffering jitter.
                frame.Timestamp = StartedAt + TimeSpan.FromSeconds(frame.Sequence / _options.Fps);
                if (!_ready.Writer.TryWrite(frame) && !WaitAndWrite(frame))
                {
                    return;
                }
            }
        }
        catch (IOException)
        {
            // The pipe broke because ffmpeg was killed; FinishAsync reports why.
        }
        finally
        {
            _ready.Writer.TryComplete();
        }
    }

    /// <summary>Should be rare: the consumer is a frame behind (the pipeline's enqueue never blocks).</summary>
    private bool WaitAndWrite(Frame frame)
    {
        try
        {
            _ready.Writer.WriteAsync(frame, _stop.Token).AsTask().GetAwaiter().GetResult();
            return true;
        }
        catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException)
        {
            frame.Release();
            return false;
        }
    }

    /// <summary>Fills the frame with exactly one frame's bytes; false at end of stream.</summary>
    private bool ReadFrame(Frame frame)
    {
        var buffer = frame.RawBytes;
        var filled = 0;
        while (filled < buffer.Length)
        {
            var read = _stdout!.Read(buffer[filled..]);
            if (read == 0)
            {
                _partialBytes = filled; // A frame cut short: ffmpeg died or the file ended mid-frame.
                return false;
            }

            filled += read;
        }

        _watchdog.Change(_options.StallTimeout, Timeout.InfiniteTimeSpan); // Once per frame, not per pipe chunk.

        frame.Sequence = _frames++;
        return true;
    }

    public void Kill(FrameSourceStopReason reason)
    {
        lock (_gate)
        {
            _killedFor ??= reason;
            _stop.Cancel();
            _process?.Kill();
        }
    }

    public async Task<FrameSourceStop> FinishAsync()
    {
        if (_reader is { } reader)
        {
            await Task.Run(reader.Join).ConfigureAwait(false); // Ends once ffmpeg exits or the run is killed.
        }

        while (_ready.Reader.TryRead(out var left))
        {
            left.Release(); // Frames decoded after the consumer stopped.
        }

        _watchdog.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        var process = _process!;
        using (var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            try
            {
                await process.WaitForExitAsync(grace.Token).ConfigureAwait(false);
                await process.ErrorDrained.WaitAsync(grace.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                Kill(FrameSourceStopReason.Stalled); // Should be rare: stdout closed but the process hangs on.
                await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }

        var exitCode = process.ExitCode ?? -1;
        var stderr = process.ErrorTail(" | ");
        var partial = _partialBytes > 0 ? $" (last frame cut short at {_partialBytes} bytes)" : "";
        return _killedFor switch
        {
            FrameSourceStopReason.StartTimeout => new(FrameSourceStopReason.StartTimeout, _frames, exitCode, $"no frame within {_options.StartTimeout.TotalSeconds:0.#} s. {stderr}"),
            FrameSourceStopReason.Stalled => new(FrameSourceStopReason.Stalled, _frames, exitCode, $"no data for {_options.StallTimeout.TotalSeconds:0.#} s. {stderr}"),
            { } reason => new(reason, _frames, exitCode, stderr),
            null when exitCode != 0 => new(FrameSourceStopReason.Failed, _frames, exitCode, $"ffmpeg exited with code {exitCode}: {(stderr.Length > 0 ? stderr : "no error text")}{partial}"),
            null when _frames == 0 => new(FrameSourceStopReason.Failed, 0, exitCode, $"the stream had no decodable video frames. {stderr}{partial}"),
            // ffmpeg's own read timeout (-rw_timeout/-timeout, set to the stall timeout) ends the input as if it were
            // its end and exits 0; the camera did not end its stream, it went silent.
            null when stderr.Contains("timed out", StringComparison.OrdinalIgnoreCase) =>
                new(FrameSourceStopReason.Stalled, _frames, exitCode, $"no data for {_options.StallTimeout.TotalSeconds:0.#} s (ffmpeg's read timeout). {stderr}{partial}"),
            null => new(FrameSourceStopReason.EndOfStream, _frames, exitCode, stderr + partial),
        };
    }

    private void OnWatchdog() => Kill(_frames == 0 ? FrameSourceStopReason.StartTimeout : FrameSourceStopReason.Stalled);

    public void Dispose()
    {
        _watchdog.Dispose();
        Kill(FrameSourceStopReason.Cancelled);
        _reader?.Join();
        _process?.Dispose();
        _stop.Dispose();
    }
}
