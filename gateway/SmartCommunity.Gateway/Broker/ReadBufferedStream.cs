namespace SmartCommunity.Gateway.Broker;

/// <summary>
/// A read buffer in front of a connection's network stream; writes pass straight through.
/// </summary>
/// <remarks>
/// Why: MQTTnet's channel adapter reads each packet as a 2-byte fixed header, then the body, so over a bare
/// <see cref="System.Net.Sockets.NetworkStream"/> every small PUBLISH costs two receive system calls. With this
/// buffer one receive takes every packet the device has already sent (the profile of the ingest benchmark showed the
/// receive path as the broker's largest cost). <see cref="BufferedStream"/> cannot be used: it shares one buffer
/// between reading and writing and refuses to write while unread bytes are buffered on a stream that cannot seek,
/// and MQTTnet writes (acknowledgements, commands) while the next packets wait to be read.
/// The buffer is small and fixed (it is held per connection: 10 000 devices × 1 KB = 10 MB); a read at least as
/// large as the buffer bypasses it; a buffer of 0 bytes reads straight through. Only one reader at a time, as
/// MQTTnet's receive loop is.
/// With a <see cref="MqttFrameGuard"/>, every byte handed to the reader is shown to the guard first; once it refuses,
/// the stream reads as ended (MQTTnet then closes the connection) and <see cref="FrameRefused"/> is raised once.
/// </remarks>
internal sealed class ReadBufferedStream : Stream
{
    private readonly Stream _inner;
    private readonly byte[] _buffer;
    private readonly MqttFrameGuard? _guard;
    private int _start;
    private int _end;
    private bool _refused;

    public ReadBufferedStream(Stream inner, int bufferSize, MqttFrameGuard? guard = null)
    {
        ArgumentNullException.ThrowIfNull(inner);
        if (bufferSize is < 0 or (> 0 and < 16))
        {
            throw new ArgumentOutOfRangeException(nameof(bufferSize), bufferSize, "0 (unbuffered) or at least 16 bytes.");
        }

        _inner = inner;
        _buffer = bufferSize == 0 ? [] : new byte[bufferSize];
        _guard = guard;
    }

    /// <summary>Raised once, on the reading thread, when the guard refuses a packet.</summary>
    public event Action<MqttFrameGuard>? FrameRefused;

    /// <summary>Bytes received and not yet read (for tests).</summary>
    internal int Buffered => _end - _start;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => _inner.CanWrite;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_refused)
        {
            return 0;
        }

        if (_end > _start || buffer.IsEmpty)
        {
            return CopyBuffered(buffer);
        }

        if (buffer.Length >= _buffer.Length)
        {
            return Passed(_inner.Read(buffer), buffer);
        }

        var received = _inner.Read(_buffer);
        return Filled(received, buffer);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_refused)
        {
            return new(0);
        }

        if (_end > _start)
        {
            return new(CopyBuffered(buffer.Span)); // The common case under load: no system call, no await.
        }

        if (buffer.Length == 0)
        {
            return _inner.ReadAsync(buffer, cancellationToken);
        }

        if (buffer.Length >= _buffer.Length)
        {
            return _guard is null ? _inner.ReadAsync(buffer, cancellationToken) : ReadThroughAsync(buffer, cancellationToken);
        }

        return FillAndCopyAsync(buffer, cancellationToken);
    }

    private async ValueTask<int> ReadThroughAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        var received = await _inner.ReadAsync(destination, cancellationToken).ConfigureAwait(false);
        return Passed(received, destination.Span);
    }

    /// <summary>Bytes read straight into the reader's buffer: shown to the guard before the reader may use them.</summary>
    private int Passed(int received, ReadOnlySpan<byte> destination) =>
        received <= 0 || Allowed(destination[..received]) ? received : 0;

    private bool Allowed(ReadOnlySpan<byte> bytes)
    {
        if (_guard is null || _guard.Inspect(bytes))
        {
            return true;
        }

        _refused = true;
        _start = _end = 0;
        FrameRefused?.Invoke(_guard);
        return false;
    }

    private async ValueTask<int> FillAndCopyAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        var received = await _inner.ReadAsync(_buffer, cancellationToken).ConfigureAwait(false);
        return Filled(received, destination.Span);
    }

    private int Filled(int received, Span<byte> destination)
    {
        if (received <= 0)
        {
            return 0; // end of stream
        }

        _start = 0;
        _end = received;
        return CopyBuffered(destination);
    }

    private int CopyBuffered(Span<byte> destination)
    {
        var count = Math.Min(destination.Length, _end - _start);
        if (!Allowed(_buffer.AsSpan(_start, count)))
        {
            return 0;
        }

        _buffer.AsSpan(_start, count).CopyTo(destination);
        _start += count;
        return count;
    }

    public override void Write(byte[] buffer, int offset, int count) => _inner.Write(buffer, offset, count);

    public override void Write(ReadOnlySpan<byte> buffer) => _inner.Write(buffer);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        _inner.WriteAsync(buffer, offset, count, cancellationToken);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        _inner.WriteAsync(buffer, cancellationToken);

    public override void Flush() => _inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => _inner.FlushAsync(cancellationToken);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await _inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }
}
