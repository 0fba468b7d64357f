using System.Net;
using System.Net.Sockets;

namespace SmartCommunity.Sl651.Tests.Support;

/// <summary>A pretend RTU on a real loopback socket. Every wait is bounded by a timeout that fails the test.</summary>
internal sealed class RtuClient : IAsyncDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    private readonly TcpClient _client;
    private readonly NetworkStream _stream;

    private RtuClient(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
    }

    public static async Task<RtuClient> ConnectAsync(IPEndPoint endPoint)
    {
        var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, endPoint.Port);
        return new RtuClient(client);
    }

    public async Task SendAsync(byte[] bytes) => await _stream.WriteAsync(bytes);

    /// <summary>Reads one frame: the 14-byte header, then the body, end char and CRC its length field declares.</summary>
    public async Task<byte[]> ReadFrameAsync()
    {
        using var timeout = new CancellationTokenSource(Patience);
        var header = new byte[14];
        await _stream.ReadExactlyAsync(header, timeout.Token);
        var length = ((header[11] & 0x0F) << 8) | header[12];
        var rest = new byte[length + 3];
        await _stream.ReadExactlyAsync(rest, timeout.Token);
        return [.. header, .. rest];
    }

    /// <summary>Completes when the server closes the connection; fails if it sends anything first.</summary>
    public async Task WaitForServerToCloseAsync()
    {
        using var timeout = new CancellationTokenSource(Patience);
        var buffer = new byte[64];
        int read;
        try
        {
            read = await _stream.ReadAsync(buffer, timeout.Token);
        }
        catch (IOException)
        {
            return; // Reset by the server counts as closed.
        }

        Assert.Equal(0, read);
    }

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }
}
