using System.Net;
using System.Net.Sockets;
using MQTTnet.Adapter;
using MQTTnet.Diagnostics.Logger;
using MQTTnet.Formatter;
using MQTTnet.Implementations;
using MQTTnet.Server;

namespace SmartCommunity.Gateway.Broker;

/// <summary>
/// The embedded broker's plain-TCP listener: MQTTnet's own channel adapter and TCP channel, over a
/// <see cref="ReadBufferedStream"/> instead of the bare network stream MQTTnet's TCP adapter gives them (see there
/// for why). Everything above the byte stream — packet decoding, sessions, keep-alive, interception — is MQTTnet's.
/// The TLS endpoint stays on MQTTnet's adapter: <see cref="System.Net.Security.SslStream"/> buffers already.
/// </summary>
internal sealed class BufferedTcpServerAdapter : IMqttServerAdapter
{
    private readonly IPEndPoint _endpoint;
    private readonly int _readBufferBytes;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private Socket? _listener;
    private Task? _acceptLoop;
    private MqttServerOptions? _serverOptions;
    private IMqttNetLogger? _mqttLogger;
    private int _disposed;

    public BufferedTcpServerAdapter(IPEndPoint endpoint, int readBufferBytes, ILogger logger)
    {
        _endpoint = endpoint;
        _readBufferBytes = readBufferBytes;
        _logger = logger;
    }

    public Func<IMqttChannelAdapter, Task>? ClientHandler { get; set; }

    /// <summary>The port bound (the configured one, or the one the system chose for port 0).</summary>
    public int BoundPort => (_listener?.LocalEndPoint as IPEndPoint)?.Port ?? _endpoint.Port;

    public Task StartAsync(MqttServerOptions options, IMqttNetLogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _serverOptions = options;
        _mqttLogger = logger;
        var listener = new Socket(_endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.Bind(_endpoint);
            listener.Listen(options.DefaultEndpointOptions.ConnectionBacklog);
        }
        catch
        {
            listener.Dispose();
            throw;
        }

        _listener = listener;
        _acceptLoop = Task.Run(() => AcceptLoopAsync(listener, _stopping.Token));
        return Task.CompletedTask;
    }

    public async Task StopAsync()
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return;
        }

        await _stopping.CancelAsync();
        _listener?.Dispose();
        if (_acceptLoop is { } loop)
        {
            await loop.ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _stopping.Cancel();
        _listener?.Dispose();
        _stopping.Dispose();
    }

    private async Task AcceptLoopAsync(Socket listener, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(stopping).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                return; // stopping
            }
            catch (SocketException ex)
            {
                // Should be rare (e.g. out of file descriptors): keep listening, but not in a tight loop.
                _logger.LogWarning("MQTT listener could not accept a connection: {Error}", ex.SocketErrorCode);
                await Task.Delay(TimeSpan.FromMilliseconds(100), CancellationToken.None).ConfigureAwait(false);
                continue;
            }

            _ = Task.Run(() => HandleClientAsync(client), CancellationToken.None);
        }
    }

    private async Task HandleClientAsync(Socket socket)
    {
        try
        {
            socket.NoDelay = _serverOptions!.DefaultEndpointOptions.NoDelay;
            var stream = new ReadBufferedStream(new NetworkStream(socket, ownsSocket: true), _readBufferBytes);
            await using (stream.ConfigureAwait(false))
            {
                var channel = new MqttTcpChannel(stream, socket.LocalEndPoint, socket.RemoteEndPoint, null);
                var formatter = new MqttPacketFormatterAdapter(new MqttBufferWriter(_serverOptions.WriterBufferSize, _serverOptions.WriterBufferSizeMax));
                using var adapter = new MqttChannelAdapter(channel, formatter, _mqttLogger!)
                {
                    AllowPacketFragmentation = _serverOptions.DefaultEndpointOptions.AllowPacketFragmentation,
                };
                if (ClientHandler is { } handler)
                {
                    await handler(adapter).ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            // The connection went away before or while MQTTnet handled it; MQTTnet reports the disconnect itself.
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            _logger.LogError(ex, "MQTT connection handler failed");
        }
        finally
        {
            socket.Dispose();
        }
    }
}
