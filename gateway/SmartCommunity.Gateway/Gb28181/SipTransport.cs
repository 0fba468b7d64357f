using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using SmartCommunity.Gb28181.Sip;

namespace SmartCommunity.Gateway.Gb28181;

/// <summary>Where a SIP message came from, and how to answer: the same UDP socket, or the same TCP connection.</summary>
public sealed class SipPeer(IPEndPoint remote, string transport, Func<byte[], Task> send)
{
    public IPEndPoint Remote { get; } = remote;

    /// <summary><c>UDP</c> or <c>TCP</c>, as written in Via.</summary>
    public string Transport { get; } = transport;

    public Task SendAsync(SipMessage message) => send(message.ToBytes());
}

/// <summary>
/// The SIP listeners (RFC 3261 §18): one UDP socket and one TCP listener on the same port. Every datagram and every
/// message framed out of a TCP stream is parsed within <see cref="Gb28181Options.MaxMessageBytes"/>; what cannot be
/// parsed is counted with its reason and dropped (a TCP connection that sends garbage is closed), never thrown.
/// </summary>
public sealed class SipTransport(Gb28181Options options, Gb28181Metrics metrics, ILogger logger) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<IPEndPoint, TcpClient> _tcp = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly SipLimits _limits = new(options.MaxMessageBytes);
    private Socket? _udp;
    private TcpListener? _listener;
    private Task _udpLoop = Task.CompletedTask;
    private Task _tcpLoop = Task.CompletedTask;

    public IPEndPoint? UdpEndpoint => _udp?.LocalEndPoint as IPEndPoint;

    public void Start(Func<SipMessage, SipPeer, Task> handle)
    {
        var address = IPAddress.Parse(options.BindAddress);
        _udp = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        _udp.Bind(new IPEndPoint(address, options.Port));
        _listener = new TcpListener(address, options.Port);
        _listener.Start();
        _udpLoop = Task.Run(() => UdpLoopAsync(handle));
        _tcpLoop = Task.Run(() => AcceptLoopAsync(handle));
    }

    /// <summary>Sends a request to a peer that is not answering one of ours (UDP only; TCP peers are reached on their connection).</summary>
    public Task SendUdpAsync(IPEndPoint remote, SipMessage message) =>
        _udp is null ? Task.CompletedTask : _udp.SendToAsync(message.ToBytes(), SocketFlags.None, remote);

    /// <summary>The open TCP connection of a peer, if any, to send it a request.</summary>
    public SipPeer? TcpPeer(IPEndPoint remote) =>
        _tcp.TryGetValue(remote, out var client) ? new SipPeer(remote, "TCP", bytes => client.GetStream().WriteAsync(bytes).AsTask()) : null;

    private async Task UdpLoopAsync(Func<SipMessage, SipPeer, Task> handle)
    {
        var buffer = new byte[65_536];
        var socket = _udp!;
        while (!_stop.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), _stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (SocketException)
            {
                continue; // Should be rare: ICMP port unreachable from a peer that went away (Windows reports it here).
            }

            var remote = (IPEndPoint)received.RemoteEndPoint;
            var result = SipParser.ParseDatagram(buffer.AsSpan(0, received.ReceivedBytes), _limits);
            if (result.Status != SipParseStatus.Complete)
            {
                metrics.Refused(result.Reason ?? "invalid");
                continue;
            }

            var peer = new SipPeer(remote, "UDP", bytes => socket.SendToAsync(bytes, SocketFlags.None, remote));
            await SafeHandleAsync(handle, result.Message!, peer).ConfigureAwait(false);
        }
    }

    private async Task AcceptLoopAsync(Func<SipMessage, SipPeer, Task> handle)
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener!.AcceptTcpClientAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }

            if (_tcp.Count >= options.MaxTcpConnections)
            {
                metrics.Refused("tcp-connection-limit");
                client.Dispose();
                continue;
            }

            _ = Task.Run(() => ConnectionAsync(client, handle));
        }
    }

    private async Task ConnectionAsync(TcpClient client, Func<SipMessage, SipPeer, Task> handle)
    {
        var remote = (IPEndPoint)client.Client.RemoteEndPoint!;
        _tcp[remote] = client;
        var stream = client.GetStream();
        var writeLock = new SemaphoreSlim(1, 1);
        var peer = new SipPeer(remote, "TCP", async bytes =>
        {
            await writeLock.WaitAsync().ConfigureAwait(false);
            try
            {
                await stream.WriteAsync(bytes).ConfigureAwait(false);
            }
            finally
            {
                writeLock.Release();
            }
        });
        var buffer = new byte[_limits.MaxMessageBytes + 4];
        var filled = 0;
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var read = await stream.ReadAsync(buffer.AsMemory(filled), _stop.Token).ConfigureAwait(false);
                if (read == 0)
                {
                    return;
                }

                filled += read;
                while (filled > 0)
                {
                    var result = SipParser.ParseStream(buffer.AsSpan(0, filled), _limits);
                    if (result.Status == SipParseStatus.Incomplete)
                    {
                        if (filled == buffer.Length)
                        {
                            metrics.Refused("oversized");
                            return;
                        }

                        break;
                    }

                    if (result.Status == SipParseStatus.Invalid)
                    {
                        // A stream that lost its framing cannot be resynchronised: count it and close the connection.
                        metrics.Refused(result.Reason ?? "invalid");
                        return;
                    }

                    buffer.AsSpan(result.Consumed, filled - result.Consumed).CopyTo(buffer);
                    filled -= result.Consumed;
                    await SafeHandleAsync(handle, result.Message!, peer).ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The peer went away or we are stopping.
        }
        finally
        {
            _tcp.TryRemove(remote, out _);
            client.Dispose();
            writeLock.Dispose();
        }
    }

    private async Task SafeHandleAsync(Func<SipMessage, SipPeer, Task> handle, SipMessage message, SipPeer peer)
    {
        try
        {
            await handle(message, peer).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A bug in one handler must not end the listener: count, log and go on with the next message.
            metrics.Refused("handler-error");
            logger.LogError(ex, "GB/T 28181: handling {Message} from {Peer} failed", message, peer.Remote);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener?.Stop();
        _udp?.Dispose();
        foreach (var client in _tcp.Values)
        {
            client.Dispose();
        }

        await Task.WhenAll(_udpLoop, _tcpLoop).ConfigureAwait(false);
        _stop.Dispose();
    }
}
