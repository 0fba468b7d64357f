using System.Net;
using System.Net.Sockets;
using SmartCommunity.Gb28181.Media;

namespace SmartCommunity.Gateway.Gb28181.Live;

/// <summary>
/// Receives one live stream's RTP on its own port (GB/T 28181-2016 §9.2): datagrams over UDP, or one TCP connection
/// the device opens (passive mode, RFC 4571 framing), or one the gateway opens to the port the device's answer names
/// (active mode, RFC 4145 <c>a=setup:active</c>; playback only, see <see cref="Connect"/>). Packets from any address but the device's are counted and
/// dropped; the rest go through the <see cref="PsReassembler"/> (order, loss, SSRC) and the <see cref="PsDemuxer"/>
/// (only well-formed pack headers, maps and video PES) to the <see cref="LiveChannel"/>. Counts are published as
/// <c>sc_gb28181_media_total{result}</c>.
/// </summary>
public sealed class MediaReceiver : IAsyncDisposable
{
    private readonly Socket? _udp;
    private readonly TcpListener? _tcp;
    private readonly IPEndPoint? _connectTo;
    private readonly HashSet<IPAddress> _allowed;
    private readonly LiveChannel _channel;
    private readonly Gb28181Metrics _metrics;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private PsReassembler _reassembler;
    private readonly PsDemuxer _demuxer;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly long[] _published = new long[12];
    private long _foreign;

    private MediaReceiver(Socket? udp, TcpListener? tcp, int port, IEnumerable<IPAddress> allowed, uint? ssrc, LiveChannel channel, Gb28181Metrics metrics, TimeProvider time,
        IPEndPoint? connectTo = null)
    {
        _connectTo = connectTo;
        _time = time;
        Opened = time.GetUtcNow();
        _udp = udp;
        _tcp = tcp;
        Port = port;
        _allowed = [.. allowed];
        _channel = channel;
        _metrics = metrics;
        _demuxer = new PsDemuxer(unit => _channel.Write(unit));
        _reassembler = NewReassembler(ssrc);
        _loop = udp is not null ? Task.Run(UdpLoopAsync) : tcp is not null ? Task.Run(TcpLoopAsync) : Task.Run(ConnectLoopAsync);
    }

    public int Port { get; }

    public bool Tcp => _udp is null;

    public DateTimeOffset Opened { get; }

    /// <summary>When the last packet was accepted (null: none yet).</summary>
    public DateTimeOffset? LastPacket { get; private set; }

    /// <summary>Completes when the receive loop ended (TCP connection closed, or disposed).</summary>
    public Task Ended => _loop;

    /// <summary>
    /// The SSRC the device's answer named (its <c>y=</c>, GB/T 28181-2016 Appendix F), when it differs from the offer's:
    /// packets are expected with it from now on (what was counted so far is published first).
    /// </summary>
    public void Expect(uint ssrc)
    {
        lock (_lock)
        {
            if (_reassembler.Ssrc == ssrc)
            {
                return;
            }

            PublishLocked();
            Array.Clear(_published, 0, 7); // The RTP counts start again with the new reassembler; the others go on.
            _reassembler = NewReassembler(ssrc);
        }
    }

    private PsReassembler NewReassembler(uint? ssrc)
    {
        var reassembler = new PsReassembler(bytes => _demuxer.Add(bytes), ssrc);
        reassembler.Gap += _demuxer.Discontinuity;
        return reassembler;
    }

    public ReassemblyCounts Rtp => _reassembler.Counts;

    public DemuxCounts Ps => _demuxer.Counts;

    /// <summary>Binds the first free port of the range, UDP or a TCP listener; null when every port is taken.</summary>
    public static MediaReceiver? Open(Gb28181Options options, bool tcp, IEnumerable<IPAddress> allowed, uint? ssrc, LiveChannel channel, Gb28181Metrics metrics, TimeProvider time)
    {
        var address = IPAddress.Parse(options.BindAddress);
        var span = options.MediaPortMax - options.MediaPortMin + 1;
        var start = Random.Shared.Next(span); // Spread over the range: a port just freed may still get a late packet of its old stream.
        for (var i = 0; i < span; i++)
        {
            var port = options.MediaPortMin + ((start + i) % span);
            try
            {
                if (tcp)
                {
                    var listener = new TcpListener(address, port);
                    listener.Start(1);
                    return new MediaReceiver(null, listener, port, allowed, ssrc, channel, metrics, time);
                }

                var socket = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
                try
                {
                    socket.Bind(new IPEndPoint(address, port));
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }

                socket.ReceiveBufferSize = 1 << 20; // A key frame arrives as a burst of ~100 datagrams.
                return new MediaReceiver(socket, null, port, allowed, ssrc, channel, metrics, time);
            }
            catch (SocketException)
            {
                // In use: try the next one.
            }
        }

        return null;
    }

    /// <summary>
    /// Active TCP (RFC 4145 <c>a=setup:active</c>): the gateway connects to the device's media port from its answer and
    /// reads RFC 4571 frames from it; the caller checked that the address is the device's. Port 0: none is bound here.
    /// </summary>
    public static MediaReceiver Connect(IPEndPoint target, uint? ssrc, LiveChannel channel, Gb28181Metrics metrics, TimeProvider time) =>
        new(null, null, 0, [target.Address], ssrc, channel, metrics, time, target);

    /// <summary>
    /// Where an active-TCP answer lets the gateway connect: a TCP port at the device's own address (never where an
    /// answer points us elsewhere), or null when the answer does not say one. Live streams and playback share it.
    /// </summary>
    public static IPEndPoint? ActiveTarget(SmartCommunity.Gb28181.Sip.SdpMedia? answer, IPAddress device) =>
        answer is not null && answer.Transport.StartsWith("TCP", StringComparison.OrdinalIgnoreCase) && IPAddress.TryParse(answer.Address, out var address)
            && address.Equals(device) && answer.Port is >= 1 and <= IPEndPoint.MaxPort
            ? new IPEndPoint(address, answer.Port) : null;

    private async Task ConnectLoopAsync()
    {
        try
        {
            using var client = new TcpClient(_connectTo!.AddressFamily);
            using (var connecting = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token))
            {
                connecting.CancelAfter(TimeSpan.FromSeconds(10));
                await client.ConnectAsync(_connectTo, connecting.Token).ConfigureAwait(false);
            }

            await ReadFramesAsync(client.GetStream()).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            // Stopping, the device refused the connection or closed it.
            if (!_stop.IsCancellationRequested && LastPacket is null)
            {
                _metrics.Media("tcp-connect-failed");
            }
        }
        finally
        {
            Publish();
        }
    }

    private async Task UdpLoopAsync()
    {
        var buffer = new byte[65_536];
        var anyone = new IPEndPoint(IPAddress.Any, 0);
        while (!_stop.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await _udp!.ReceiveFromAsync(buffer, SocketFlags.None, anyone, _stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (SocketException)
            {
                continue; // Should be rare: an ICMP error from a peer that went away.
            }
            catch (ObjectDisposedException)
            {
                return;
            }

            if (!_allowed.Contains(((IPEndPoint)received.RemoteEndPoint).Address))
            {
                _foreign++;
                continue;
            }

            Accept(buffer.AsSpan(0, received.ReceivedBytes));
        }
    }

    private async Task TcpLoopAsync()
    {
        try
        {
            // One connection per stream (RFC 4145 a=connection:new); connections from other addresses are closed.
            while (!_stop.IsCancellationRequested)
            {
                using var client = await _tcp!.AcceptTcpClientAsync(_stop.Token).ConfigureAwait(false);
                if (!_allowed.Contains(((IPEndPoint)client.Client.RemoteEndPoint!).Address))
                {
                    _foreign++;
                    continue;
                }

                _tcp.Stop(); // No second connection.
                await ReadFramesAsync(client.GetStream()).ConfigureAwait(false);
                return;
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            // Stopping, or the device closed the connection.
        }
        finally
        {
            Publish();
        }
    }

    /// <summary>Reads RFC 4571 frames until the connection closes or the framing is lost (then it cannot be resynchronised).</summary>
    private async Task ReadFramesAsync(NetworkStream stream)
    {
        var framer = new Rfc4571Framer();
        var buffer = new byte[65_536];
        while (true)
        {
            var read = await stream.ReadAsync(buffer, _stop.Token).ConfigureAwait(false);
            if (read == 0)
            {
                return;
            }

            if (!framer.Add(buffer.AsSpan(0, read), Accept))
            {
                _metrics.Media("tcp-bad-framing");
                return;
            }
        }
    }

    private void Accept(ReadOnlySpan<byte> datagram)
    {
        lock (_lock)
        {
            var before = _reassembler.Counts.Packets;
            _reassembler.Add(datagram);
            if (_reassembler.Counts.Packets != before)
            {
                LastPacket = _time.GetUtcNow();
            }
        }
    }

    /// <summary>Adds what was counted since the last call to the metrics.</summary>
    public void Publish()
    {
        lock (_lock)
        {
            PublishLocked();
        }
    }

    private void PublishLocked()
    {
        var r = _reassembler.Counts;
        var d = _demuxer.Counts;
        long[] now = [r.Packets, r.Reordered, r.Lost, r.Duplicates, r.Late, r.WrongSsrc, r.Malformed, _foreign, d.Resyncs, d.Malformed, d.DroppedPes, d.VideoPes];
        string[] names = ["rtp-packets", "rtp-reordered", "rtp-lost", "rtp-duplicate", "rtp-late", "rtp-foreign-ssrc", "rtp-malformed", "rtp-foreign-source", "ps-resync", "ps-malformed", "ps-dropped-pes", "ps-video-pes"];
        for (var i = 0; i < now.Length; i++)
        {
            _metrics.Media(names[i], now[i] - _published[i]);
            _published[i] = now[i];
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _udp?.Dispose();
        _tcp?.Stop();
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
        {
            // Ended.
        }

        Publish();
        _stop.Dispose();
    }
}
