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
/// It also bounds what a connection costs before it is trusted (issue 19, <see cref="ConnectionLimits"/>): packets are
/// measured as they stream in (<see cref="MqttFrameGuard"/>), small until CONNECT is accepted; a connection that has
/// not been accepted within the connect timeout is closed; and one address may hold only so many connections that
/// are not past CONNECT.
/// </summary>
internal sealed class BufferedTcpServerAdapter : IMqttServerAdapter
{
    private readonly IPEndPoint _endpoint;
    private readonly int _readBufferBytes;
    private readonly ILogger _logger;
    private readonly ConnectionLimits _limits;
    private readonly BrokerMetrics? _metrics;
    private readonly TimeProvider _time;
    private readonly Dictionary<IPAddress, int> _unauthenticated = [];
    private readonly CancellationTokenSource _stopping = new();
    private Socket? _listener;
    private Task? _acceptLoop;
    private MqttServerOptions? _serverOptions;
    private IMqttNetLogger? _mqttLogger;
    private int _disposed;

    public BufferedTcpServerAdapter(IPEndPoint endpoint, int readBufferBytes, ILogger logger, ConnectionLimits? limits = null,
        BrokerMetrics? metrics = null, TimeProvider? time = null)
    {
        _endpoint = endpoint;
        _readBufferBytes = readBufferBytes;
        _logger = logger;
        _limits = limits ?? ConnectionLimits.Default;
        _metrics = metrics;
        _time = time ?? TimeProvider.System;
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
        var source = (socket.RemoteEndPoint as IPEndPoint)?.Address is { } address
            ? (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address)
            : IPAddress.None;
        if (!TryEnterUnauthenticated(source))
        {
            _metrics?.ConnectionsCutTooManyUnauthenticated.Inc();
            socket.Dispose();
            return;
        }

        var unauthenticated = 1;
        void Authenticated()
        {
            if (Interlocked.Exchange(ref unauthenticated, 0) == 1)
            {
                LeaveUnauthenticated(source);
            }
        }

        using var connectTimeout = new CancellationTokenSource(_limits.ConnectTimeout, _time);
        using var closeWhenLate = connectTimeout.Token.Register(() =>
        {
            if (Volatile.Read(ref unauthenticated) == 1)
            {
                _metrics?.ConnectionsCutConnectTimeout.Inc();
                socket.Dispose(); // MQTTnet's pending read ends and it drops the connection
            }
        });
        try
        {
            socket.NoDelay = _serverOptions!.DefaultEndpointOptions.NoDelay;
            var guard = new MqttFrameGuard(_limits.ConnectPacketBytes);
            var stream = new ReadBufferedStream(new NetworkStream(socket, ownsSocket: true), _readBufferBytes, guard);
            stream.FrameRefused += refused => OnFrameRefused(refused, socket.RemoteEndPoint, Volatile.Read(ref unauthenticated) == 0);
            await using (stream.ConfigureAwait(false))
            {
                var channel = new MqttTcpChannel(stream, socket.LocalEndPoint, socket.RemoteEndPoint, null);
                var formatter = new MqttPacketFormatterAdapter(new MqttBufferWriter(_serverOptions.WriterBufferSize, _serverOptions.WriterBufferSizeMax));
                using var adapter = new MqttChannelAdapter(channel, formatter, _mqttLogger!)
                {
                    AllowPacketFragmentation = _serverOptions.DefaultEndpointOptions.AllowPacketFragmentation,
                };
                using var guarded = new GuardedChannelAdapter(adapter, guard, _limits.PacketBytes, Authenticated);
                if (ClientHandler is { } handler)
                {
                    await handler(guarded).ConfigureAwait(false);
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
            Authenticated(); // frees the address's place if the connection never got past CONNECT
            socket.Dispose();
        }
    }

    private void OnFrameRefused(MqttFrameGuard guard, EndPoint? remote, bool authenticated)
    {
        (authenticated ? _metrics?.ConnectionsCutPacketTooLarge : _metrics?.ConnectionsCutConnectTooLarge)?.Inc();
        // Debug only: a flood of hostile connections must not flood the log; the counters show it.
        _logger.LogDebug("Closed MQTT connection from {Endpoint}: a packet declared {Bytes} bytes, over the limit of {Limit}", remote, guard.Refused, guard.Limit);
    }

    private bool TryEnterUnauthenticated(IPAddress source)
    {
        lock (_unauthenticated)
        {
            var count = _unauthenticated.GetValueOrDefault(source);
            if (_limits.UnauthenticatedPerSource > 0 && count >= _limits.UnauthenticatedPerSource)
            {
                return false;
            }

            _unauthenticated[source] = count + 1;
            return true;
        }
    }

    private void LeaveUnauthenticated(IPAddress source)
    {
        lock (_unauthenticated)
        {
            var count = _unauthenticated.GetValueOrDefault(source) - 1;
            if (count <= 0)
            {
                _unauthenticated.Remove(source);
            }
            else
            {
                _unauthenticated[source] = count;
            }
        }
    }
}
