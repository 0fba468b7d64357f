using System.Net;
using System.Net.Sockets;

namespace SmartCommunity.Gateway.Tests.VideoAnalysis;

/// <summary>
/// An HTTP camera that stops: serves an MPEG-TS recording's bytes to every client, then keeps the connection open
/// and sends nothing more, as a camera whose encoder hung. Stopped (and its connections closed) on dispose.
/// </summary>
internal sealed class StallingHttpStream : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly byte[] _body;
    private readonly Task _accepting;
    private int _connections;

    public StallingHttpStream(string recording)
    {
        _body = File.ReadAllBytes(recording);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public string Url => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/live.ts";

    public int Connections => Volatile.Read(ref _connections);

    private async Task AcceptAsync()
    {
        var clients = new List<Task>();
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                Interlocked.Increment(ref _connections);
                clients.Add(ServeAsync(client));
            }
        }
        catch (OperationCanceledException)
        {
            // Disposed.
        }

        await Task.WhenAll(clients);
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var request = new byte[4096];
                _ = await stream.ReadAsync(request, _stop.Token); // The GET; its content does not matter.
                await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Type: video/mp2t\r\nConnection: close\r\n\r\n"u8.ToArray(), _stop.Token);
                await stream.WriteAsync(_body, _stop.Token);
                await stream.FlushAsync(_stop.Token);
                await Task.Delay(Timeout.Infinite, _stop.Token); // Hung: the connection stays open, silent.
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException)
            {
                // Disposed, or ffmpeg was killed and closed its end.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting.WaitAsync(TimeSpan.FromSeconds(10));
        _stop.Dispose();
    }
}
