using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
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
/// With a certificate it is the TLS listener too (MQTTnet's own had no handshake timeout and no cap, so stalled
/// handshakes held a socket each for as long as the client liked): the handshake runs inside the same connect timeout
/// and per-address cap as CONNECT, and the packet limits apply to the decrypted stream.
/// It also bounds what a connection costs before it is trusted (issue 19, <see cref="ConnectionLimits"/>): packets are
/// measured as they stream in (<see cref="MqttFrameGuard"/>), small until CONNECT is accepted; a connection that has
/// not been accepted within the connect timeout is closed; and one address, and all addresses together, may hold only
/// so many connections that are not past CONNECT.
/// </summary>
internal sealed class BufferedTcpServerAdapter : IMqttServerAdapter
{
    private readonly IPEndPoint _endpoint;
    private readonly int _readBufferBytes;
    private readonly ILogger _logger;
    private readonly ConnectionLimits _limits;
    private readonly BrokerMetrics? _metrics;
    private readonly TimeProvider _time;
    private readonly X509Certificate2? _certificate;
    private readonly Dictionary<IPAddress, int> _unauthenticated = [];
    private int _unauthenticatedTotal; // under the lock of _unauthenticated
    private readonly CancellationTokenSource _stopping = new();
    private Socket? _listener;
    private Task? _acceptLoop;
    private MqttServerOptions? _serverOptions;
    private IMqttNetLogger? _mqttLogger;
    private int _disposed;

    public BufferedTcpServerAdapter(IPEndPoint endpoint, int readBufferBytes, ILogger logger, ConnectionLimits? limits = null,
        BrokerMetrics? metrics = null, TimeProvider? time = null, X509Certificate2? certificate = null)
    {
        _certificate = certificate;
        _endpoint = endpoint;
        _readBufferBytes = readBufferBytes;
        _logger = logger;
        _limits = limits ?? ConnectionLimits.Default;
        _metrics = metrics;
        _time = time ?? TimeProvider.System;
    }

    public Func<IMqttChannelAdapter, Task>? ClientHandler { get; set; }

    /// <summary>Connections on this listener not yet past CONNECT (for <c>sc_broker_unauthenticated_connections</c>).</summary>
    public int Unauthenticated
    {
        get
        {
            lock (_unauthenticated)
            {
                return _unauthenticatedTotal;
            }
        }
    }

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
        if (TryEnterUnauthenticated(source) is { } refused)
        {
            (refused == Refusal.PerSource ? _metrics?.ConnectionsCutTooManyUnauthenticated : _metrics?.ConnectionsCutUnauthenticatedCap)?.Inc();
            socket.Dispose();
            return;
        }

        var unauthenticated = 1;
        var handshaking = _certificate is null ? 0 : 1;
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
                (Volatile.Read(ref handshaking) == 1 ? _metrics?.ConnectionsCutTlsHandshakeTimeout : _metrics?.ConnectionsCutConnectTimeout)?.Inc();
                socket.Dispose(); // the pending handshake or MQTTnet's pending read ends and the connection is dropped
            }
        });
        try
        {
            socket.NoDelay = _serverOptions!.DefaultEndpointOptions.NoDelay;
            var guard = new MqttFrameGuard(_limits.ConnectPacketBytes);
            Stream transport = new NetworkStream(socket, ownsSocket: true);
            if (_certificate is not null)
            {
                if (await HandshakeAsync(transport, connectTimeout.Token).ConfigureAwait(false) is not { } tls)
                {
                    return;
                }

                transport = tls;
                Volatile.Write(ref handshaking, 0);
            }

            var stream = new ReadBufferedStream(transport, _readBufferBytes, guard);
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

    /// <summary>The TLS handshake within the connect timeout; null (counted, stream closed) when it fails or is cut.</summary>
    private async Task<SslStream?> HandshakeAsync(Stream transport, CancellationToken connectTimeout)
    {
        var tls = new SslStream(transport, leaveInnerStreamOpen: false);
        try
        {
            // Not given the timeout's token: the timeout callback counts the cut and then closes the socket, which ends
            // the handshake. With the token, the handshake's own cancellation could end the connection (and mark it
            // past CONNECT) before that callback ran, and the cut went uncounted (CI at e862f92).
            await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = _certificate }, CancellationToken.None).ConfigureAwait(false);
            return tls;
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // A timeout was counted where the socket was closed; anything else is a failed handshake (garbage, wrong
            // protocol version, a client that gave up). Debug only: the counters show a flood, the log must not.
            if (!connectTimeout.IsCancellationRequested)
            {
                _metrics?.ConnectionsCutTlsHandshakeFailed.Inc();
                _logger.LogDebug("MQTT TLS handshake failed: {Error}", ex.Message);
            }

            await tls.DisposeAsync().ConfigureAwait(false);
            return null;
        }
    }

    private void OnFrameRefused(MqttFrameGuard guard, EndPoint? remote, bool authenticated)
    {
        (authenticated ? _metrics?.ConnectionsCutPacketTooLarge : _metrics?.ConnectionsCutConnectTooLarge)?.Inc();
        // Debug only: a flood of hostile connections must not flood the log; the counters show it.
        _logger.LogDebug("Closed MQTT connection from {Endpoint}: a packet declared {Bytes} bytes, over the limit of {Limit}", remote, guard.Refused, guard.Limit);
    }

    private enum Refusal
    {
        PerSource,
        Total,
    }

    /// <summary>Null when the connection may wait for its CONNECT; else which cap it hit.</summary>
    private Refusal? TryEnterUnauthenticated(IPAddress source)
    {
        lock (_unauthenticated)
        {
            var count = _unauthenticated.GetValueOrDefault(source);
            if (_limits.UnauthenticatedPerSource > 0 && count >= _limits.UnauthenticatedPerSource)
            {
                return Refusal.PerSource;
            }

            if (_limits.UnauthenticatedTotal > 0 && _unauthenticatedTotal >= _limits.UnauthenticatedTotal)
            {
                return Refusal.Total;
            }

            _unauthenticated[source] = count + 1;
            _unauthenticatedTotal++;
            return null;
        }
    }

    private void LeaveUnauthenticated(IPAddress source)
    {
        lock (_unauthenticated)
        {
            _unauthenticatedTotal--;
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
