namespace SmartCommunity.Sl651.Framing;

/// <summary>
/// Turns a byte stream into frames and rejections, resynchronising on 7E 7E after garbage or a bad frame.
/// One per connection; not thread-safe. Holds at most <c>maxFrameSize + readChunk</c> bytes.
/// </summary>
public sealed class Sl651FrameAssembler
{
    private readonly int _maxFrameSize;
    private readonly byte[] _buffer;
    private int _start;
    private int _end;

    public Sl651FrameAssembler(int maxFrameSize, int readChunk = 4096)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxFrameSize, Sl651FrameLayout.Overhead);
        ArgumentOutOfRangeException.ThrowIfLessThan(readChunk, 1);
        _maxFrameSize = maxFrameSize;
        _buffer = new byte[maxFrameSize + readChunk];
    }

    /// <summary>Bytes received but not yet turned into a frame or dropped.</summary>
    public int Pending => _end - _start;

    /// <summary>Garbage bytes dropped while looking for 7E 7E, since this assembler was created.</summary>
    public long SkippedBytes { get; private set; }

    /// <summary>Free space to read into; follow with <see cref="Advance"/>.</summary>
    public Memory<byte> GetReadBuffer()
    {
        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }

        return _buffer.AsMemory(_end);
    }

    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, _buffer.Length - _end);
        _end += count;
    }

    /// <summary>Copies bytes in (tests and callers without a socket); returns how many fitted.</summary>
    public int Write(ReadOnlySpan<byte> bytes)
    {
        var free = GetReadBuffer().Span;
        var count = Math.Min(free.Length, bytes.Length);
        bytes[..count].CopyTo(free);
        Advance(count);
        return count;
    }

    /// <summary>Returns the next frame or rejection, or false when more bytes are needed.</summary>
    public bool TryRead(out Sl651ScanResult result)
    {
        result = Sl651FrameDecoder.Scan(_buffer.AsSpan(_start, _end - _start), _maxFrameSize);
        _start += result.Consumed;
        SkippedBytes += result.Skipped;
        return result.Status != Sl651ScanStatus.NeedMoreData;
    }
}
