using System.Collections.Concurrent;

namespace SmartCommunity.Vision.Frames;

/// <summary>
/// Frames of one size and format, reused so the decode → analyse path does not allocate per frame.
/// Thread-safe: the decoder rents on one thread and the analyser releases on another.
/// </summary>
public sealed class FramePool : IDisposable
{
    private readonly ConcurrentQueue<Frame> _free = new();
    private readonly int _maxRetained;
    private int _created;
    private bool _disposed;

    /// <summary>A pool for frames of one size and format. <paramref name="maxRetained"/> frames are kept for reuse;
    /// more are freed on return. Default 8: queue of 2 + one being decoded + one being analysed, with slack.</summary>
    public FramePool(int width, int height, FramePixelFormat format, int maxRetained = 8)
    {
        Width = width;
        Height = height;
        Format = format;
        _maxRetained = maxRetained;
    }

    public int Width { get; }

    public int Height { get; }

    public FramePixelFormat Format { get; }

    /// <summary>Frames ever created by this pool; flat once the pipeline is warm.</summary>
    public int Created => Volatile.Read(ref _created);

    public Frame Rent()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_free.TryDequeue(out var frame))
        {
            return frame;
        }

        Interlocked.Increment(ref _created); // Should be rare: only while the pool warms up.
        return new Frame(this, Width, Height, Format);
    }

    internal void Return(Frame frame)
    {
        if (_disposed || _free.Count >= _maxRetained)
        {
            frame.Dispose();
            return;
        }

        _free.Enqueue(frame);
    }

    public void Dispose()
    {
        _disposed = true;
        while (_free.TryDequeue(out var frame))
        {
            frame.Dispose();
        }
    }
}
