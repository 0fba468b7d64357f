using System.Threading.Channels;

namespace SmartCommunity.Gateway.Video.LiveView;

/// <summary>
/// One person watching one camera: the init segment, then whole fragments from a key frame on. A viewer who falls
/// <see cref="MaxQueuedFragments"/> behind (a slow link) is cut off rather than letting the gateway's memory grow or
/// the others wait; the browser reconnects and joins at the newest key frame.
/// </summary>
public sealed class LiveViewer : IDisposable
{
    /// <summary>About 10 s at 25 fps with one fragment per frame.</summary>
    public const int MaxQueuedFragments = 256;

    private readonly Channel<byte[]> _queue = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(MaxQueuedFragments)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    private readonly Action<LiveViewer> _leave;
    private int _left;

    internal LiveViewer(LiveFeed stream, Action<LiveViewer> leave)
    {
        Feed = stream;
        _leave = leave;
    }

    public LiveFeed Feed { get; }

    /// <summary>Set when the viewer was cut off because it fell behind.</summary>
    public bool TooSlow { get; private set; }

    /// <summary>Bytes to write to the viewer, in order, until the stream ends or the viewer is cut off.</summary>
    public IAsyncEnumerable<byte[]> ReadAllAsync(CancellationToken cancellationToken) => _queue.Reader.ReadAllAsync(cancellationToken);

    /// <summary>Queues bytes; false when the queue is full and the viewer is cut off by this call (once per viewer).</summary>
    internal bool Offer(byte[] bytes)
    {
        if (TooSlow || _queue.Writer.TryWrite(bytes))
        {
            return true;
        }

        TooSlow = true;
        _queue.Writer.TryComplete();
        return false;
    }

    internal void End() => _queue.Writer.TryComplete();

    public void Dispose()
    {
        _queue.Writer.TryComplete();
        if (Interlocked.Exchange(ref _left, 1) == 0)
        {
            _leave(this);
        }
    }
}
