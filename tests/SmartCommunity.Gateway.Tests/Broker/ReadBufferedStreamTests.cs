using SmartCommunity.Gateway.Broker;

namespace SmartCommunity.Gateway.Tests.Broker;

/// <summary>The broker connection's read buffer, over a scripted inner stream (unit tests; the real socket is in BufferedListenerTests).</summary>
public sealed class ReadBufferedStreamTests
{
    [Fact]
    public async Task SmallReadsAreServedFromOneInnerRead()
    {
        var inner = new ScriptedStream([Bytes(0, 100)]);
        await using var stream = new ReadBufferedStream(inner, 256);
        var received = new List<byte>();
        var two = new byte[2];
        for (var i = 0; i < 50; i++)
        {
            Assert.Equal(2, await stream.ReadAsync(two));
            received.AddRange(two);
        }

        Assert.Equal(Bytes(0, 100), received);
        Assert.Equal(1, inner.Reads);
    }

    [Fact]
    public async Task AReadAtLeastAsLargeAsTheBufferBypassesIt()
    {
        var inner = new ScriptedStream([Bytes(0, 1000)]);
        await using var stream = new ReadBufferedStream(inner, 64);
        var big = new byte[1000];
        Assert.Equal(1000, await stream.ReadAsync(big));
        Assert.Equal(Bytes(0, 1000), big);
        Assert.Equal(0, stream.Buffered);
    }

    [Fact]
    public async Task BytesSplitAnyhowByTheNetworkArriveWholeAndInOrder()
    {
        var random = new Random(7);
        var data = Bytes(0, 5000);
        var chunks = new List<byte[]>();
        for (var at = 0; at < data.Length;)
        {
            var size = Math.Min(random.Next(1, 300), data.Length - at);
            chunks.Add(data[at..(at + size)]);
            at += size;
        }

        await using var stream = new ReadBufferedStream(new ScriptedStream(chunks), 128);
        var received = new List<byte>();
        while (true)
        {
            var want = new byte[random.Next(1, 200)];
            var n = random.Next(2) == 0 ? await stream.ReadAsync(want) : stream.Read(want, 0, want.Length);
            if (n == 0)
            {
                break;
            }

            received.AddRange(want[..n]);
        }

        Assert.Equal(data, received);
    }

    [Fact]
    public async Task EndOfStreamReadsAsZeroAfterTheBufferedBytes()
    {
        await using var stream = new ReadBufferedStream(new ScriptedStream([[1, 2, 3]]), 64);
        var buffer = new byte[2];
        Assert.Equal(2, await stream.ReadAsync(buffer));
        Assert.Equal(1, await stream.ReadAsync(buffer));
        Assert.Equal(0, await stream.ReadAsync(buffer));
        Assert.Equal(0, await stream.ReadAsync(buffer));
    }

    [Fact]
    public async Task WritesPassThroughWhileUnreadBytesAreBuffered()
    {
        // The case BufferedStream refuses on a stream that cannot seek: MQTTnet acknowledges while more packets wait.
        var inner = new ScriptedStream([Bytes(0, 10)]);
        await using var stream = new ReadBufferedStream(inner, 64);
        var one = new byte[1];
        Assert.Equal(1, await stream.ReadAsync(one));
        await stream.WriteAsync(new byte[] { 9, 8 });
        stream.Write([7]);
        await stream.FlushAsync();

        Assert.Equal(9, stream.Buffered);
        Assert.Equal([9, 8, 7], inner.Written);
    }

    [Fact]
    public void ABufferTooSmallToHoldAHeaderIsRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReadBufferedStream(new ScriptedStream([]), 4));

    private static byte[] Bytes(int from, int count) => [.. Enumerable.Range(from, count).Select(i => (byte)i)];

    /// <summary>Returns the scripted chunks one per read (never more than asked), then end of stream; records writes.</summary>
    private sealed class ScriptedStream(List<byte[]> chunks) : Stream
    {
        private int _chunk;
        private int _offset;

        public int Reads { get; private set; }

        public List<byte> Written { get; } = [];

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            Reads++;
            if (_chunk >= chunks.Count)
            {
                return 0;
            }

            var source = chunks[_chunk].AsSpan(_offset);
            var n = Math.Min(source.Length, buffer.Length);
            source[..n].CopyTo(buffer);
            _offset += n;
            if (_offset == chunks[_chunk].Length)
            {
                _chunk++;
                _offset = 0;
            }

            return n;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await Task.Yield(); // like a socket: the data comes later
            return Read(buffer.Span);
        }

        public override void Write(byte[] buffer, int offset, int count) => Written.AddRange(buffer.AsSpan(offset, count).ToArray());

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
