using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using SmartCommunity.Gateway.Video.Cameras;

namespace SmartCommunity.Gateway.Gb28181.Live;

/// <summary>
/// Where the gateway's own ffmpeg processes read a GB channel: <c>http://127.0.0.1:{port}/gb28181/live/{channel}</c>,
/// so the recorder, prober, live view and analysis open a GB camera exactly as an RTSP or HTTP one, through the ffmpeg
/// module. Bound to loopback only, and each camera's URL needs its own random password (HTTP Basic, RFC 7617; the
/// password lives in the camera's credential column and reaches ffmpeg on its stdin, never its command line).
/// The reply is the demultiplexed program stream (<c>video/MP2P</c>), until the stream ends or the reader goes.
/// A minimal HTTP/1.0 responder: one GET per connection, request head at most 4 KiB.
/// </summary>
public sealed class LiveRelay(Gb28181Options options, LiveStreams streams, ICameraCatalog cameras, Gb28181Metrics metrics, ILogger<LiveRelay> logger) : IAsyncDisposable
{
    public const string User = "gb28181";
    private const string PathPrefix = "/gb28181/live/";
    private readonly CancellationTokenSource _stop = new();
    private TcpListener? _listener;
    private Task _loop = Task.CompletedTask;
    private int _stopped;

    public int Port => (_listener?.LocalEndpoint as IPEndPoint)?.Port ?? 0;

    public string UrlFor(string channelId) => $"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}{PathPrefix}{channelId}";

    /// <summary>True when <paramref name="url"/> is a relay URL (of this or an earlier process).</summary>
    public static bool IsRelayUrl(string url) => url.StartsWith("http://127.0.0.1:", StringComparison.Ordinal) && url.Contains(PathPrefix, StringComparison.Ordinal);

    public void Start()
    {
        _listener = new TcpListener(IPAddress.Loopback, options.RelayPort);
        _listener.Start();
        _loop = Task.Run(AcceptLoopAsync);
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener!.AcceptTcpClientAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }

            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var owned = client;
        var stream = client.GetStream();
        try
        {
            using var headTimeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            headTimeout.CancelAfter(TimeSpan.FromSeconds(5));
            var head = await ReadHeadAsync(stream, headTimeout.Token).ConfigureAwait(false);
            var lines = head?.Split("\r\n") ?? [];
            var parts = lines.Length > 0 ? lines[0].Split(' ') : [];
            if (parts.Length != 3 || parts[0] != "GET" || !parts[1].StartsWith(PathPrefix, StringComparison.Ordinal))
            {
                metrics.Refused("relay-bad-request");
                await ReplyAsync(stream, "400 Bad Request").ConfigureAwait(false);
                return;
            }

            var channelId = parts[1][PathPrefix.Length..];
            var password = cameras.Find(channelId)?.Streams.Password;
            if (password is null || !Authorized(lines, password))
            {
                // ffmpeg sends credentials only once challenged (RFC 7235 §3.1).
                await ReplyAsync(stream, "401 Unauthorized", "WWW-Authenticate: Basic realm=\"gb28181\"\r\n").ConfigureAwait(false);
                return;
            }

            using var lease = await streams.AttachAsync(channelId, _stop.Token).ConfigureAwait(false);
            if (lease is null)
            {
                await ReplyAsync(stream, "503 Service Unavailable").ConfigureAwait(false);
                return;
            }

            await stream.WriteAsync("HTTP/1.0 200 OK\r\nContent-Type: video/MP2P\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n"u8.ToArray(), _stop.Token).ConfigureAwait(false);
            await foreach (var unit in lease.Reader.ReadAllAsync(_stop.Token).ConfigureAwait(false))
            {
                await stream.WriteAsync(unit, _stop.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException or TimeoutException)
        {
            // The reader went away, fell behind, or we are stopping.
        }
        catch (Exception ex)
        {
            metrics.Refused("handler-error");
            logger.LogError(ex, "GB/T 28181 relay failed");
        }
    }

    private static bool Authorized(string[] lines, string password)
    {
        var expected = Encoding.UTF8.GetBytes("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(User + ":" + password)));
        foreach (var line in lines)
        {
            if (line.StartsWith("Authorization:", StringComparison.OrdinalIgnoreCase)
                && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(line["Authorization:".Length..].Trim()), expected))
            {
                return true;
            }
        }

        return false;
    }

    private static async Task<string?> ReadHeadAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[4_096];
        var filled = 0;
        while (filled < buffer.Length)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return null;
            }

            filled += read;
            var end = buffer.AsSpan(0, filled).IndexOf("\r\n\r\n"u8);
            if (end >= 0)
            {
                return Encoding.ASCII.GetString(buffer, 0, end);
            }
        }

        return null;
    }

    private static Task ReplyAsync(NetworkStream stream, string status, string headers = "") =>
        stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.0 {status}\r\n{headers}Content-Length: 0\r\nConnection: close\r\n\r\n")).AsTask();

    /// <summary>
    /// Stops accepting and waits for the accept loop. Idempotent: the GB server stops the relay when it stops, and the
    /// container disposes it again at exit (a second cancel of a disposed source aborted the process).
    /// </summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        _listener?.Stop();
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }

    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);
}
